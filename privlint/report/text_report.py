"""`path:line:col: PL002 [error] message`: stable, grep-able, what editors parse."""

from __future__ import annotations

from privlint.report.safe import printable


def render(result, stream, options) -> None:
    for finding in result.findings:
        mark = f"{finding.mark} " if finding.mark else ""
        stream.write(printable(f"{finding.path}:{finding.line}:{finding.column}: {finding.rule} "
                               f"[{finding.severity.label}] {mark}{finding.message}") + "\n")
    if options.quiet:
        return
    for note in result.notes:
        stream.write(printable(f"{note.path}: note: {note.message}") + "\n")
