"""The command line as a user meets it: formats, exit codes, bad input, directory scans."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from privlint.cli import main

GOOD_SCRIPT = '#!/bin/sh\nset -e\nif [ "$(id -u)" = 0 ]; then\n  exec gosu app "$0" "$@"\nfi\nexec "$@"\n'
BAD_SCRIPT = '#!/bin/sh\nset -e\nchown app /data\ngosu app "$@"\n'


def make_image(folder: Path, script: str = BAD_SCRIPT, dockerfile: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "entrypoint.sh").write_text(script)
    (folder / "Dockerfile").write_text(dockerfile or (
        "FROM debian:bookworm\nCOPY entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["entrypoint.sh"]\nCMD ["server"]\n'))
    return folder / "Dockerfile"


def run(args, capsys) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(args, capsys) -> tuple[int, dict]:
    code, out, _ = run(["--format", "json", *args], capsys)
    return code, json.loads(out)


def test_text_format_is_one_grep_able_line_per_finding(tmp_path, capsys):
    dockerfile = make_image(tmp_path / "img")
    code, out, _ = run(["--format", "text", str(dockerfile)], capsys)
    assert code == 1
    script = os.path.join(str(tmp_path / "img"), "entrypoint.sh")
    assert f"{script}:4:1: PL002 [error] [*] `gosu app \"$@\"` ends the script but is not exec'd" in out


def test_json_document_shape(tmp_path, capsys):
    code, report = run_json([str(make_image(tmp_path / "img"))], capsys)
    assert code == 1
    assert report["version"]
    finding = report["findings"][0]
    assert set(finding) == {"rule", "name", "severity", "path", "line", "column", "end_line", "message", "fix",
                            "fixable", "fix_applicability", "related"}
    assert finding["fixable"] is True and finding["fix_applicability"] == "safe"
    assert (finding["rule"], finding["name"], finding["severity"]) == ("PL002", "missing-exec", "error")
    assert report["errors"] == []


def test_clean_image_exits_zero(tmp_path, capsys):
    code, report = run_json([str(make_image(tmp_path / "img", GOOD_SCRIPT))], capsys)
    assert (code, report["findings"]) == (0, [])


def test_warnings_do_not_fail(tmp_path, capsys):
    dockerfile = make_image(tmp_path / "img", GOOD_SCRIPT, "FROM debian\nUSER app\nCMD python app.py\n")
    code, report = run_json([str(dockerfile)], capsys)
    assert [f["rule"] for f in report["findings"]] == ["PL005"]
    assert code == 0


def test_explicit_pair_lints_the_script_as_the_entrypoint(tmp_path, capsys):
    dockerfile = make_image(tmp_path / "img", GOOD_SCRIPT)
    other = tmp_path / "other.sh"
    other.write_text(BAD_SCRIPT)
    code, report = run_json([str(dockerfile), str(other)], capsys)
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [("PL002", str(other))]


def test_script_alone_is_judged_as_an_entrypoint_without_pl003(tmp_path, capsys):
    script = tmp_path / "entrypoint.sh"
    script.write_text("#!/bin/sh\npython app.py\n")
    code, report = run_json([str(script)], capsys)
    assert [f["rule"] for f in report["findings"]] == ["PL002"]


def test_missing_input_is_exit_2_and_others_still_linted(tmp_path, capsys):
    dockerfile = make_image(tmp_path / "img")
    code, report = run_json([str(tmp_path / "nope.sh"), str(dockerfile)], capsys)
    assert code == 2
    assert report["errors"][0]["path"] == str(tmp_path / "nope.sh")
    assert [f["rule"] for f in report["findings"]] == ["PL002"]


def test_binary_file_named_like_a_dockerfile_is_skipped(tmp_path, capsys):
    binary = tmp_path / "bin" / "Dockerfile"
    binary.parent.mkdir()
    binary.write_bytes(b"FROM a\x00\x01\x02")
    dockerfile = make_image(tmp_path / "img")
    code, report = run_json([str(binary), str(dockerfile)], capsys)
    assert code == 2
    assert "binary" in report["errors"][0]["message"]
    assert [f["rule"] for f in report["findings"]] == ["PL002"]


def test_oversized_file_is_skipped_with_a_message(tmp_path, capsys):
    config = tmp_path / "limits.toml"
    config.write_text("max-file-size = 100\n")
    big = tmp_path / "Dockerfile"
    big.write_text("FROM a\n" + "# x\n" * 100)
    code, report = run_json(["--config", str(config), str(big)], capsys)
    assert code == 2 and "100-byte limit" in report["errors"][0]["message"]


def test_directory_scan_finds_dockerfiles_and_skips_vendored_trees(tmp_path, capsys):
    make_image(tmp_path / "svc" / "api")
    (tmp_path / "svc" / "ci.dockerfile").write_text("FROM debian\nUSER app\nCMD python x.py\n")
    make_image(tmp_path / "node_modules" / "pkg")
    make_image(tmp_path / ".git" / "x")
    venv = tmp_path / "env"
    make_image(venv)
    (venv / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "linked").symlink_to(tmp_path / "svc", target_is_directory=True)
    code, report = run_json([str(tmp_path)], capsys)
    paths = {os.path.relpath(f["path"], tmp_path) for f in report["findings"]}
    assert paths == {"svc/api/entrypoint.sh", "svc/ci.dockerfile"}


def test_entrypoint_not_found_is_one_note_and_dockerfile_still_linted(tmp_path, capsys):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian:bookworm\nENTRYPOINT docker-entrypoint.sh\n")
    code, report = run_json([str(dockerfile)], capsys)
    assert [f["rule"] for f in report["findings"]] == ["PL005"]
    assert len(report["notes"]) == 1 and "docker-entrypoint.sh" in report["notes"][0]["message"]


def test_reference_outside_the_context_is_never_read(tmp_path, capsys):
    secret = tmp_path / "outside.sh"
    secret.write_text("sudo rm -rf /\n")
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "link.sh").symlink_to(secret)
    (context / "Dockerfile").write_text("FROM a\nUSER app\nCOPY link.sh /e.sh\nENTRYPOINT [\"/e.sh\"]\n")
    code, report = run_json([str(context / "Dockerfile")], capsys)
    assert report["findings"] == []
    assert "outside the build context" in report["notes"][0]["message"]


def test_context_option_changes_where_copy_sources_are_found(tmp_path, capsys):
    make_image(tmp_path / "ctx")
    dockerfile = tmp_path / "docker" / "Dockerfile"
    dockerfile.parent.mkdir()
    dockerfile.write_text((tmp_path / "ctx" / "Dockerfile").read_text())
    code, report = run_json(["--context", str(tmp_path / "ctx"), str(dockerfile)], capsys)
    assert [f["rule"] for f in report["findings"]] == ["PL002"]


def test_rich_output_prints_file_text_literally(tmp_path, capsys):
    script = tmp_path / "entrypoint.sh"
    script.write_text('#!/bin/sh\necho "[bold red]x[/] \x1b]0;pwned\x07 \x1b[2J"\ngosu app "[link=http://e]x" "$@"\n')
    main(["--format", "rich", "--no-color", str(script)])
    out = capsys.readouterr().out
    assert "[link=http://e]x" in out
    assert "\x1b" not in out
    assert "\x07" not in out


def test_text_output_escapes_control_characters(tmp_path, capsys):
    script = tmp_path / "e\x1b[31m.sh"
    script.write_text('#!/bin/sh\nserver "$@"\n')
    code, out, _ = run(["--format", "text", str(script)], capsys)
    assert "\x1b" not in out and "\\x1b[31m" in out


def test_rich_summary_counts(tmp_path, capsys):
    main(["--format", "rich", "--no-color", str(make_image(tmp_path / "img"))])
    out = capsys.readouterr().out
    assert "2 files checked: 1 error, 0 warnings, 0 infos" in out
    assert "fix: Prefix it with exec" in out


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["--format", "xml", "x"])
    assert exit_info.value.code == 2


def test_python_dash_m_and_version():
    out = subprocess.run([sys.executable, "-m", "privlint", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("privlint ")


def test_forced_dockerfile_name(tmp_path, capsys):
    build = tmp_path / "build.txt"
    build.write_text("FROM debian\nUSER app\nENTRYPOINT /x\n")
    code, report = run_json(["--dockerfile", str(build)], capsys)
    assert [f["rule"] for f in report["findings"]] == ["PL005"]


def test_directory_scan_skips_dockerfile_templates(tmp_path, capsys):
    (tmp_path / "Dockerfile.template").write_text("FROM {{ .base }}\nCMD python app.py\n")
    (tmp_path / "Dockerfile").write_text("FROM debian\nUSER app\nCMD python app.py\n")
    code, report = run_json([str(tmp_path)], capsys)
    assert [os.path.basename(f["path"]) for f in report["findings"]] == ["Dockerfile"]


def test_process_pool_gives_the_same_findings_in_the_same_order(tmp_path, capsys, monkeypatch):
    for index in range(60):
        script = GOOD_SCRIPT if index % 3 else BAD_SCRIPT
        make_image(tmp_path / f"img{index:02d}", script)
    from privlint import lint

    monkeypatch.setattr(lint, "PARALLEL_THRESHOLD", 10 ** 9)
    single = run(["--format", "text", str(tmp_path)], capsys)
    monkeypatch.setattr(lint, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(lint.os, "cpu_count", lambda: 2)
    pooled = run(["--format", "text", str(tmp_path)], capsys)
    assert pooled == single
    assert single[1].count("PL002") == 20


def test_dockerfile_names():
    from privlint.discover import is_dockerfile_name

    for name in ("Dockerfile", "Containerfile", "app.Dockerfile", "ci/app.dockerfile", "Dockerfile.prod",
                 "Dockerfile-dev", "Containerfile.arm64", "x.containerfile", ".gitpod.Dockerfile"):
        assert is_dockerfile_name(name), name
    for name in ("entrypoint.sh", "Dockerfile.md", "Dockerfile.sh", "notes.txt", "dockerfile", "Dockerfiles",
                 ".dockerfile", "README"):
        assert not is_dockerfile_name(name), name


def test_yaml_and_other_files_are_never_linted_or_fixed_as_shell(tmp_path, capsys):
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("services:\n  app:\n    build: .\n    command: node server.js\n")
    workflow = tmp_path / "ci.yml"
    workflow.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n")
    python = tmp_path / "manage"
    python.write_text("#!/usr/bin/env python3\nimport sys\nmain(sys.argv)\n")
    before = {p: p.read_text() for p in (compose, workflow, python)}
    code, report = run_json(["--fix", str(compose), str(workflow), str(python)], capsys)
    assert code == 0 and report["findings"] == [] and report["errors"] == []
    messages = {note["path"]: note["message"] for note in report["notes"]}
    assert "builds" in messages[str(compose)] and "which is not there" in messages[str(compose)]
    assert "YAML" in messages[str(workflow)]
    assert "neither a Dockerfile nor a shell script" in messages[str(python)]
    assert {p: p.read_text() for p in before} == before


def test_a_dockerfile_named_dockerfile_is_fixed_as_a_dockerfile(tmp_path, capsys):
    dockerfile = tmp_path / "dockerfile"
    dockerfile.write_text("FROM node:22-slim\nUSER node\nENTRYPOINT node server.js\n")
    code, _, _ = run(["--fix", "--format", "text", str(dockerfile)], capsys)
    assert dockerfile.read_text() == 'FROM node:22-slim\nUSER node\nENTRYPOINT ["node", "server.js"]\n'
    assert code == 0


def test_standard_input_dockerfile_and_script(monkeypatch, capsys):
    import io

    def feed(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))

    feed("FROM debian:bookworm\nCOPY entrypoint.sh /\nENTRYPOINT /entrypoint.sh\n")
    code, report = run_json(["-"], capsys)
    assert code == 0
    assert [(f["rule"], f["path"], f["line"]) for f in report["findings"]] == [("PL005", "-", 3)]
    assert "no build context" in report["notes"][0]["message"]

    feed(BAD_SCRIPT)
    code, report = run_json(["--stdin-filename", "docker/entrypoint.sh", "-"], capsys)
    assert code == 1
    assert [(f["rule"], f["path"], f["line"]) for f in report["findings"]] == [("PL002", "docker/entrypoint.sh", 4)]

    feed(BAD_SCRIPT)
    code, out, _ = run(["--diff", "--stdin-filename", "entrypoint.sh", "-"], capsys)
    assert code == 1 and '+exec gosu app "$@"' in out

    feed(BAD_SCRIPT)
    code, _, err = run(["--fix", "-"], capsys)
    assert code == 2 and "cannot write back to standard input" in err

    feed("\x00\x01binary")
    code, _, err = run(["-"], capsys)
    assert code == 2 and "standard input" in err


def test_everyday_flags_names_and_wording(tmp_path, capsys, monkeypatch):
    code, out, _ = run(["explain", "missing-exec"], capsys)
    assert code == 0 and out.startswith("# PL002 missing-exec")
    dockerfile = make_image(tmp_path / "img")
    code, out, _ = run(["--isolated", "-f", "text", str(dockerfile)], capsys)
    assert code == 1 and "PL002 [error]" in out
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    code, out, err = run(["--isolated", "-f", "text", str(tmp_path / "missing"), str(dockerfile)], capsys)
    assert code == 2 and "privlint: error: " in err and "no such file or directory" in err


def test_quiet_hides_detail_never_errors_and_summaries_agree_in_number(tmp_path, capsys):
    dockerfile = make_image(tmp_path / "img")
    code, out, err = run(["--isolated", "-q", "-f", "rich", "--no-color", str(dockerfile), str(tmp_path / "gone")],
                         capsys)
    assert code == 2
    assert "PL002 [error]" in out and "fix:" not in out and "checked" not in out
    assert f"privlint: error: {tmp_path / 'gone'}: no such file or directory" in err
    code, out, _ = run(["--isolated", "-f", "rich", "--no-color", str(dockerfile)], capsys)
    assert "2 files checked: 1 error, 0 warnings, 0 infos" in out


def test_no_color_means_no_styling_at_all(tmp_path, capsys, monkeypatch):
    from privlint import cli

    real = cli._Options

    class Terminal(real):
        def __init__(self, *args, **kwargs):
            real.__init__(self, *args, **kwargs)
            self.force_terminal = True

    monkeypatch.setattr(cli, "_Options", Terminal)
    monkeypatch.setenv("NO_COLOR", "1")
    run(["--isolated", "-f", "rich", str(make_image(tmp_path / "img"))], capsys)
    code, out, _ = run(["--isolated", "-f", "rich", str(make_image(tmp_path / "img"))], capsys)
    assert "PL002" in out and "\x1b[" not in out


def test_malformed_pragma_is_reported(tmp_path, capsys):
    script = tmp_path / "entrypoint.sh"
    script.write_text('#!/bin/sh\n# privlint ignore PL002\ngosu app "$@"\n')
    code, report = run_json(["--isolated", str(script)], capsys)
    assert [f["rule"] for f in report["findings"]] == ["PL002"]
    assert any("line 2: `# privlint ignore PL002` is not a pragma" in note["message"] for note in report["notes"])


def test_entrypoint_flag_pairs_and_extra_scripts_are_linted_in_their_own_right(tmp_path, capsys):
    dockerfile = make_image(tmp_path / "img", GOOD_SCRIPT)
    other = tmp_path / "img" / "other.sh"
    other.write_text(BAD_SCRIPT)
    third = tmp_path / "img" / "third.sh"
    third.write_text('#!/bin/sh\nsudo -u app /srv/app\n')
    code, report = run_json(["--isolated", "--entrypoint", str(other), str(dockerfile)], capsys)
    assert [(f["rule"], os.path.basename(f["path"]), f["line"]) for f in report["findings"]] == [
        ("PL002", "other.sh", 4)]
    code, report = run_json(["--isolated", str(dockerfile), str(other), str(third)], capsys)
    found = sorted((f["rule"], os.path.basename(f["path"])) for f in report["findings"])
    assert ("PL002", "other.sh") in found and ("PL001", "third.sh") in found  # third.sh: not reduced to PL900
    second = make_image(tmp_path / "img2", GOOD_SCRIPT)
    code, _, err = run(["--isolated", "--entrypoint", str(other), str(dockerfile), str(second)], capsys)
    assert code == 2 and "--entrypoint needs exactly one Dockerfile" in err


def test_gitlab_code_quality_report(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_image(tmp_path / "img")
    code, out, _ = run(["--isolated", "-f", "gitlab", "img/Dockerfile"], capsys)
    issues = json.loads(out)
    assert code == 1 and len(issues) == 1
    issue = issues[0]
    assert issue["check_name"] == "PL002 missing-exec" and issue["severity"] == "major"
    assert issue["location"] == {"path": "img/entrypoint.sh", "lines": {"begin": 4, "end": 4}}
    script = tmp_path / "img" / "entrypoint.sh"
    script.write_text("# a comment above\n" + script.read_text())
    _, moved, _ = run(["--isolated", "-f", "gitlab", "img/Dockerfile"], capsys)
    assert json.loads(moved)[0]["fingerprint"] == issue["fingerprint"]  # lines inserted above: same finding


def test_json_findings_carry_their_path(capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent / "fixtures" / "pl004-gosu-curl-chmod-unverified")
    code, report = run_json(["--isolated", "Dockerfile"], capsys)
    finding = next(f for f in report["findings"] if f["rule"] == "PL004")
    assert [(r["path"], r["line"]) for r in finding["related"]] == [("Dockerfile", 8), ("docker-entrypoint.sh", 6)]
    assert "made executable" in finding["related"][0]["message"] and "runs gosu" in finding["related"][1]["message"]


def test_a_note_about_a_file_two_start_ups_read_is_given_once(tmp_path, capsys):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "start.sh").write_text("#!/bin/sh\n. ./helper\nexec ./bin/server\n")
    (folder / "helper").write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64)  # sourced, but not a script
    (folder / "Dockerfile").write_text("FROM debian:bookworm\nWORKDIR /app\nCOPY . .\nUSER nobody\n"
                                       'CMD ["./start.sh"]\n')
    (folder / "compose.yaml").write_text("services:\n  web:\n    build: .\n  worker:\n    build: .\n"
                                         "    environment:\n      MODE: worker\n")
    code, out, err = run(["--format", "text", str(folder / "Dockerfile"), str(folder / "compose.yaml")], capsys)
    notes = [line for line in (out + err).splitlines() if "note:" in line]
    assert notes, "the sourced file that is not a script gets a note"
    assert len(notes) == len(set(notes))


def test_build_arg_gives_an_arg_its_value(tmp_path, capsys):
    (tmp_path / "services" / "api").mkdir(parents=True)
    (tmp_path / "services" / "api" / "start.sh").write_text("#!/bin/sh\nmigrate\ngunicorn app\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nARG name\nCOPY services/$name/start.sh /start.sh\n"
                                         "USER nobody\nENTRYPOINT [\"/start.sh\"]\n")
    code, report = run_json([str(tmp_path / "Dockerfile")], capsys)
    assert report["findings"] == []  # without the value the script is not found: the Dockerfile alone is clean
    code, report = run_json(["--build-arg", "name=api", str(tmp_path / "Dockerfile")], capsys)
    assert [(f["rule"], f["path"].rsplit("/", 1)[-1], f["line"]) for f in report["findings"]] == [
        ("PL002", "start.sh", 3)]


def test_build_arg_without_a_value_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    code, _, err = run(["--build-arg", "name", str(tmp_path / "Dockerfile")], capsys)
    assert code == 2 and "NAME=VALUE" in err
