"""PL005: ENTRYPOINT or CMD in shell form: /bin/sh -c becomes PID 1 (and CMD is dropped)."""

from __future__ import annotations

import json

from privlint.finding import Severity
from privlint.rules.base import Rule

RULE = Rule("PL005", "shell-form-entrypoint", Severity.WARNING,
            "ENTRYPOINT or CMD of the final stage is in shell form")


def check(startup):
    if startup.dockerfile is None:
        return
    chain = startup.chain
    for instruction in (chain.entrypoint, chain.cmd):
        if instruction is None or instruction.exec_form is not None or not instruction.args.strip():
            continue
        if instruction.looks_like_broken_json:
            why = "is not valid JSON (Docker needs double quotes), so Docker runs it in shell form"
        elif instruction.keyword == "ENTRYPOINT":
            why = "is in shell form: `/bin/sh -c` becomes PID 1 and any CMD or `docker run` arguments are ignored"
        else:
            why = "is in shell form: `/bin/sh -c` wraps it and may stay PID 1 between your program and the signals"
        yield RULE.at(startup.dockerfile.path, instruction.line, 1, f"{instruction.keyword} {why}",
                      f"Use the JSON form: {instruction.keyword} {_json_form(instruction.args)}")


def _json_form(args: str) -> str:
    text = args.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = [part.strip().strip("'\"") for part in text[1:-1].split(",")]
        return json.dumps([part for part in inner if part])
    return json.dumps(text.split())
