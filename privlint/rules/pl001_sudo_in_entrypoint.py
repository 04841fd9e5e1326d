"""PL001: sudo or su starting the container's processes (they stay as parent and own the TTY)."""

from __future__ import annotations

import re

from privlint import shell_model as m
from privlint.finding import Edit, Severity
from privlint.rules.base import Rule, quote
from privlint.trail import to_command

RULE = Rule("PL001", "sudo-in-entrypoint", Severity.ERROR,
            "sudo or su starts a process on the entrypoint path")

_FIX = "Switch user with a tool that execs the command: `exec gosu USER CMD` (or su-exec, setpriv)"


def check(startup):
    reported: set[int] = set()
    for script in startup.startup_scripts:
        analysis = script.analysis
        ends = {id(end.command) for end in analysis.path_ends() if end.how in ("end", "exec", "messages")} \
            if script.is_entrypoint else set()
        for command in analysis.reachable_commands():
            if command.is_test or id(command) in reported:
                continue
            for launch in analysis.launches(command):
                if not launch.sudo:
                    continue
                reported.add(id(command))
                at_end = id(command) in ends
                edit = _gosu_edit(startup, script, command) if at_end else None
                handler = id(command) in analysis.handler_commands  # `trap 'su app -c "x stop"' TERM`
                yield RULE.at(command.path, command.line, command.column,
                              _message(command, launch, handler) + _nnp(startup),
                              _hint(command, launch, at_end and not handler), end_line=command.end_line,
                              end_column=command.end_column, edit=edit, related=to_command(startup, script, command))
                break
    launch = startup.chain_launch
    if launch is not None and launch.sudo:
        entry = startup.chain.entrypoint
        entry_words = entry.exec_form if entry is not None else None
        instruction = entry if entry_words and launch.sudo_index < len(entry_words) else startup.chain.cmd
        yield RULE.at(instruction.path or startup.dockerfile.path, instruction.line, 1,
                      f"{instruction.keyword} starts the container through {launch.sudo}: it stays PID 1 "
                      "instead of your program", _FIX)
    yield from _cmd_through_sudo(startup)
    for instruction, analysis in startup.chain_analyses:
        for command in analysis.reachable_commands():
            if not command.is_test and any(reading.sudo for reading in analysis.launches(command)):
                yield RULE.at(instruction.path or startup.dockerfile.path, command.line, command.column,
                              f"{instruction.keyword} starts {quote(command.text)} through sudo/su: it stays "
                              "as the parent of your program", _FIX)


def _cmd_through_sudo(startup):
    """`CMD ["sudo", "tail", "-F", "log"]` that the entrypoint script runs with `"$@"`: sudo starts the main
    process as the CMD hands it over."""
    cmd = startup.chain.cmd
    if startup.script is None or cmd is None or not cmd.exec_form:
        return
    launch = startup.read(cmd.exec_form)
    if not launch.sudo:
        return
    analysis = startup.script.analysis
    runs_args = any(reading.runs_args for end in analysis.path_ends()
                    if end.how in ("end", "exec", "messages") and isinstance(end.command, m.Command)
                    for reading in analysis.launches(end.command))
    if runs_args:
        yield RULE.at(cmd.path or startup.dockerfile.path, cmd.line, 1,
                      f"{cmd.keyword} starts its program through {launch.sudo}, which the entrypoint script runs as "
                      "its arguments: sudo stays as the parent of your program", _FIX)


def _nnp(startup) -> str:
    service = startup.service
    if service is not None and service.no_new_privileges:
        return (f"; and with `security_opt: no-new-privileges` (service `{service.name}`) sudo/su cannot raise "
                "privileges at all: it will fail")
    return ""


def _message(command, launch, handler: bool = False) -> str:
    """What is wrong there: a long-running program kept under sudo/su, or a one-shot command through it."""
    if handler:
        return (f"{quote(command.text)} runs a command through {launch.sudo} in a trap handler, when the container is "
                "stopped: sudo and su need PAM and a setuid binary, and fail once the container does not start as root")
    if launch.is_long_running():
        return (f"{quote(command.text)} uses {launch.sudo} to start a process: it stays as the parent, so signals "
                "and the TTY go to it, not to your program")
    return (f"{quote(command.text)} runs a command through {launch.sudo} at start: sudo and su need PAM and a "
            "setuid binary in the image, and fail once the container does not start as root")


def _hint(command, launch, at_end: bool) -> str:
    """`exec gosu USER CMD` where the command ends its path; in the middle of a script, no exec."""
    user = launch.sudo_user or "USER"
    rest = " ".join(w.text for w in launch.program) if launch.program else "CMD"
    if at_end:
        return f"Switch user with a tool that execs the command: `exec gosu {user} {rest}` (or su-exec, setpriv)"
    if launch.is_long_running():
        return f"Switch user with a tool that execs: `gosu {user} {rest}` (or su-exec, setpriv), exec'd if it is last"
    return (f"Run it as root before dropping privileges (no sudo needed), or switch user with "
            f"`gosu {user} {rest}` (or su-exec, setpriv)")


_SUDO_USER = re.compile(r"^(?:exec\s+)?sudo\s+(?:-u\s+|--user=)(\S+)\s+(.+?)\s*$", re.S)
_SU_COMMAND = re.compile(r"^(?:exec\s+)?su\s+(?:-\s+)?([\w.-]+)\s+-c\s+(['\"])([\w./:=,@%+ -]+)\2\s*$")


def _gosu_edit(startup, script, command):
    """Unsafe fix: `sudo -u U CMD` / `su U -c "CMD"` at the end → `exec gosu U CMD` (if gosu is installed)."""
    tool = startup.installed_drop_tool()
    if tool is None or not script.editable or not command.standalone or command.has_assignments \
            or command.end_line != command.line:
        return None
    text = command.text
    match = _SUDO_USER.match(text)
    if match and not match.group(2).startswith("-"):
        user, rest = match.group(1), match.group(2)
    else:
        match = _SU_COMMAND.match(text)
        if not match:
            return None
        user, rest = match.group(1), match.group(3)
    return Edit(command.path, command.line,
                command.column, command.end_line, command.end_column, f"exec {tool} {user} {rest}", safe=False,
                expect=text)
