"""The rule catalogue pages (`rules/PLxxx.md`), shipped in the wheel as `privlint.catalogue`."""

from __future__ import annotations

import os


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
