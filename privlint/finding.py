"""The one shape every rule produces and every reporter consumes."""

from __future__ import annotations

from enum import IntEnum

from privlint.record import record


class Severity(IntEnum):
    """Ordered so that `>=` compares how serious a finding is."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@record(frozen=True)
class Edit:
    """Replace the text from (line, column) up to, not including, (end_line, end_column); 1-based."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    safe: bool = True
    expect: str = ""  # the text that must stand at (line, column) for the edit to apply


@record(frozen=True)
class Related:
    """One step of the path that explains a finding: a location and what happens there."""

    path: str
    line: int
    column: int
    message: str


@record(frozen=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    fix: str
    end_line: int | None = None
    end_column: int | None = None
    suppressed: str | None = None  # set (to the reason, or "") when an inline pragma silences it
    edit: Edit | None = None  # the repair `--fix` can make
    related: tuple = ()  # Related steps, in start-up order, that explain the finding
    security_severity: str | None = None  # raises SARIF's score above the rule's (a privileged root service)

    @property
    def fixable(self) -> bool:
        return self.edit is not None and self.edit.safe

    @property
    def applicability(self) -> str | None:
        """"safe" (`--fix`), "unsafe" (`--fix --unsafe-fixes`), or None when there is no fix."""
        return None if self.edit is None else ("safe" if self.edit.safe else "unsafe")

    @property
    def mark(self) -> str:
        """`[*]` safe fix, `[~]` unsafe fix (explained in the summary), '' none."""
        return {"safe": "[*]", "unsafe": "[~]"}.get(self.applicability, "")

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.message)


@record(frozen=True)
class InputError:
    """A file that could not be read or linted at all (exit code 2)."""

    path: str
    message: str


@record(frozen=True)
class Note:
    """Something the user should know that is not a finding (for example: entrypoint not found)."""

    path: str
    message: str


def fix_summary(findings) -> str:
    """`[*] 2 fixable with privlint --fix; [~] 1 more with --unsafe-fixes`, or '' when nothing is fixable."""
    safe = sum(1 for f in findings if f.applicability == "safe" and f.suppressed is None)
    unsafe = sum(1 for f in findings if f.applicability == "unsafe" and f.suppressed is None)
    parts = [f"[*] {safe} fixable with `privlint --fix`"] if safe else []
    if unsafe:
        parts.append(f"[~] {unsafe} {'more' if safe else 'fixable'} with `privlint --fix --unsafe-fixes` (they may "
                     "change behaviour: check them)")
    return "; ".join(parts)


def plural(count: int, word: str) -> str:
    """`1 error`, `2 errors`, `0 infos`: every summary says it the same way."""
    return f"{count} {word}{'' if count == 1 else 's'}"
