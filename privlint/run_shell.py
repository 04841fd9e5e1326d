"""Shell text of RUN (and shell-form ENTRYPOINT/CMD) laid out at the Dockerfile's own lines and columns.

Each source comes with the line offset it starts at; the keyword and `--flags` are blanked, comment and
empty lines inside the continuation become a lone `\\` (Docker drops them), so every position
tree-sitter reports maps to the Dockerfile's own line and column.
"""

from __future__ import annotations

import re

from privlint.dockerfile import Dockerfile, Heredoc, Instruction
from privlint.programs import SHELLS

_LEADING = re.compile(r"\s*[A-Za-z]+")


def instruction_shell(dockerfile: Dockerfile, instruction: Instruction) -> list[tuple[str, int]]:
    """(shell source, line offset) pairs, usually one, holding the commands the instruction runs."""
    lines = dockerfile.lines
    first, last = instruction.line - 1, min(instruction.end_line, len(lines)) - 1
    rows = []
    for index in range(first, last + 1):
        text = lines[index]
        if index > first and (not text.strip() or text.lstrip().startswith("#")):
            text = " " * len(text) + dockerfile.escape
        elif index < last and text.rstrip().endswith(dockerfile.escape):
            text = text.rstrip()  # Docker continues after `\` and trailing spaces; the shell would not
        rows.append(text)
    rows[0] = _blank_keyword_and_flags(rows, dockerfile.escape)
    if dockerfile.escape == "`":
        rows = [row[:-1] + "\\" if row.rstrip().endswith("`") else row for row in rows]
    head = "\n".join(rows) + "\n"
    sources = []
    if instruction.heredocs:
        remaining = _strip_heredoc_operators(head)
        for heredoc in instruction.heredocs:
            if _runs_body_as_shell(remaining, heredoc):
                sources.append((heredoc.body, heredoc.line - 1))
        if remaining.strip():
            sources.append((remaining, first))
        return sources
    return [(head, first)]


def _blank_keyword_and_flags(rows: list[str], escape: str) -> str:
    """The first row with the keyword and any `--flag=x` words (on that row) turned to spaces."""
    row = rows[0]
    match = _LEADING.match(row)
    end = match.end() if match else 0
    while True:
        rest = row[end:]
        stripped = rest.lstrip()
        if not stripped.startswith("--"):
            break
        start = end + len(rest) - len(stripped)
        flag_end = start
        while flag_end < len(row) and not row[flag_end].isspace():
            flag_end += 1
        end = flag_end
    return " " * end + row[end:]


_HEREDOC_OPERATOR = re.compile(r"(?<!<)<<-?([\"']?)[A-Za-z_][\w.-]*\1")


def _strip_heredoc_operators(text: str) -> str:
    return _HEREDOC_OPERATOR.sub(lambda m: " " * len(m.group(0)), text)


def _runs_body_as_shell(head: str, heredoc: Heredoc) -> bool:
    """`RUN <<EOF` and `RUN bash -e <<EOF` run the body as a script; `RUN python3 <<EOF` does not."""
    first_line = heredoc.body.split("\n", 1)[0]
    if first_line.startswith("#!"):
        interpreter = first_line[2:].split()
        names = [name.rsplit("/", 1)[-1] for name in interpreter[:2]]
        if not any(name in SHELLS for name in names):
            return False
    words = head.split()
    if not words:
        return True
    program = words[0].rsplit("/", 1)[-1]
    return program in SHELLS and not any(not w.startswith("-") for w in words[1:] if w not in ("-c",))
