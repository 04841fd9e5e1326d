"""Inline suppressions: `# privlint ignore=PL003,PL005 -- reason` and `# privlint global ignore=...`.

A pragma on its own line silences the findings of the instruction or command that follows it (for a
Dockerfile, anywhere in that instruction); at the end of a line it silences that line. Suppressed
findings are kept, marked, for SARIF; pragmas that silence nothing can be reported (PL901).
"""

from __future__ import annotations

import re

from privlint.record import factory, record, replace

# No two neighbouring parts can match the same characters, so a long line cannot make it backtrack.
PRAGMA = re.compile(r"#[ \t]*privlint:?[ \t]+(global[ \t]+)?ignore[ \t]*=([^\n]*)")


@record
class Pragma:
    path: str
    line: int
    column: int
    rules: list[str]
    is_global: bool
    trailing: bool  # code stands before it on the same line
    reason: str | None
    used: set[str] = factory(set)


_ATTEMPT = re.compile(r"#[ \t]*privlint\b:?[ \t]*(?:global[ \t]+)?(?:ignore|disable|noqa|skip)\b[^\n]*")


def malformed_pragmas(lines: list[str]) -> list[tuple[int, str]]:
    """(line, text) of comments that try to be a pragma but are not one (`# privlint ignore PL003`)."""
    found = []
    for number, text in enumerate(lines, start=1):
        if "privlint" not in text:
            continue
        attempt = _ATTEMPT.search(text)
        if attempt and not PRAGMA.search(text):
            found.append((number, attempt.group(0).strip()[:80]))
    return found


def find_pragmas(path: str, lines: list[str]) -> list[Pragma]:
    pragmas = []
    for number, text in enumerate(lines, start=1):
        if "privlint" not in text:
            continue
        match = PRAGMA.search(text)
        if not match:
            continue
        listed, _, reason = match.group(2).partition("--")
        rules = [r.upper() for r in re.findall(r"[A-Za-z0-9_]+", listed)]
        trailing = bool(text[:match.start()].strip())
        pragmas.append(Pragma(path, number, match.start() + 1, rules, bool(match.group(1)), trailing,
                              reason.strip() or None))
    return pragmas


def apply(findings, pragmas: list[Pragma], statement_start) -> list:
    """Mark each finding a pragma covers; `statement_start(path, line)` gives its instruction's first line."""
    by_path: dict[str, list[Pragma]] = {}
    for pragma in pragmas:
        by_path.setdefault(pragma.path, []).append(pragma)
    marked = []
    for finding in findings:
        pragma = _covering(finding, by_path.get(finding.path, []), statement_start)
        if pragma is not None:
            pragma.used.add(finding.rule)
            finding = replace(finding, suppressed=pragma.reason or "")
        marked.append(finding)
    return marked


def _covering(finding, pragmas: list[Pragma], statement_start) -> Pragma | None:
    start = statement_start(finding.path, finding.line)
    for pragma in pragmas:
        if finding.rule not in pragma.rules:
            continue
        if pragma.is_global:
            return pragma
        if pragma.trailing and pragma.line == finding.line:
            return pragma
        if not pragma.trailing and pragma.line in (start - 1, finding.line - 1):
            return pragma
    return None
