"""PL008: a drop tool runs while the container does not start as root: it can only step down, so it fails."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.rules.base import Rule, quote
from privlint.startup import is_root_user
from privlint.trail import to_command, user_step

RULE = Rule("PL008", "drop-needs-root", Severity.ERROR,
            "a drop tool runs unguarded in a container that does not start as root")

_FIX = ("Guard the drop as the official images do: `if [ \"$(id -u)\" = '0' ]; then exec gosu app \"$0\" \"$@\"; fi`, "
        "then `exec \"$@\"`; or remove the drop, since the container already runs as a non-root user")


def check(startup):
    user = startup.user
    if user is None or user.value is None or user.is_root:
        return
    where = user.origin()
    launch = startup.chain_launch
    if launch is not None and launch.drop and startup.chain.entrypoint is not None:
        instruction = startup.chain.entrypoint
        yield RULE.at(instruction.path or startup.dockerfile.path, instruction.line, 1,
                      f"{instruction.keyword} starts {launch.drop}, but the container starts as `{user.value}` "
                      f"({where}): {launch.drop} can only step down, so it fails with \"operation not permitted\"",
                      _FIX, related=[step for step in (user_step(startup),) if step is not None])
    reported: set[int] = set()
    for script in startup.startup_scripts:
        analysis = script.analysis
        for command in analysis.reachable_commands():
            if id(command) in reported or command.is_test:
                continue
            drop = next((launch for launch in analysis.launches(command) if launch.drop), None)
            if drop is None:
                continue
            if startup.guarded_by_user_check(analysis, command):
                continue
            reported.add(id(command))
            if drop.drop_user is not None and is_root_user(drop.drop_user):
                message = (f"{quote(command.text)} asks {drop.drop} to switch to root, but the container starts as "
                           f"`{user.value}` ({where}): that always fails")
                fix = "Do the root-only work before `USER`, in a RUN, or start the container as root and drop after it"
            else:
                message = (f"{quote(command.text)} runs {drop.drop} with no root check, but the container starts as "
                           f"`{user.value}` ({where}): {drop.drop} can only step down, so it fails with "
                           "\"operation not permitted\" and the container dies at start")
                fix = _FIX
            related = [step for step in (user_step(startup),) if step is not None]
            yield RULE.at(command.path, command.line, command.column, message, fix,
                          end_line=command.end_line, end_column=command.end_column,
                          related=related + to_command(startup, script, command))
