"""--fix, --unsafe-fixes and --diff: before/after cases as data, plus the promises about files."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from privlint.cli import main

CASES_ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "fix"
CASES = sorted(p.name for p in CASES_ROOT.iterdir() if (p / "before").is_dir())


def _args(case: Path) -> list[str]:
    args = case / "args"
    return args.read_text().split() if args.is_file() else ["Dockerfile"]


def _run(folder: Path, *args: str, capsys=None) -> tuple[int, str]:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        code = main(["--isolated", *args])
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out if capsys else ""
    return code, out


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", CASES)
def test_fix_case(name, tmp_path, capsys):
    case = CASES_ROOT / name
    unsafe = ["--unsafe-fixes"] if (case / "unsafe").exists() else []
    rules = (case / "rules").read_text().split()
    work = tmp_path / "work"
    shutil.copytree(case / "before", work)
    _run(work, "--fix", *unsafe, "--format", "text", *_args(case), capsys=capsys)
    assert _files(work) == _files(case / "after")

    code, out = _run(work, "--format", "json", *_args(case), capsys=capsys)
    remaining = sorted(f"{f['rule']} {f['path']}:{f['line']}" for f in json.loads(out)["findings"]
                       if f["rule"] in rules)
    expected = (case / "remaining").read_text().split("\n") if (case / "remaining").exists() else []
    assert remaining == [line for line in expected if line]

    for script in work.rglob("*.sh"):
        assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0, script
        if script.read_text().startswith("#!/bin/sh"):
            assert subprocess.run(["sh", "-n", str(script)], capture_output=True).returncode == 0, script

    before_second = _files(work)
    _run(work, "--fix", *unsafe, "--format", "text", *_args(case), capsys=capsys)
    assert _files(work) == before_second  # idempotent

    fresh = tmp_path / "fresh"
    shutil.copytree(case / "before", fresh)
    code, diff = _run(fresh, "--diff", *unsafe, *_args(case), capsys=capsys)
    if _files(case / "after") == _files(case / "before"):  # a case of findings that must not be fixed
        assert code == 0 and not diff, diff
        return
    assert code == 1 and diff
    assert _files(fresh) == _files(case / "before")  # --diff writes nothing
    patched = subprocess.run(["patch", "-p1", "--quiet"], input=diff.encode(), cwd=fresh, capture_output=True)
    assert patched.returncode == 0, patched.stdout + patched.stderr
    assert _files(fresh) == _files(case / "after")


def test_unsafe_fix_needs_the_flag(tmp_path, capsys):
    case = CASES_ROOT / "pl001-sudo-to-gosu-unsafe"
    shutil.copytree(case / "before", tmp_path / "w")
    _run(tmp_path / "w", "--fix", "--format", "text", "Dockerfile", capsys=capsys)
    assert _files(tmp_path / "w") == _files(case / "before")
    code, diff = _run(tmp_path / "w", "--diff", "Dockerfile", capsys=capsys)
    assert (code, diff) == (0, "")


def _image(folder: Path, script: bytes, mode: int = 0o755) -> Path:
    folder.mkdir()
    (folder / "Dockerfile").write_text('FROM a\nUSER app\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n')
    path = folder / "e.sh"
    path.write_bytes(script)
    path.chmod(mode)
    return path


def test_crlf_mode_encoding_and_missing_final_newline_are_kept(tmp_path, capsys):
    path = _image(tmp_path / "w", b'#!/bin/sh\r\n# caf\xe9\r\nset -e\r\ngosu app "$@"', 0o750)
    _run(tmp_path / "w", "--fix", "--format", "text", "Dockerfile", capsys=capsys)
    assert path.read_bytes() == b'#!/bin/sh\r\n# caf\xe9\r\nset -e\r\nexec gosu app "$@"'
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".privlint-")]  # no temporary left


def test_fix_reports_what_is_left_and_exit_code_reflects_it(tmp_path, capsys):
    _image(tmp_path / "w", b'#!/bin/sh\nsu app -c "migrate"\nserver "$@"\n')
    code, out = _run(tmp_path / "w", "--fix", "--format", "text", "Dockerfile", capsys=capsys)
    assert code == 1
    assert "PL001" in out and "PL002" not in out
    assert (tmp_path / "w" / "e.sh").read_text().endswith('exec server "$@"\n')


def test_suppressed_findings_are_not_fixed(tmp_path, capsys):
    path = _image(tmp_path / "w", b'#!/bin/sh\n# privlint ignore=PL002 -- supervised by tini\nserver "$@"\n')
    code, _ = _run(tmp_path / "w", "--fix", "--format", "text", "Dockerfile", capsys=capsys)
    assert code == 0 and b"exec" not in path.read_bytes()


def test_commands_that_cannot_take_exec_are_left(tmp_path, capsys):
    script = (b'#!/bin/sh\nif [ "$1" = a ]; then\n  server | tee log\nelif [ "$1" = b ]; then\n'
              b'  FOO=1 server\nelse\n  eval "$cmd"\nfi\n')
    path = _image(tmp_path / "w", script)
    code, out = _run(tmp_path / "w", "--fix", "--format", "text", "Dockerfile", capsys=capsys)
    assert path.read_bytes() == script
    assert out.count("PL002") == 3 and "[*]" not in out


def test_shell_form_with_variables_is_not_rewritten(tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text("FROM a\nUSER app\nCMD python -m http.server $PORT\n")
    code, out = _run(tmp_path, "--fix", "--format", "text", "Dockerfile", capsys=capsys)
    assert (tmp_path / "Dockerfile").read_text().endswith("CMD python -m http.server $PORT\n")
    assert "PL005" in out and "[*]" not in out


def test_entrypoint_rewrite_is_unsafe_when_a_cmd_is_in_effect(tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text('FROM a\nUSER app\nENTRYPOINT /run.sh\nCMD ["x"]\n')
    code, diff = _run(tmp_path, "--diff", "Dockerfile", capsys=capsys)
    assert (code, diff) == (0, "")
    code, diff = _run(tmp_path, "--diff", "--unsafe-fixes", "Dockerfile", capsys=capsys)
    assert code == 1 and '+ENTRYPOINT ["/run.sh"]' in diff


def test_fix_goes_on_until_nothing_changes(tmp_path, capsys):
    # exec added to start.sh makes run.sh the next PID 1, whose own last command then needs exec too
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "Dockerfile").write_text('FROM debian:bookworm\nCOPY start.sh run.sh /srv/\nUSER nobody\n'
                                       'ENTRYPOINT ["/srv/start.sh"]\n')
    (folder / "start.sh").write_text("#!/bin/sh\necho starting\n/srv/run.sh\n")
    (folder / "run.sh").write_text("#!/bin/sh\nmigrate\njava -jar /srv/app.jar\n")
    code, out = _run(folder, "--fix", "--format", "text", "Dockerfile", capsys=capsys)
    assert (folder / "start.sh").read_text().endswith("exec /srv/run.sh\n")
    assert (folder / "run.sh").read_text().endswith("exec java -jar /srv/app.jar\n")
    assert code == 0 and "PL002" not in out
    before = _files(folder)
    _run(folder, "--fix", "Dockerfile", capsys=capsys)
    assert _files(folder) == before  # a second --fix finds nothing left to change
