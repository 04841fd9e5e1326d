"""PL901: an inline `# privlint ignore=` pragma that silences nothing (with --report-unused-ignores)."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.rules.base import Rule

RULE = Rule("PL901", "unused-suppression", Severity.INFO, "a suppression pragma silences nothing")


def check(startup):
    """Nothing to see in the start-up itself: `unused(pragmas)` runs after suppressions are applied."""
    return ()


def unused(pragmas, known_ids):
    for pragma in pragmas:
        for rule_id in pragma.rules:
            if rule_id in pragma.used:
                continue
            what = "is not a privlint rule" if rule_id not in known_ids else "silences no finding here"
            scope = "global ignore" if pragma.is_global else "ignore"
            yield RULE.at(pragma.path, pragma.line, pragma.column,
                          f"`# privlint {scope}={rule_id}` {what}",
                          "Remove the rule from the pragma (or the whole pragma)")
