"""GitHub Actions workflow commands: annotations on the pull request without code scanning."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.report.safe import printable

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    """Workflow-command escaping, after control characters from the linted files are made visible."""
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(result, stream, options) -> None:
    for f in result.findings:
        properties = f"file={_property(f.path)},line={f.line},col={f.column}"
        if f.end_line:
            properties += f",endLine={f.end_line}"
        properties += f",title={_property(f.rule + ' ' + f.name)}"
        stream.write(f"::{_COMMAND[f.severity]} {properties}::{_data(f.message + '. Fix: ' + f.fix)}\n")
    for error in result.errors:
        stream.write(f"::error file={_property(error.path)},title=privlint::{_data(error.message)}\n")
    if not options.quiet:
        for note in result.notes:
            stream.write(f"::notice file={_property(note.path)},title=privlint::{_data(note.message)}\n")
