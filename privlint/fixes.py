"""Apply the edits findings carry: safe ones with --fix, unsafe ones too with --unsafe-fixes.

Each file is re-read, edited from the end backwards (so earlier positions hold), checked against
what every edit expects to find, and written atomically with its mode, line endings, encoding and
final newline kept. Nothing is written for --diff.
"""

from __future__ import annotations

import difflib
import os
import tempfile

from privlint.record import factory, record
from privlint.source import UnreadableFile, read_source


@record
class FixOutcome:
    changed: dict[str, tuple[str, str]] = factory(dict)  # path -> (before, after)
    applied: int = 0
    errors: list[tuple[str, str]] = factory(list)


def wanted_edits(findings, unsafe: bool) -> dict[str, list]:
    edits: dict[str, list] = {}
    for finding in findings:
        edit = finding.edit
        if edit is None or finding.suppressed is not None or not (edit.safe or unsafe):
            continue
        if edit not in edits.setdefault(edit.path, []):
            edits[edit.path].append(edit)
    return edits


def apply_edits(text: str, edits: list) -> tuple[str, int]:
    """The text with the edits applied (last first); an edit whose place changed is skipped."""
    lines = text.splitlines(keepends=True)
    applied = 0
    boundary = (len(lines) + 1, 0)
    for edit in sorted(edits, key=lambda e: (e.line, e.column, e.end_line, e.end_column), reverse=True):
        if (edit.end_line, edit.end_column) > boundary or not 0 < edit.line <= len(lines):
            continue
        if edit.end_line != edit.line:
            continue  # every edit privlint makes stays on one line
        line = lines[edit.line - 1]
        start, end = edit.column - 1, edit.end_column - 1
        if line[start:start + len(edit.expect)] != edit.expect or end > len(line.rstrip("\r\n")):
            continue
        lines[edit.line - 1] = line[:start] + edit.text + line[end:]
        boundary = (edit.line, edit.column)
        applied += 1
    return "".join(lines), applied


def fix(findings, unsafe: bool, write: bool, texts: dict | None = None) -> FixOutcome:
    """Apply the edits; `texts` gives files not on disk (standard input), which are never written."""
    outcome = FixOutcome()
    texts = texts or {}
    for path, edits in wanted_edits(findings, unsafe).items():
        try:
            source = texts[path] if path in texts else read_source(path)
        except UnreadableFile as error:
            outcome.errors.append((path, str(error)))
            continue
        after, applied = apply_edits(source.text, edits)
        if applied == 0 or after == source.text:
            continue
        outcome.changed[path] = (source.text, after)
        outcome.applied += applied
        if write and path not in texts:
            try:
                write_atomic(path, source.encode(after))
            except OSError as error:
                outcome.errors.append((path, f"cannot write: {error.strerror}"))
    return outcome


def write_atomic(path: str, data: bytes) -> None:
    """Write to a temporary file beside `path`, keep its mode, then rename over it."""
    real = os.path.realpath(path)
    folder = os.path.dirname(real) or "."
    mode = os.stat(real).st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=".privlint-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def unified_diff(changed: dict[str, tuple[str, str]]) -> str:
    """A patch `patch -p1` applies, marking a last line without a newline as diff does."""
    chunks = []
    for path, (before, after) in sorted(changed.items()):
        for line in difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                         fromfile=f"a/{path}", tofile=f"b/{path}"):
            chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)
