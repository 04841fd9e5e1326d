"""Inline pragmas: before an instruction or command, at the end of a line, global; unused ones."""

from __future__ import annotations

import json

from privlint.cli import main


def findings(capsys, *args) -> tuple[int, list]:
    code = main(["--isolated", "--format", "json", *args])
    return code, [(f["rule"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"]]


def test_dockerfile_pragma_before_a_multi_line_instruction(tmp_path, capsys):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian\nUSER app\n# privlint ignore=PL006 -- the CI image needs it\n"
                          "RUN true \\\n && sudo apt-get update\nRUN sudo ls\n")
    assert findings(capsys, str(dockerfile)) == (0, [("PL006", 6)])


def test_dockerfile_global_pragma(tmp_path, capsys):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian\n# privlint global ignore=PL005,PL003\nCMD python app.py\n")
    assert findings(capsys, str(dockerfile)) == (0, [])


def test_script_pragma_before_and_at_end_of_line(tmp_path, capsys):
    script = tmp_path / "e.sh"
    script.write_text('#!/bin/sh\n# privlint ignore=PL001\nsu app -c x\nsu app -c y  # privlint ignore=PL001\n'
                      'su app -c z\ngosu app "$@"\n')
    assert findings(capsys, str(script)) == (1, [("PL001", 5), ("PL002", 6)])


def test_suppressed_findings_stay_in_sarif(tmp_path, capsys):
    script = tmp_path / "e.sh"
    script.write_text('#!/bin/sh\ngosu app "$@"  # privlint ignore=PL002 -- tini reaps it\n')
    code = main(["--isolated", "--format", "sarif", str(script)])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert code == 0
    assert results[0]["ruleId"] == "PL002" and results[0]["suppressions"] == [
        {"kind": "inSource", "justification": "tini reaps it"}]


def test_disable_ignore_pragma(tmp_path, capsys):
    script = tmp_path / "e.sh"
    script.write_text('#!/bin/sh\n# privlint ignore=PL002\ngosu app "$@"\n')
    assert findings(capsys, "--disable-ignore-pragma", str(script)) == (1, [("PL002", 3)])


def test_unused_pragmas_are_reported_on_request(tmp_path, capsys):
    script = tmp_path / "e.sh"
    script.write_text('#!/bin/sh\n# privlint ignore=PL001,PL002,PL123\nexec gosu app "$@"\n')
    assert findings(capsys, str(script)) == (0, [])
    code, found = findings(capsys, "--report-unused-ignores", str(script))
    assert found == [("PL901", 2), ("PL901", 2), ("PL901", 2)]
