"""PL005: ENTRYPOINT or CMD in shell form: /bin/sh -c becomes PID 1 (and CMD is dropped)."""

from __future__ import annotations

import json
import re

from privlint.finding import Edit, Severity
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
                      f"Use the JSON form: {instruction.keyword} {_json_form(instruction.args)}",
                      edit=_edit(startup, instruction))


_PLAIN_WORD = re.compile(r"[A-Za-z0-9_./:=,@%+-]+")


def _edit(startup, instruction):
    """JSON form for plain words only: no `$`, quotes, globs, redirections, `&&`, `;` or continuation.

    An ENTRYPOINT rewritten to exec form starts receiving CMD as arguments, so with a CMD in
    effect that fix is offered as unsafe (`--unsafe-fixes`).
    """
    if instruction.line != instruction.end_line:
        return None
    line = startup.dockerfile.lines[instruction.line - 1]
    match = re.match(r"(\s*\S+\s+)(.*?)\s*$", line)
    if not match or match.group(2) != instruction.args.strip():
        return None
    text = match.group(2)
    if instruction.looks_like_broken_json:
        words = [w.strip().strip("'") for w in text[1:-1].split(",")]
        if not all(_PLAIN_WORD.fullmatch(w) for w in words):
            return None
    else:
        words = text.split()
        if not words or not all(_PLAIN_WORD.fullmatch(w) for w in words):
            return None
    safe = not (instruction.keyword == "ENTRYPOINT" and startup.chain.cmd is not None)
    start = len(match.group(1)) + 1
    return Edit(startup.dockerfile.path, instruction.line, start, instruction.line, start + len(text),
                json.dumps(words), safe=safe, expect=text)


def _json_form(args: str) -> str:
    text = args.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = [part.strip().strip("'\"") for part in text[1:-1].split(",")]
        return json.dumps([part for part in inner if part])
    return json.dumps(text.split())
