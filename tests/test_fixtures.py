"""Every folder under fixtures/ is a case: run the CLI on it and compare (rule, path, line) exactly."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest

from privlint.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected").is_file())


def _args(case: Path) -> list[str]:
    args_file = case / "args"
    if args_file.is_file():
        return shlex.split(args_file.read_text())
    if (case / "Dockerfile").is_file():
        return ["Dockerfile"]
    scripts = sorted(p.name for p in case.glob("*.sh"))
    assert len(scripts) == 1, f"{case.name}: give an args file"
    return scripts


def _expected(case: Path) -> list[tuple[str, str, int]]:
    found = []
    for raw in (case / "expected").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        rule, location = line.split()
        path, _, number = location.rpartition(":")
        found.append((rule, path, int(number)))
    return sorted(found)


def run_case(case: Path, capsys) -> tuple[int, dict]:
    cwd = os.getcwd()
    os.chdir(case)
    try:
        code = main(["--isolated", "--format", "json", *_args(case)])
    finally:
        os.chdir(cwd)
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", CASES)
def test_fixture(name, capsys):
    case = FIXTURES / name
    code, report = run_case(case, capsys)
    actual = sorted((f["rule"], os.path.normpath(f["path"]), f["line"]) for f in report["findings"])
    expected = _expected(case)
    assert actual == expected, "\n".join(f"{f['path']}:{f['line']} {f['rule']} {f['message']}"
                                         for f in report["findings"])
    assert report["errors"] == []
    fails = any(f["severity"] == "error" for f in report["findings"])
    assert code == (1 if fails else 0)
