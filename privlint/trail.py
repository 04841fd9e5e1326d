"""The path that explains a finding, in start-up order: where the user comes from, what ENTRYPOINT/CMD
start, each script PID 1 hands over to, each function call and sourced file on the way, and the branch.

Rules attach these steps to findings (Finding.related); reporters show them (rich trail, JSON
`related`, SARIF relatedLocations and codeFlows). Nothing here decides a finding.
"""

from __future__ import annotations

from privlint import shell_model as m
from privlint.finding import Related
from privlint.launch import basename
from privlint.programs import TOOL_COMMANDS

MAX_STEPS = 12


def user_step(startup) -> Related | None:
    """Where the start user comes from: compose `user:`, a USER line, or the base image (FROM line)."""
    user = startup.user
    if user is None or startup.dockerfile is None:
        return None
    if user.path is not None:
        return Related(user.path, user.line, 1, f"the service runs as `{user.value}` (compose `user:`)")
    if user.from_user_instruction:
        return Related(startup.dockerfile.path, user.line, 1, f"USER {user.value}: the container starts as it")
    base = startup.final_stage.chain()[-1].base
    return Related(startup.dockerfile.path, user.line, 1, f"no USER: the user of `{base}` applies ({user.value})")


def chain_step(startup) -> Related | None:
    """The ENTRYPOINT/CMD the container starts with (the image's, a compose override's, or inherited)."""
    chain = startup.chain
    instruction = chain.entrypoint or chain.cmd
    if instruction is None or startup.dockerfile is None:
        return None
    return Related(instruction.path or startup.dockerfile.path, instruction.line, 1,
                   f"{instruction.keyword} {' '.join(instruction.args.split())[:70]}")


def scripts_to(startup, script) -> list[Related]:
    """What starts `script`: ENTRYPOINT/CMD, then each hand-over (`exec "$@"`, `exec /next.sh`) to it."""
    steps: list[Related] = []
    order = startup.pid1_scripts
    if script in order:
        chain = order[: order.index(script) + 1]
    else:
        chain = order[:1] + [script]
    for each in chain:
        if each.via is not None:
            steps.append(each.via)
    return steps


def calls_to(analysis, command) -> list[Related]:
    """The function calls and `source` commands that lead from the script's top level to `command`."""
    steps: list[Related] = []
    current = command
    for _ in range(MAX_STEPS):
        place = analysis.place(current)
        if place.function is not None:
            caller = next((c for c in analysis.reachable_commands()
                           if c.name == place.function and c is not current), None)
            if caller is None:
                break
            steps.insert(0, Related(caller.path, caller.line, caller.column,
                                    f"`{_short(caller.text)}` calls {place.function}()"))
            current = caller
            continue
        if current.path and current.path != analysis.script.path:
            source = next((c for c in analysis.reachable_commands() if id(c) in analysis.sourced
                           and analysis.sourced[id(c)].path == current.path), None)
            if source is None:
                break
            steps.insert(0, Related(source.path, source.line, source.column,
                                    f"`{_short(source.text)}` reads {basename(current.path)}"))
            current = source
            continue
        break
    return steps


def branch_steps(analysis, command) -> list[Related]:
    """The tests on the way to the command: `case "$1" in web`, the else of `[ "$(id -u)" = 0 ]`."""
    steps = []
    path = command.path
    for text, negated, line in analysis.place(command).guards:
        if not line:
            continue
        shown = _short(text)
        steps.append(Related(path, line, 1, f"when `{shown}` fails" if negated else f"when `{shown}`"))
    return steps


def to_command(startup, script, command) -> list[Related]:
    """The whole trail to a command of a start-up script."""
    steps = scripts_to(startup, script) or [step for step in (chain_step(startup),) if step is not None]
    return _unique(steps + calls_to(script.analysis, command) + branch_steps(script.analysis, command))


def _unique(steps: list[Related]) -> list[Related]:
    seen, found = set(), []
    for step in steps:
        key = (step.path, step.line, step.message)
        if key not in seen:
            seen.add(key)
            found.append(step)
    return found[:MAX_STEPS]


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."



def main_trail(startup) -> list[Related]:
    """For PL003: where the user comes from, what starts, and the path end that runs the main program."""
    steps = [step for step in (user_step(startup),) if step is not None]
    if not startup.pid1_scripts:
        steps += [step for step in (chain_step(startup),) if step is not None]
    for script in startup.pid1_scripts:
        for end in script.analysis.path_ends():
            command = end.command
            if isinstance(command, m.Command) and script.analysis.is_long_running(command):
                steps += scripts_to(startup, script) + calls_to(script.analysis, command)
                steps += branch_steps(script.analysis, command)
                steps.append(Related(command.path, command.line, command.column,
                                     f"`{_short(command.text)}` runs the main program, still as root"))
                return _unique(steps)
    return _unique(steps + [step for step in scripts_to(startup, startup.pid1_scripts[-1])] if startup.pid1_scripts
                   else steps)


def tool_use(startup, tool: str) -> list[Related]:
    """For PL004: where the start-up uses the downloaded tool (`exec gosu`, `ENTRYPOINT ["tini", ...]`)."""
    launch = startup.chain_launch
    words = startup.chain.words() or []
    if launch is not None and any(basename(w) == tool or w in TOOL_COMMANDS.get(tool, ()) for w in words):
        step = chain_step(startup)
        return [Related(step.path, step.line, step.column, f"{step.message}: runs {tool} first")] if step else []
    for script in startup.startup_scripts:
        for command in script.analysis.reachable_commands():
            if any(launch.drop == tool for launch in script.analysis.launches(command)) or command.name == tool or \
                    command.name in TOOL_COMMANDS.get(tool, ()):
                return [Related(command.path, command.line, command.column,
                                f"`{_short(command.text)}` runs {tool}")]
    return []
