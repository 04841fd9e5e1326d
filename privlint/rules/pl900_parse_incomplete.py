"""PL900: part of a file could not be parsed; findings there may be missing."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.flow import MAX_CALL_DEPTH
from privlint.rules.base import Rule

RULE = Rule("PL900", "parse-incomplete", Severity.INFO, "part of a file could not be parsed")

_FIX = "Check the syntax there (`bash -n` for scripts); privlint still checked the rest of the file"


def check(startup):
    scripts = {}
    for each in startup.startup_scripts:
        for script in each.analysis.scripts:  # the script and the files it sources
            scripts[id(script)] = script
        for command in each.analysis.too_deep:
            yield RULE.at(command.path, command.line, command.column, "function calls nested more than "
                          f"{MAX_CALL_DEPTH} deep: not followed past here, findings there may be missing", _FIX)
    for _, _, script in startup.build_scripts:
        scripts[id(script)] = script
    for script in scripts.values():
        for damage in script.damage:
            yield RULE.at(script.path, damage.line, 1, f"could not parse {_lines(damage)} of this script: "
                          "findings there may be missing", _FIX, end_line=damage.end_line)
    if startup.dockerfile is None:
        return
    path = startup.dockerfile.path
    for line, message in startup.dockerfile.notes:
        yield RULE.at(path, line, 1, message, _FIX)
    parsed = [script for _, _, script in startup.run_scripts] + [s for _, s in startup.chain_scripts]
    for script in parsed:
        for damage in script.damage:
            yield RULE.at(path, damage.line, 1, f"could not parse the shell of {_lines(damage)}: "
                          "findings there may be missing", _FIX, end_line=damage.end_line)


def _lines(damage) -> str:
    if damage.line == damage.end_line:
        return f"line {damage.line}"
    return f"lines {damage.line}-{damage.end_line}"
