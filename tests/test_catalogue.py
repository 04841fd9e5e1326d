"""Every registered rule has a page in rules/, every page a rule, and the two agree."""

from __future__ import annotations

import re

from privlint.catalogue_pages import page, page_ids
from privlint.cli import main
from privlint.rules import RULES


def test_every_rule_has_a_page_and_every_page_a_rule():
    assert page_ids() == sorted(RULES)


def test_pages_agree_with_the_registry():
    for rule_id, module in RULES.items():
        text = page(rule_id)
        assert text.splitlines()[0] == f"# {rule_id} {module.RULE.name}"
        assert re.search(rf"^Severity: {module.RULE.severity.label} · Fix: (safe|unsafe|none)", text, re.M), rule_id
        for section in ("## What it does", "## Why is this bad?", "## Example", "## How to fix", "## References"):
            assert section in text, (rule_id, section)


def test_rules_and_explain_commands(capsys):
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listing] == list(RULES)
    assert main(["explain", "pl002"]) == 0
    assert capsys.readouterr().out.startswith("# PL002 missing-exec")
    assert main(["explain", "PL999"]) == 2


def test_pages_say_which_rules_have_fixes():
    fixes = {rule_id: re.search(r"· Fix: (\w+)", page(rule_id)).group(1) for rule_id in RULES}
    assert fixes == {"PL001": "unsafe", "PL002": "safe", "PL003": "none", "PL004": "none", "PL005": "safe",
                     "PL006": "none", "PL007": "none", "PL008": "none", "PL900": "none", "PL901": "none"}
