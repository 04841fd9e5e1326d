"""`privlint startup`: every fixture described without error, and the JSON of six kinds of start-up pinned."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from privlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PINNED = Path(__file__).resolve().parent / "startup"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected").is_file())
KINDS = {
    "ok-official-redis-style-conditional-drop": "official conditional drop",
    "pl002-tini-path-lookup-entrypoint": "tini and a PATH lookup",
    "pl002-case-branch-without-exec": "case dispatch",
    "ok-multistage-final-from-builder-inherits-user": "multi-stage, user inherited from a stage",
    "compose-user-overrides": "compose services",
    "ok-unresolved-entrypoint-not-guessed": "an entrypoint privlint cannot read",
}


def describe(case: str, capsys, *extra: str) -> tuple[int, dict]:
    folder = FIXTURES / case
    args_file = folder / "args"
    args = args_file.read_text().split() if args_file.is_file() else (
        ["Dockerfile"] if (folder / "Dockerfile").is_file() else sorted(p.name for p in folder.glob("*.sh"))[:1])
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        code = main(["startup", "--isolated", "--format", "json", *extra, *args])
    finally:
        os.chdir(cwd)
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("case", CASES)
def test_every_fixture_is_described(case, capsys):
    code, document = describe(case, capsys)
    assert code == 0 and document["errors"] == []
    for startup in document["startups"]:
        assert {"dockerfile", "stage", "context", "user", "pid1", "ends", "unseen"} <= set(startup)
        if startup["user"] is not None:
            assert {"value", "root", "path", "line"} <= set(startup["user"])
        assert all({"program", "path", "line", "user"} <= set(step) for step in startup["pid1"])


@pytest.mark.parametrize("case", sorted(KINDS))
def test_pinned_descriptions(case, capsys):
    _, document = describe(case, capsys)
    pinned = PINNED / f"{case}.json"
    if os.environ.get("PRIVLINT_PIN_STARTUP"):  # regenerate after a deliberate change, then review the diff
        pinned.write_text(json.dumps(document["startups"], indent=2) + "\n")
    assert document["startups"] == json.loads(pinned.read_text()), KINDS[case]


def test_startup_text_and_rich_outlines(capsys):
    folder = FIXTURES / "pl002-case-branch-without-exec"
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        assert main(["startup", "--isolated", "--format", "text", "Dockerfile"]) == 0
        text = capsys.readouterr().out
        assert main(["startup", "--isolated", "--format", "rich", "--no-color", "Dockerfile"]) == 0
        rich = capsys.readouterr().out
    finally:
        os.chdir(cwd)
    assert "PID 1 chain" in text and "[no exec]" in text and "user at start: root (root)" in text
    assert "├── PID 1 chain" in rich and "\x1b[" not in rich
