"""PL002: the command that ends a path of the entrypoint is not exec'd, so the shell stays PID 1."""

from __future__ import annotations

from privlint.finding import Edit, Severity
from privlint.rules.base import Rule, quote
from privlint.shell_model import LITERAL, Command

RULE = Rule("PL002", "missing-exec", Severity.ERROR,
            "the long-running command that ends the entrypoint is not exec'd")

_TERM_SIGNALS = {"TERM", "SIGTERM", "15", "INT", "SIGINT"}


def check(startup):
    script = startup.script
    if script is None or not script.is_entrypoint:
        return
    analysis = script.analysis
    reported: set[int] = set()
    for end in analysis.path_ends():
        command = end.command
        if not isinstance(command, Command) or end.how == "exec" or command.is_test:
            continue
        if id(command) in reported:
            continue
        if command.name == "wait":
            background = _unforwarded_background(analysis, command)
            if background is not None:
                reported.add(id(command))
                yield RULE.at(script.script.path, command.line, command.column,
                              f"{quote(background.text)} runs in the background and the script waits for it "
                              "with no trap forwarding TERM: `docker stop` signals the shell, not it",
                              "exec the program instead of `&` + `wait`, or `trap 'kill -TERM $pid' TERM INT` "
                              "before waiting", end_column=command.end_column)
            continue
        if not analysis.is_long_running(command):
            continue
        if any(damage.end_line > command.line for damage in script.script.damage):
            continue  # the real end of this path may sit in lines that could not be parsed (PL900)
        reported.add(id(command))
        after = " and is followed only by `exit`" if end.how == "exit" else ""
        if analysis.is_exec(command):  # `( exec "$@" )`: exec replaces the subshell, not the script
            message = (f"{quote(command.text)} ends the script inside a subshell `( ... )`: exec replaces the "
                       "subshell, so the script's shell stays PID 1 and `docker stop` will not reach it")
            fix = "Take the command out of the subshell: `exec` it from the script itself"
        else:
            message = (f"{quote(command.text)} ends the script{after} but is not exec'd: the shell stays "
                       "PID 1 and `docker stop` will not reach it")
            fix = f"Prefix it with exec: `exec {' '.join(command.text.split())[:60]}`"
        edit = None
        sudo = any(launch.sudo for launch in analysis.launches(command))  # PL001's fix is the right one
        if end.how == "end" and not sudo and _exec_can_be_prefixed(command, script.script):
            edit = Edit(script.script.path, command.line, command.column, command.line, command.column, "exec ",
                        expect=command.words[0].text)
        yield RULE.at(script.script.path, command.line, command.column, message, fix,
                      end_line=command.end_line, end_column=command.end_column, edit=edit)


#: Shell builtins that `exec` cannot run: prefixing them would break the script.
_NOT_PROGRAMS = {"eval", "command", "builtin", "source", ".", "exec", "set", "trap", "wait", "{", "if", "while"}


def _exec_can_be_prefixed(command: Command, script) -> bool:
    """The safe case: a simple command on its own, nothing after it on its path, a real program."""
    if not command.standalone or command.has_assignments or command.is_test or not command.words:
        return False
    first = command.words[0]
    if first.kind == LITERAL and (first.value in _NOT_PROGRAMS or first.value in script.functions):
        return False
    return True


def _unforwarded_background(analysis, wait: Command) -> Command | None:
    """The last long-running background command before `wait`, when no trap forwards TERM."""
    commands = list(analysis.reachable_commands())
    for command in commands:
        if command.name == "trap" and any((w.value or "").upper() in _TERM_SIGNALS for w in command.words[1:]):
            return None
    background = [c for c in commands if c.background and c.line <= wait.line and analysis.is_long_running(c)]
    return background[-1] if background else None
