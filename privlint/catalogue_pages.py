"""The rule catalogue pages (`rules/PLxxx.md`), shipped in the wheel as `privlint.catalogue`."""

from __future__ import annotations

import os
import re

from privlint.record import record


def _folder() -> str:
    """Installed: the package folder; in a source tree: `rules/` beside the package."""
    here = os.path.dirname(os.path.abspath(__file__))
    installed = os.path.join(here, "catalogue")
    if os.path.isdir(installed):
        return installed
    try:
        import privlint.catalogue as package  # editable installs map it onto rules/

        return os.path.dirname(package.__file__) if package.__file__ else list(package.__path__)[0]
    except ImportError:
        return os.path.join(os.path.dirname(here), "rules")


def page(rule_id: str) -> str | None:
    path = os.path.join(_folder(), f"{rule_id.upper()}.md")
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def page_ids() -> list[str]:
    try:
        names = os.listdir(_folder())
    except OSError:
        return []
    return sorted(name[:-3] for name in names if name.startswith("PL") and name.endswith(".md"))


@record(frozen=True)
class RuleDescriptor:
    """What a reporter may know of a rule: data only, never its code."""

    id: str
    name: str
    severity: object
    summary: str
    description: str
    page: str
    help_uri: str


def descriptors() -> list[RuleDescriptor]:
    from privlint import __url__
    from privlint.rules import RULES

    found = []
    for rule_id, module in RULES.items():
        rule = module.RULE
        text = page(rule_id) or ""
        found.append(RuleDescriptor(rule.id, rule.name, rule.severity, rule.summary, _what_it_does(text),
                                    text, f"{__url__}/blob/main/rules/{rule.id}.md"))
    return found


def _what_it_does(text: str) -> str:
    match = re.search(r"^## What it does\n(.*?)(?:\n\n|\n##)", text, re.S | re.M)
    return " ".join(match.group(1).split()) if match else ""
