"""Hostile and broken input: no traceback, documented exit codes, valid JSON/SARIF, a safe terminal.

Property tests build Dockerfiles and scripts from mutated real constructs and random text; the
explicit tests below pin one bullet of the robustness contract each.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privlint.cli import main

FORMATS = ["text", "json", "sarif", "rich", "github", "gitlab"]
#: CI runs a meaningful number of examples in seconds; set PRIVLINT_FUZZ_EXAMPLES higher to dig deeper.
EXAMPLES = int(os.environ.get("PRIVLINT_FUZZ_EXAMPLES", "150"))
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

DOCKERFILE_LINES = [
    "FROM debian:bookworm-slim", "FROM builder AS final", "FROM $BASE", "ARG U=app", "ARG BASE",
    "ENV A=1 B=\"x y\"", "USER root", "USER ${U}", "USER ${U:-nobody}:0", "WORKDIR /app",
    "COPY entrypoint.sh /usr/local/bin/", "COPY --chown=app:app . .", "COPY ../../etc/passwd /x",
    "ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini",
    "RUN curl -fsSL -o /usr/local/bin/gosu https://example.com/gosu && chmod +x /usr/local/bin/gosu",
    "RUN sudo apt-get update && \\", "  apt-get install -y gosu", "RUN <<EOF", "USER root", "EOF",
    "RUN curl -fsSL https://get.example.sh | sh", 'ENTRYPOINT ["entrypoint.sh"]', "ENTRYPOINT ['/x.sh']",
    'ENTRYPOINT ["tini", "--", "/usr/local/bin/entrypoint.sh"]', "ENTRYPOINT /entrypoint.sh",
    'CMD ["server"', "CMD python app.py", "# privlint ignore=PL003", "# escape=`", "\\", "", "   ",
    "COPY <<'EOT' /start.sh", "#!/bin/sh", "exec gosu app \"$@\"", "EOT", "RUN echo \"unterminated",
]
SCRIPT_LINES = [
    "#!/bin/sh", "set -e", 'if [ "$(id -u)" = 0 ]; then', 'exec gosu app "$0" "$@"', "fi", 'exec "$@"',
    '"$@"', 'gosu app "$@"', "case \"$1\" in", "server) exec server ;;", "*) ;;", "esac", "_main() {", "}",
    '_main "$@"', "cat <<EOF", "sudo rm -rf /", "EOF", "server &", "wait", "trap 'kill $pid' TERM",
    'x=$(cat /f', 'echo "unterminated', "echo `date", "exec 3<>/dev/tcp/db/5432", "[[ $1 = a.b && $2 = y ]]",
    'exec_cmd="exec su-exec app"', '${exec_cmd} "$@"', "su app -c server", "exit 0", "( exec server )",
    "f() { ( set -eu ) }", "eval \"$cmd\"", "# privlint ignore=PL002", "{", "((", "<<<", "\\",
]


def _lines(pool):
    real = st.sampled_from(pool)
    noise = st.text(max_size=40)
    return st.lists(st.one_of(real, real, real, noise), max_size=30).map("\n".join)


def _run_all_formats(folder: Path, args: list[str]) -> None:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for name in FORMATS:
            out, err = io.StringIO(), io.StringIO()
            with redirect_stdout(out), redirect_stderr(err):
                code = main(["--isolated", "--no-color", "--format", name, *args])
            assert code in (0, 1, 2), (name, code)
            text = out.getvalue()
            if name in ("json", "sarif", "gitlab"):
                document = json.loads(text)
                if name == "sarif":
                    assert document["version"] == "2.1.0"
            else:
                assert not RAW_CONTROL.search(text.replace("\n", "")), (name, text[:300])
    finally:
        os.chdir(cwd)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfile=_lines(DOCKERFILE_LINES), script=_lines(SCRIPT_LINES), crlf=st.booleans())
def test_mutated_real_constructs_never_break_any_format(dockerfile, script, crlf):
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        newline = "\r\n" if crlf else "\n"
        (base / "Dockerfile").write_bytes(dockerfile.replace("\n", newline).encode("utf-8", "surrogatepass"))
        (base / "entrypoint.sh").write_bytes(script.replace("\n", newline).encode("utf-8", "surrogatepass"))
        _run_all_formats(base, ["Dockerfile"])
        _run_all_formats(base, ["entrypoint.sh"])


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfile=st.binary(max_size=400), script=st.binary(max_size=400),
       name=st.text(alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"]),
                    min_size=1, max_size=20))
def test_random_bytes_and_file_names(dockerfile, script, name):
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "Dockerfile").write_bytes(b"FROM a\nCOPY e.sh /e.sh\nENTRYPOINT [\"/e.sh\"]\n" + dockerfile)
        (base / "e.sh").write_bytes(script)
        odd = base / f"x{name}.sh"
        try:
            odd.write_bytes(script)
        except OSError:
            return  # a name this file system refuses
        _run_all_formats(base, ["Dockerfile", odd.name])


def test_regression_control_character_command_in_github_output(tmp_path):
    """Found by the property test: a command named `\x08` reached GitHub annotations raw."""
    (tmp_path / "entrypoint.sh").write_text("\x08")
    _run_all_formats(tmp_path, ["entrypoint.sh"])


#: Inputs the property test found that crashed tree-sitter-bash 0.25.1 itself (segfault, some runs).
TREE_SITTER_CRASHERS = [b'if [ "$(id -u)" = 0 ]; then\nm\xc3\xbbG\n\xc3\xb7\xc3\xbc\xc3\xbe\xc2\x85~\xc3\x85\xc3\xa1\xc2\x84\xc2\xb8\xc3\xb4\xc3\x8b\xc2\x91\xc2\x99\xc2\xbc{\xf3\xb4\x9c\x8d\xf3\x8e\xaf\x98', b'exec gosu app "$0" "$@"\ntrap \'kill $pid\' TERM\nexec "$@"\n*) ;;\n\x1b\x1b\xf1\xa8\x9a\x98\xf0\x9b\x9f\xba\xc3\xa2{\xf3\xbb\xa2\xb5\nif\n\n\n\xc2\x93)M\xc3\xb5\n\xc2\x85\xc3\x97\xf2\xb0\xad\x92']


def test_regression_inputs_that_crashed_tree_sitter_are_parsed_safely():
    """Run in a child process, many times: a segfault would kill pytest itself."""
    import subprocess

    program = (
        "import sys\n"
        "from privlint.shell import parse_script\n"
        f"for data in {TREE_SITTER_CRASHERS!r}:\n"
        "    for _ in range(150):\n"
        "        parse_script('e.sh', data.decode('utf-8', 'surrogateescape'))\n"
    )
    for _ in range(3):
        run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr[-500:]


def test_non_ascii_words_keep_their_text_and_columns():
    from privlint.shell import parse_script
    from privlint.shell_model import iter_commands

    script = parse_script("e.sh", 'echo "é€"; exec gosu app "✓" "$@"\n')
    command = list(iter_commands(script.body))[1]
    assert command.words[3].value == "✓"
    assert command.column == 12  # characters (bytes would say 15)


# -- one named test per bullet of the contract -----------------------------------------------

def _lint(tmp_path, files: dict[str, bytes], args: list[str], capsys) -> tuple[int, dict]:
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code = main(["--isolated", "--format", "json", *args])
    finally:
        os.chdir(cwd)
    return code, json.loads(capsys.readouterr().out)


def test_unterminated_constructs_give_findings_or_pl900(tmp_path, capsys):
    cases = {
        "q/Dockerfile": b'FROM a\nUSER app\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"\n',
        "q/e.sh": b'#!/bin/sh\necho "never closed\nexec "$@"\n',
        "h/Dockerfile": b"FROM a\nRUN <<EOF\nsudo ls\n",
        "c/Dockerfile": b"FROM a\nRUN echo \\",
        "e/Dockerfile": b"",
        "m/Dockerfile": b"# only\n# comments\n",
        "b/e.sh": b"#!/bin/sh\nif [ -f x ]; then\n  exec gosu app \"$@\"\n",
    }
    code, report = _lint(tmp_path, cases, ["q", "h", "c", "e", "m", "b/e.sh"], capsys)
    assert code in (0, 1)
    rules = {(os.path.basename(os.path.dirname(f["path"])), f["rule"]) for f in report["findings"]}
    assert ("q", "PL005") in rules  # the unterminated JSON array is shell form
    assert ("h", "PL900") in rules  # the heredoc is never closed
    assert ("b", "PL900") in rules  # the `if` is never closed
    assert ("m", "PL900") in rules  # only comments: said so


def test_huge_inputs_lint_in_bounded_time_or_are_skipped(tmp_path, capsys):
    single_line = b"FROM a\nRUN " + b"echo ${A:-${B:-" * 60_000 + b"\n"
    long_script = b"#!/bin/sh\n" + b"[[ " * 300_000 + b"\nexec \"$@\"\n"
    pragma = b"# privlint ignore=" + b" " * 500_000 + b"x\nserver \"$@\"\n"
    started = time.monotonic()
    code, report = _lint(tmp_path, {"Dockerfile": single_line, "a.sh": long_script, "p.sh": pragma},
                         ["Dockerfile", "a.sh", "p.sh"], capsys)
    assert time.monotonic() - started < 60  # a generous bound: catastrophic backtracking takes hours
    assert code in (0, 1, 2)
    big = tmp_path / "big" / "Dockerfile"
    big.parent.mkdir()
    big.write_bytes(b"FROM a\n" + b"# filler line\n" * 400_000)
    code, report = _lint(tmp_path, {}, [str(big)], capsys)
    assert code == 2 and "limit" in report["errors"][0]["message"]


def test_symlink_loops_and_vanishing_files_in_directory_scans(tmp_path, capsys, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "Dockerfile").write_text("FROM a\nUSER app\nCMD python x.py\n")
    (tmp_path / "a" / "ghost.Dockerfile").write_text("FROM a\n")
    from privlint import discover

    real = discover.find_dockerfiles

    def vanishing(root, problems, composes=None):
        found = real(root, problems, composes)
        (tmp_path / "a" / "ghost.Dockerfile").unlink()
        return found

    monkeypatch.setattr(discover, "find_dockerfiles", vanishing)
    code, report = _lint(tmp_path, {}, ["a"], capsys)
    assert code == 2
    assert [f["rule"] for f in report["findings"]] == ["PL005"]
    assert "ghost.Dockerfile" in report["errors"][0]["path"]


def test_internal_error_costs_one_file_not_the_run(tmp_path, capsys, monkeypatch):
    from privlint.rules import pl006_sudo_in_run

    def broken(startup):
        if startup.dockerfile and "bad" in startup.dockerfile.path:
            raise ValueError("boom")
        return iter(())

    monkeypatch.setattr(pl006_sudo_in_run, "check", broken)
    files = {"bad/Dockerfile": b"FROM a\nRUN ls\n", "good/Dockerfile": b"FROM a\nUSER b\nCMD x y\n"}
    code, report = _lint(tmp_path, files, ["bad", "good"], capsys)
    assert code == 2
    assert "internal error" in report["errors"][0]["message"] and "boom" in report["errors"][0]["message"]
    assert [f["rule"] for f in report["findings"]] == ["PL005"]


def test_context_escapes_are_never_opened(tmp_path, capsys, monkeypatch):
    outside = tmp_path / "secret.sh"
    outside.write_text("sudo id\n")
    files = {"ctx/Dockerfile": b'FROM a\nUSER app\nCOPY ../secret.sh /s.sh\nCOPY /etc/passwd /p\n'
                               b'COPY link.sh /e.sh\nENTRYPOINT ["/e.sh"]\n'}
    (tmp_path / "ctx").mkdir()
    os.symlink(outside, tmp_path / "ctx" / "link.sh")  # a context file that points out of the context
    opened = []
    real_open = open

    def spy(path, *args, **kwargs):
        opened.append(os.path.realpath(path) if isinstance(path, (str, bytes, os.PathLike)) else path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    code, report = _lint(tmp_path, files, ["ctx/Dockerfile"], capsys)
    assert str(outside.resolve()) not in opened
    assert "/etc/passwd" not in opened
    assert "outside the build context" in report["notes"][0]["message"]


def test_terminal_escapes_and_markup_in_every_human_format(tmp_path, capsys):
    script = tmp_path / "e\x1b]0;title\x07.sh"
    script.write_text('#!/bin/sh\ngosu app "[bold]\x1b[31m\u202e" "$@"\n')
    for name in ("text", "rich", "github"):
        main(["--isolated", "--no-color", "--format", name, str(script)])
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, name
        assert "[bold]" in out or name == "github"


def test_never_runs_anything_it_reads_nor_touches_the_network(tmp_path, capsys, monkeypatch):
    import socket
    import subprocess

    def refuse(*args, **kwargs):
        raise AssertionError("privlint tried to run a process or open a socket")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(os, "system", refuse)
    monkeypatch.setattr(socket, "socket", refuse)
    files = {"Dockerfile": b'FROM a\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n',
             "e.sh": b"#!/bin/sh\n$(touch /tmp/pwned)\nexec \"$@\"\n"}
    code, report = _lint(tmp_path, files, ["Dockerfile"], capsys)
    assert code in (0, 1) and report["errors"] == []


def test_very_deep_trees_and_unreadable_folders(tmp_path, capsys, monkeypatch):
    deep = tmp_path
    for index in range(120):
        deep = deep / f"d{index}"
        if index == 10:
            (deep).mkdir(parents=True)
            (deep / "Dockerfile").write_text("FROM a\nUSER b\nCMD x y\n")
    deep.mkdir(parents=True)
    (deep / "Dockerfile").write_text("FROM a\nCMD too deep\n")
    from privlint import discover

    real_walk = os.walk

    def walk_with_a_locked_folder(top, onerror=None, followlinks=False):
        error = PermissionError(13, "Permission denied")
        error.filename = os.path.join(top, "locked")
        onerror(error)
        yield from real_walk(top, onerror=onerror, followlinks=followlinks)

    monkeypatch.setattr(discover.os, "walk", walk_with_a_locked_folder)
    code, report = _lint(tmp_path, {}, ["."], capsys)
    assert code == 2
    assert report["errors"][0]["message"] == "cannot read directory: Permission denied"
    assert [(f["rule"], f["path"].count("/")) for f in report["findings"]] == [("PL005", 11)]


def test_bad_compose_input_is_bad_input_like_any_other(tmp_path, capsys):
    import time

    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    files = {
        "invalid/compose.yaml": b"services:\n  web:\n    build: [unclosed\n",
        "notcompose/compose.yaml": b"name: just-a-list\nitems: [1, 2, 3]\n",
        "bomb/compose.yaml": (bomb + "services:\n  web:\n    image: x\n    labels: *j\n").encode(),
        "tags/compose.yaml": b"services:\n  web:\n    build: !custom .\n    command: !reset null\n",
        "tags/Dockerfile": b'FROM python:3.12-slim\nUSER nobody\nCMD ["python", "-V"]\n',
        "huge/compose.yaml": b"services:\n" + b"  # padding\n" * 1_000_000,
        "ok/Dockerfile": b"FROM debian\nUSER nobody\nCMD python app.py\n",
    }
    started = time.perf_counter()
    code, report = _lint(tmp_path, files, ["invalid", "notcompose", "bomb", "tags", "huge", "ok"], capsys)
    assert time.perf_counter() - started < 20
    errors = {os.path.dirname(e["path"]): e["message"] for e in report["errors"]}
    assert code == 2
    assert errors["invalid"].startswith("not valid YAML at line")
    assert "not a compose file" in errors["notcompose"]
    assert "above the" in errors["huge"]
    assert "bomb" not in errors and "tags" not in errors  # walked once per alias; tags read as plain values
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [("PL005", "ok/Dockerfile")]


def test_yaml_of_blank_indented_lines_is_classified_in_one_pass(tmp_path, capsys):
    # a services: mapping followed by thousands of whitespace-only lines and no service key: a backtracking
    # pattern would never return here; the line scan says "not compose" at once
    path = tmp_path / "settings.yaml"
    path.write_text("services:\n  a:\n" + "    \n" * 5000 + "x: 1\n")
    code = main(["--isolated", "--format", "json", str(path)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["findings"] == []
    assert any("YAML file" in note["message"] for note in report["notes"])
