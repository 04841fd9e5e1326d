"""SARIF 2.1.0 for code scanning: every rule described, results with stable fingerprints.

The rule descriptions come in as data (`options.rules`), so this module knows no rule's code.
`primaryLocationLineHash` hashes the rule, the path and the line's normalised text, not its number,
so inserting lines above a finding keeps the alert the same.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from privlint import __url__, __version__
from privlint.finding import Severity
from privlint.report.fingerprint import fingerprint, line_text, relative

SRCROOT = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: GitHub code scanning keeps at most 1000 related locations and thread-flow steps; privlint's trails are short.
MAX_RELATED = 50
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "1.0"}


def render(result, stream, options) -> None:
    stream.write(json.dumps(document(result, options), indent=2, ensure_ascii=True) + "\n")


def document(result, options) -> dict:
    rules = list(options.rules)
    index = {rule.id: position for position, rule in enumerate(rules)}
    root = os.path.abspath(os.getcwd())
    occurrences: dict[str, int] = {}
    results = []
    for finding in result.findings:
        results.append(_result(finding, index.get(finding.rule), result.sources, root, occurrences))
    notifications = [
        {"level": "error", "message": {"text": error.message},
         "locations": [{"physicalLocation": {"artifactLocation": _artifact(error.path, root)}}]}
        for error in result.errors
    ] + [
        {"level": "note", "message": {"text": note.message},
         "locations": [{"physicalLocation": {"artifactLocation": _artifact(note.path, root)}}]}
        for note in result.notes
    ]
    invocation = {"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "privlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": __url__,
                "rules": [_descriptor(rule) for rule in rules],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(root)}},
            "invocations": [invocation],
            "results": results,
        }],
    }


def _descriptor(rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description or rule.summary},
        "help": {"text": rule.page or rule.summary, "markdown": rule.page or rule.summary},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": ["security", "docker", "privilege"] if rule.id != "PL900" else ["parse"],
            "security-severity": _SECURITY_SEVERITY[rule.severity],
            "precision": "high",
        },
    }


def _result(finding, rule_index, sources, root, occurrences) -> dict:
    text = line_text(finding, sources)
    region = {"startLine": finding.line, "startColumn": finding.column}
    end_line = finding.end_line or finding.line
    region["endLine"] = end_line
    if finding.end_column and (end_line > finding.line or finding.end_column > finding.column):
        region["endColumn"] = finding.end_column
    elif end_line == finding.line and len(text) + 1 > finding.column:
        region["endColumn"] = len(text) + 1  # the rest of the line
    result = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": f"{finding.message}. Fix: {finding.fix}"},
        "locations": [{"physicalLocation": {
            "artifactLocation": _artifact(finding.path, root),
            "region": region,
        }}],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint(finding, sources, root, occurrences)},
    }
    if finding.related:
        result.update(_path(finding, sources, root))
    if finding.security_severity is not None:
        result["properties"] = {"security-severity": finding.security_severity}
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    if finding.suppressed is not None:
        suppression = {"kind": "inSource"}
        if finding.suppressed:
            suppression["justification"] = finding.suppressed
        result["suppressions"] = [suppression]
    return result


def _location(path: str, line: int, column: int, text: str, root: str, message: str | None = None) -> dict:
    region = {"startLine": max(line, 1), "startColumn": max(column, 1), "endLine": max(line, 1)}
    if len(text) + 1 > column:
        region["endColumn"] = len(text) + 1
    location = {"physicalLocation": {"artifactLocation": _artifact(path, root), "region": region}}
    if message:
        location["message"] = {"text": message}
    return location


def _path(finding, sources, root) -> dict:
    """relatedLocations for each step, and one code flow: the steps in start-up order, then the finding."""
    related, flow = [], []
    for number, step in enumerate(finding.related[:MAX_RELATED], start=1):
        lines = sources.get(step.path, [])
        text = lines[step.line - 1] if 0 < step.line <= len(lines) else ""
        location = _location(step.path, step.line, step.column, text, root, step.message)
        related.append({"id": number, **location})
        flow.append({"location": location})
    flow.append({"location": _location(finding.path, finding.line, finding.column, line_text(finding, sources), root,
                                       finding.message)})
    return {"relatedLocations": related, "codeFlows": [{"threadFlows": [{"locations": flow}]}]}


def _artifact(path: str, root: str) -> dict:
    found = relative(path, root)
    if os.path.isabs(found):
        return {"uri": "file://" + quote(found.replace(os.sep, "/"), safe="/")}
    return {"uri": quote(found.replace(os.sep, "/"), safe="/"), "uriBaseId": SRCROOT}


def _directory_uri(root: str) -> str:
    return "file://" + quote(root.replace(os.sep, "/").rstrip("/") + "/", safe="/")
