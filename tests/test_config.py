"""Configuration files and flags: selection, severities, fail-on, exclude, and loud errors."""

from __future__ import annotations

import json

import pytest

from privlint.cli import main

BAD = '#!/bin/sh\nsu app -c "migrate"\ngosu app "$@"\n'
DOCKERFILE = 'FROM debian\nCOPY entrypoint.sh /e.sh\nENTRYPOINT /e.sh\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "entrypoint.sh").write_text(BAD)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(capsys, *args) -> tuple[int, list[tuple[str, str]]]:
    code = main(["--format", "json", *args])
    out, err = capsys.readouterr()
    if code == 2 and not out:
        return code, [("stderr", err)]
    return code, sorted((f["rule"], f["severity"]) for f in json.loads(out)["findings"])


def test_defaults(project, capsys):
    code, found = lint(capsys, "Dockerfile")
    assert code == 1
    assert found == [("PL001", "error"), ("PL002", "error"), ("PL005", "warning")]


def test_pyproject_table_is_found_from_a_subdirectory(project, capsys, monkeypatch):
    (project / "pyproject.toml").write_text('[tool.privlint]\nignore = ["PL003", "PL00"]\nextend-select = ["PL005"]\n')
    sub = project / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    code, found = lint(capsys, "../../Dockerfile")
    assert found == []


def test_dot_privlint_toml_select_severity_and_fail_on(project, capsys):
    (project / ".privlint.toml").write_text(
        'select = ["PL002", "PL005"]\nfail-on = "warning"\n[severity]\nPL002 = "warning"\n')
    code, found = lint(capsys, "Dockerfile")
    assert found == [("PL002", "warning"), ("PL005", "warning")]
    assert code == 1


def test_command_line_overrides_the_file(project, capsys):
    (project / ".privlint.toml").write_text('select = ["PL005"]\n')
    code, found = lint(capsys, "--select", "PL001", "--fail-on", "never", "Dockerfile")
    assert (code, found) == (0, [("PL001", "error")])


def test_isolated_ignores_configuration(project, capsys):
    (project / ".privlint.toml").write_text('select = ["PL005"]\n')
    code, found = lint(capsys, "--isolated", "Dockerfile")
    assert len(found) == 3


def test_exclude_globs(project, capsys):
    (project / "vendor").mkdir()
    (project / "vendor" / "Dockerfile").write_text("FROM a\nCMD x\n")
    code, found = lint(capsys, "--exclude", "vendor", ".")
    assert found == [("PL001", "error"), ("PL002", "error"), ("PL005", "warning")]


def test_context_and_drop_tools_and_bases_from_config(project, capsys):
    (project / "entrypoint.sh").write_text('#!/bin/sh\nexec my-drop app server\n')
    (project / ".privlint.toml").write_text('extra-drop-tools = ["my-drop"]\n')
    code, found = lint(capsys, "Dockerfile")
    assert found == [("PL005", "warning")]
    (project / "Dockerfile").write_text('FROM corp/base-nonroot:1\nCMD ["server"]\n')
    (project / ".privlint.toml").write_text('non-root-base-images = ["corp/*-nonroot:*"]\n')
    assert lint(capsys, "Dockerfile")[1] == []


@pytest.mark.parametrize("text, fragment", [
    ('colour = "red"\n', "unknown key 'colour'"),
    ('select = "PL001"\n', "key 'select' must be a list of strings"),
    ('select = ["PL777"]\n', "unknown rule id 'PL777'"),
    ('fail-on = "sometimes"\n', "key 'fail-on' must be one of"),
    ('[severity]\nPL002 = "fatal"\n', "the level must be one of"),
    ('max-file-size = -1\n', "positive number of bytes"),
    ('select = [\n', "not valid TOML"),
])
def test_configuration_mistakes_are_exit_2_naming_file_and_key(project, capsys, text, fragment):
    (project / ".privlint.toml").write_text(text)
    code, found = lint(capsys, "Dockerfile")
    assert code == 2
    assert ".privlint.toml" in found[0][1] and fragment in found[0][1]


def test_unknown_rule_on_the_command_line(project, capsys):
    code, found = lint(capsys, "--ignore", "PL0X", "Dockerfile")
    assert code == 2 and "--ignore: unknown rule id 'PL0X'" in found[0][1]


def test_output_file_and_summary_on_stderr(project, capsys):
    code = main(["--format", "sarif", "--output", "out.sarif", "Dockerfile"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "report written to out.sarif" in err and "2 errors, 1 warning," in err
    assert json.loads((project / "out.sarif").read_text())["version"] == "2.1.0"


def test_github_format_and_auto_detection(project, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    main(["Dockerfile"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::warning file=Dockerfile,line=3,col=1,")
    assert any(line.startswith("::error file=entrypoint.sh,line=2,col=1,") and "title=PL001 sudo-in-entrypoint::"
               in line for line in lines)


def test_configuration_is_found_from_each_linted_path_and_flags_win(tmp_path, capsys, monkeypatch):
    from privlint.cli import main

    for name in ("one", "two"):
        folder = tmp_path / name / "svc"
        folder.mkdir(parents=True)
        (folder / "Dockerfile").write_text("FROM debian\nUSER nobody\nCMD python app.py\n")
    (tmp_path / "one" / ".privlint.toml").write_text('[tool.privlint]\nignore = ["PL005"]\n')
    (tmp_path / "two" / ".privlint.toml").write_text('exclude = ["svc/*"]\n')
    monkeypatch.chdir(tmp_path)
    code = main(["--format", "text", "one/svc/Dockerfile", "two"])
    out = capsys.readouterr().out
    assert code == 0 and out == ""  # one: PL005 ignored by its file; two: excluded relative to its file
    code = main(["--format", "text", "--select", "PL005", "one/svc/Dockerfile"])
    assert "one/svc/Dockerfile:3:1: PL005" in capsys.readouterr().out  # the flag wins over the file's ignore


def test_unsafe_fixes_alone_says_it_does_nothing(tmp_path, capsys):
    from privlint.cli import main

    (tmp_path / "Dockerfile").write_text("FROM debian\nUSER nobody\nCMD [\"app\"]\n")
    assert main(["--isolated", "--unsafe-fixes", str(tmp_path / "Dockerfile")]) == 0
    assert "--unsafe-fixes does nothing without --fix or --diff" in capsys.readouterr().err
