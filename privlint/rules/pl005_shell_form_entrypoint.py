"""PL005: ENTRYPOINT or CMD in shell form: /bin/sh -c becomes PID 1 (and CMD is dropped)."""

from __future__ import annotations

import itertools
import json
import re

from privlint.finding import Edit, Severity
from privlint.programs import SHELL_BUILTINS
from privlint.rules.base import Rule

RULE = Rule("PL005", "shell-form-entrypoint", Severity.WARNING,
            "ENTRYPOINT or CMD of the final stage is in shell form")


def check(startup):
    if startup.dockerfile is None:
        return
    chain = startup.chain
    for instruction in (chain.entrypoint, chain.cmd):
        if instruction is None or instruction.exec_form is not None or not instruction.args.strip() or \
                instruction.path is not None:  # a compose `command:` string is words, not shell form
            continue
        if instruction.looks_like_broken_json:
            why = "is not valid JSON (Docker needs double quotes), so Docker runs it in shell form"
        elif instruction.keyword == "ENTRYPOINT":
            why = "is in shell form: `/bin/sh -c` becomes PID 1 and any CMD or `docker run` arguments are ignored"
        else:
            why = "is in shell form: `/bin/sh -c` wraps it and may stay PID 1 between your program and the signals"
        yield RULE.at(startup.dockerfile.path, instruction.line, 1, f"{instruction.keyword} {why}",
                      _hint(instruction), edit=_edit(startup, instruction))


_PLAIN_WORD = re.compile(r"[A-Za-z0-9_./:=,@%+-]+")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=[A-Za-z0-9_./:=,@%+-]*")


def _plain_words(instruction) -> list[str] | None:
    """The program's words when the instruction is plain words a shell would pass on unchanged.

    No `$`, quotes, globs, redirections, `&&` or `;`; a leading `exec` is the shell's, not a program
    (`CMD exec gunicorn app` → `["gunicorn", "app"]`); a builtin or a `NAME=value` first word is not one.
    """
    text = instruction.args.strip()
    if instruction.looks_like_broken_json:
        words = [w.strip().strip("'") for w in text[1:-1].split(",")]
    else:
        words = text.split()
        if words[:1] == ["exec"]:
            words = words[1:]
    if not words or not all(_PLAIN_WORD.fullmatch(w) for w in words):
        return None
    first = words[0]
    if first in SHELL_BUILTINS or "=" in first or first.startswith("-"):
        return None
    return words


def _edit(startup, instruction):
    """JSON form for plain words on one line, in a Dockerfile read whole.

    An ENTRYPOINT rewritten to exec form starts receiving CMD as arguments, and a CMD rewritten under an
    ENTRYPOINT (the image's, or one its base image may have) reaches it as other arguments: those fixes
    are offered as unsafe (`--unsafe-fixes`).
    """
    if instruction.looks_like_broken_json:
        return None  # `CMD ['./start']` runs `sh -c "['./start']"`: the JSON form would change what runs (hint only)
    if instruction.line != instruction.end_line or startup.dockerfile.notes or \
            any(script.damage for _, _, script in startup.run_scripts):
        return None  # one line only, in a Dockerfile read whole
    line = startup.dockerfile.lines[instruction.line - 1]
    match = re.match(r"(\s*\S+\s+)(.*?)\s*$", line)
    if not match or match.group(2) != instruction.args.strip():
        return None
    words = _plain_words(instruction)
    if words is None:
        return None
    text = match.group(2)
    # exec form passes CMD to an ENTRYPOINT, and a CMD in exec form reaches an ENTRYPOINT (the image's own, or
    # its base image's) as other arguments than `/bin/sh -c TEXT`: either changes behaviour a little
    if instruction.keyword == "ENTRYPOINT":
        safe = startup.chain.cmd is None
    else:
        base = startup.base
        safe = startup.chain.entrypoint is None and base is not None and not base.entrypoint
    safe = safe and not startup.dockerfile.notes
    start = len(match.group(1)) + 1
    return Edit(startup.dockerfile.path, instruction.line, start, instruction.line, start + len(text),
                json.dumps(words), safe=safe, expect=text)


def _hint(instruction) -> str:
    """The JSON form when the words are plain; else a form that keeps the shell's expansions working."""
    keyword = instruction.keyword
    words = _plain_words(instruction)
    if words is not None:
        return f"Use the JSON form: {keyword} {json.dumps(words)}"
    text = " ".join(instruction.args.split())
    assignments = list(itertools.takewhile(_ASSIGNMENT.fullmatch, text.split()))
    if assignments:
        rest = text.split()[len(assignments):]
        return (f"Set the variables with ENV (`ENV {' '.join(assignments)}`), then write the command in JSON form: "
                f"{keyword} {json.dumps(rest)}")
    if instruction.looks_like_broken_json:
        return f"Write it as JSON, with double quotes: {keyword} [\"...\", \"...\"]"
    if re.search(r"&&|\|\||[;|&<>`]|\bexec\b", text):
        return ("Move these commands into an entrypoint script that ends with `exec PROGRAM \"$@\"` and name it "
                f"in JSON form: {keyword} [\"/entrypoint.sh\"]")
    return (f"Keep the shell for its expansions but let it exec the program: {keyword} "
            f"{json.dumps(['/bin/sh', '-c', 'exec ' + text])}, or move it into an entrypoint script")
