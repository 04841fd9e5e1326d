"""The data half of a rule: identity, default severity, one line of summary."""

from __future__ import annotations

from privlint.finding import Edit, Finding, Severity
from privlint.record import record


@record(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str

    def at(self, path: str, line: int, column: int, message: str, fix: str,
           severity: Severity | None = None, end_line: int | None = None,
           end_column: int | None = None, edit: Edit | None = None, related=()) -> Finding:
        return Finding(self.id, self.name, severity or self.severity, path, line, column, message, fix,
                       end_line if end_line is not None else line, end_column, edit=edit,
                       related=tuple(step for step in related if (step.path, step.line) != (path, line)))


def quote(text: str, limit: int = 60) -> str:
    """A command as shown in a one-line message: single-line, shortened, in backticks."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 3] + "..."
    return f"`{flat}`"
