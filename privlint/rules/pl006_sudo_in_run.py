"""PL006: sudo in a RUN instruction: the build already runs as root, or sudo hides a USER mistake."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.rules.base import Rule, quote
from privlint.shell_model import iter_commands

RULE = Rule("PL006", "sudo-in-run", Severity.WARNING, "sudo is used in a RUN instruction")


def check(startup):
    for _, _, script in startup.all_build_scripts:
        analysis = startup.analyse(script)
        for command in iter_commands(script.body):
            if command.is_test:
                continue
            if any(launch.sudo == "sudo" for launch in analysis.launches(command)):
                yield RULE.at(command.path, command.line, command.column,
                              f"{quote(command.text)} uses sudo in a build step",
                              "Drop sudo: RUN runs as root until a USER instruction; switch with `USER root` "
                              "and back if needed, and do not install sudo in the image")
