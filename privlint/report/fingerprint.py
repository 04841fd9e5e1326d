"""A finding's fingerprint: the rule, the path and the line's normalised text, not its number.

Inserting lines above a finding does not change it, so code scanning (SARIF) and GitLab Code Quality
keep tracking the same finding across commits; the occurrence count separates identical lines.
"""

from __future__ import annotations

import hashlib
import os


def line_hash(rule: str, path: str, line_text: str) -> str:
    normalised = " ".join(line_text.split())
    return hashlib.sha256(f"{rule}\0{path}\0{normalised}".encode("utf-8", "surrogateescape")).hexdigest()[:32]


def relative(path: str, root: str) -> str:
    """The path from `root` (the working directory), or the absolute path when it lies outside."""
    absolute = os.path.abspath(path)
    found = os.path.relpath(absolute, root)
    return absolute if found.startswith("..") else found


def line_text(finding, sources) -> str:
    lines = sources.get(finding.path, [])
    return lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""


def fingerprint(finding, sources, root: str, occurrences: dict) -> str:
    """`HASH:N`, N counting findings of the same rule on the same line text in the same file."""
    key = line_hash(finding.rule, relative(finding.path, root), line_text(finding, sources))
    occurrences[key] = occurrences.get(key, 0) + 1
    return f"{key}:{occurrences[key]}"
