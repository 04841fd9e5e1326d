"""PL001: sudo or su starting the container's processes (they stay as parent and own the TTY)."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.rules.base import Rule, quote

RULE = Rule("PL001", "sudo-in-entrypoint", Severity.ERROR,
            "sudo or su starts a process on the entrypoint path")

_FIX = "Switch user with a tool that execs the command: `exec gosu USER CMD` (or su-exec, setpriv)"


def check(startup):
    script = startup.script
    if script is not None and script.is_entrypoint:
        for command in script.analysis.reachable_commands():
            if command.is_test:
                continue
            for launch in script.analysis.launches(command):
                if launch.sudo:
                    yield RULE.at(script.script.path, command.line, command.column,
                                  f"{quote(command.text)} uses {launch.sudo} to start a process: it stays as "
                                  "the parent, so signals and the TTY go to it, not to your program", _FIX,
                                  end_line=command.end_line, end_column=command.end_column)
                    break
    launch = startup.chain_launch
    if launch is not None and launch.sudo:
        entry = startup.chain.entrypoint
        entry_words = entry.exec_form if entry is not None else None
        instruction = entry if entry_words and launch.sudo_index < len(entry_words) else startup.chain.cmd
        yield RULE.at(startup.dockerfile.path, instruction.line, 1,
                      f"{instruction.keyword} starts the container through {launch.sudo}: it stays PID 1 "
                      "instead of your program", _FIX)
    for instruction, analysis in startup.chain_analyses:
        for command in analysis.reachable_commands():
            if not command.is_test and any(reading.sudo for reading in analysis.launches(command)):
                yield RULE.at(startup.dockerfile.path, command.line, command.column,
                              f"{instruction.keyword} starts {quote(command.text)} through sudo/su: it stays "
                              "as the parent of your program", _FIX)
