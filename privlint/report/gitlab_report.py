"""GitLab Code Quality: a JSON array of issues with description, check_name, fingerprint, severity, location.

GitLab shows them in merge requests when the job saves the file as a `codequality` report artifact.
Fingerprints come from the rule, path and line text (not the line number), as SARIF's do.
"""

from __future__ import annotations

import json
import os

from privlint.finding import Severity
from privlint.report.fingerprint import fingerprint, relative

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(result, stream, options) -> None:
    root = os.getcwd()
    occurrences: dict[str, int] = {}
    issues = []
    for finding in result.findings:
        issues.append({
            "description": f"{finding.rule} {finding.message}",
            "check_name": f"{finding.rule} {finding.name}",
            "fingerprint": fingerprint(finding, result.sources, root, occurrences),
            "severity": _SEVERITY[finding.severity],
            "location": {"path": relative(finding.path, root).replace(os.sep, "/"),
                         "lines": {"begin": finding.line, "end": finding.end_line or finding.line}},
        })
    stream.write(json.dumps(issues, indent=2, ensure_ascii=True) + "\n")
