"""One JSON document with every finding, error and note."""

from __future__ import annotations

import json

from privlint import __version__


def render(result, stream, options) -> None:
    document = {
        "version": __version__,
        "findings": [
            {
                "rule": f.rule, "name": f.name, "severity": f.severity.label, "path": f.path,
                "line": f.line, "column": f.column, "end_line": f.end_line, "message": f.message, "fix": f.fix,
                "fixable": f.fixable, "fix_applicability": f.applicability,
                "related": [{"path": r.path, "line": r.line, "column": r.column, "message": r.message}
                            for r in f.related],
            }
            for f in result.findings
        ],
        "errors": [{"path": e.path, "message": e.message} for e in result.errors],
        "notes": [{"path": n.path, "message": n.message} for n in result.notes],
    }
    stream.write(json.dumps(document, indent=2, ensure_ascii=True) + "\n")
