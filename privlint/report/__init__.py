"""One module per output format; each has `render(result, stream, options)` and knows no rule."""

from __future__ import annotations

FORMATS = ("auto", "rich", "text", "json", "sarif", "github", "gitlab")


def get(name: str):
    if name == "json":
        from privlint.report import json_report as module
    elif name == "github":
        from privlint.report import github_report as module
    elif name == "sarif":
        from privlint.report import sarif_report as module
    elif name == "gitlab":
        from privlint.report import gitlab_report as module
    elif name == "rich":
        from privlint.report import rich_report as module
    else:
        from privlint.report import text_report as module
    return module
