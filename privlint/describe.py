"""`privlint startup`: each start-up as privlint read it, for debugging a finding (or a silence).

The Dockerfile, the stage and build context used; the user at start and where it comes from; the PID 1
chain (init wrapper → entrypoint script → each hand-over → the main program) with the user at each step;
every path end of the PID 1 scripts with its exec status and user; the drops, sourced files, scripts run
in the foreground and by RUN, the downloads with their verification; and what privlint could not see.
A plain data structure: reporters render it (rich tree, text, JSON).
"""

from __future__ import annotations

from privlint import shell_model as m
from privlint.launch import basename
from privlint.programs import INIT_WRAPPERS
from privlint.startup import is_root_user


def describe(startup, result) -> dict:
    dockerfile = startup.dockerfile
    stage = startup.final_stage
    service = startup.service
    user = startup.user
    start_user = user.value if user is not None and user.value else (
        "unknown (no Dockerfile)" if dockerfile is None else "an unresolved user")
    found = {
        "dockerfile": dockerfile.path if dockerfile is not None else None,
        "stage": None if stage is None else {"index": stage.index, "name": stage.alias, "line": stage.line,
                                             "base": stage.chain()[-1].base},
        "context": startup.context,
        "service": None if service is None else {"name": service.name, "path": service.path, "line": service.line},
        "user": _user(startup, user),
        "pid1": _pid1(startup, start_user),
        "ends": _ends(startup, start_user),
        "drops": _drops(startup),
        "sourced": _sourced(startup),
        "foreground": [_script_ref(script) for script in startup.foreground],
        "run_scripts": [{"path": script.path, "run_line": instruction.line}
                        for _, instruction, script in startup.build_scripts],
        "downloads": [{"path": d.path, "line": d.line, "url": d.url, "tool": d.tool, "verified": d.verified,
                       "uses": list(d.uses), "at_start": d.start_time} for d in startup.downloads.downloads],
        "unseen": _unseen(startup, result),
    }
    return found


def _user(startup, user) -> dict | None:
    if user is None:
        return None
    if user.path is not None:
        where = "compose `user:`"
    elif user.from_user_instruction:
        where = "USER instruction"
    elif not user.base_known:
        where = "unknown base image"
    else:
        where = "base image"
    return {"value": user.value, "root": bool(user.value) and is_root_user(user.value),
            "path": user.path or (startup.dockerfile.path if startup.dockerfile else None), "line": user.line,
            "from": where}


def _pid1(startup, start_user) -> list[dict]:
    """init wrapper → entrypoint script → each hand-over → the main program, with the user at each step."""
    steps: list[dict] = []
    current = start_user
    chain = startup.chain
    instruction = chain.entrypoint or chain.cmd
    where = (instruction.path or startup.dockerfile.path, instruction.line) if instruction is not None and \
        startup.dockerfile is not None else (None, None)
    words = chain.words() or []
    if not chain.entrypoint and not chain.cmd and startup.base is not None:
        words = list(startup.base.entrypoint or []) + list(startup.base.cmd or [])
        where = (startup.dockerfile.path, startup.final_stage.line)
    if words and basename(words[0]) in INIT_WRAPPERS:
        steps.append({"program": words[0], "path": where[0], "line": where[1], "user": current, "kind": "init"})
    for script in startup.pid1_scripts:
        via = script.via
        if via is not None and steps and script.role == "hop":
            current = _user_after(startup, via, current)
        steps.append({"program": script.image_path or script.script.path,
                      "path": via.path if via is not None else script.script.path,
                      "line": via.line if via is not None else None, "user": current, "file": script.script.path,
                      "kind": "script" if script.role != "alone" else "script (alone)"})
    launch = startup.chain_launch
    if not startup.pid1_scripts and launch is not None and launch.program:
        if launch.drop:
            current = launch.drop_user or current
        steps.append({"program": " ".join(w.value or w.text for w in launch.program)[:120], "path": where[0],
                      "line": where[1], "user": current, "kind": "program"})
    reexec = _reexec_user(startup)
    after = f"{reexec} (after the re-exec)" if reexec else current
    mains = sorted({(launch.program_name, (launch.drop_user or "?") if launch.drop else after)
                    for launch in startup.main_launches() if launch.program_name}, key=str)
    for program, user in mains:
        if steps and steps[-1]["kind"] == "program" and steps[-1]["program"].split()[0].endswith(program):
            continue
        steps.append({"program": program, "path": None, "line": None, "user": user, "kind": "main"})
    return steps


def _user_after(startup, via, current):
    """The user after a hand-over command: the drop tool's user when it switches."""
    for script in startup.pid1_scripts:
        for command in script.analysis.reachable_commands():
            if (command.path, command.line) == (via.path, via.line):
                for launch in script.analysis.launches(command):
                    if launch.drop:
                        return launch.drop_user or "?"
    return current


def _reexec_user(startup, scripts=None) -> str | None:
    """`exec gosu app "$0" "$@"`: the user the script runs itself again as (the official images' drop)."""
    for script in scripts if scripts is not None else startup.pid1_scripts:
        analysis = script.analysis
        for end in analysis.path_ends():
            command = end.command
            if isinstance(command, m.Command):
                for launch in analysis.launches(command):
                    if launch.drop and launch.program and launch.program[0].kind == m.SELF:
                        return launch.drop_user or "?"
    return None


def _ends(startup, start_user) -> list[dict]:
    ends = []
    for script in startup.pid1_scripts:
        analysis = script.analysis
        reexec = _reexec_user(startup, [script])
        for end in analysis.path_ends():
            command = end.command
            if not isinstance(command, m.Command):
                continue
            launches = analysis.launches(command)
            drop = next((launch for launch in launches if launch.drop), None)
            if drop is not None:
                user = drop.drop_user or "?"
            elif reexec is not None:
                user = f"{start_user} (or {reexec} after the re-exec)"
            else:
                user = start_user
            ends.append({"path": command.path, "line": command.line, "command": " ".join(command.text.split())[:120],
                         "how": end.how, "exec": end.how == "exec", "long_running": analysis.is_long_running(command),
                         "user": user})
    return ends


def _drops(startup) -> list[dict]:
    found = []
    for script in startup.startup_scripts:
        for command in script.analysis.reachable_commands():
            for launch in script.analysis.launches(command):
                if launch.drop or launch.sudo:
                    found.append({"path": command.path, "line": command.line, "tool": launch.drop or launch.sudo,
                                  "user": launch.drop_user or launch.sudo_user,
                                  "guarded": startup.guarded_by_user_check(script.analysis, command)})
                    break
    return found


def _sourced(startup) -> list[dict]:
    found = []
    for script in startup.startup_scripts:
        analysis = script.analysis
        for command in analysis.reachable_commands():
            if id(command) in analysis.sourced:
                found.append({"path": analysis.sourced[id(command)].path, "from": command.path, "line": command.line})
        for command in analysis.unread_sources:
            found.append({"path": None, "from": command.path, "line": command.line,
                          "text": " ".join(w.text for w in command.words[:2])})
    return found


def _script_ref(script) -> dict:
    via = script.via
    return {"path": script.script.path, "image_path": script.image_path,
            "from": via.path if via is not None else None, "line": via.line if via is not None else None}


def _unseen(startup, result) -> list[str]:
    """What privlint could not see: unread files, unknown base images, lines it could not parse."""
    found = [f"{note.path}: {note.message}" for note in result.notes]
    user = startup.user
    if user is not None and not user.base_known:
        found.append(f"the base image `{startup.final_stage.chain()[-1].base}` is unknown: its user and start-up")
    for script in startup.startup_scripts:
        for each in script.analysis.scripts:
            for damage in each.damage:
                found.append(f"{each.path}: lines {damage.line}-{damage.end_line} could not be parsed")
    return found
