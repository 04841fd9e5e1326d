"""The normaliser in front of dockerfile-parse: each of its known mistakes, fixed without moving lines."""

from __future__ import annotations

import os

from privlint.dockerfile import expand, parse_dockerfile, stage_scope
from privlint.startup import Startup


def keywords(text: str) -> list[tuple[str, int]]:
    dockerfile = parse_dockerfile("Dockerfile", text)
    return [(i.keyword, i.line) for stage in dockerfile.stages for i in stage.instructions]


def test_heredoc_body_is_not_split_into_instructions():
    text = "FROM debian\nRUN <<EOF\nset -e\nUSER root\nEOF\nUSER app\n"
    assert keywords(text) == [("FROM", 1), ("RUN", 2), ("USER", 6)]
    run = parse_dockerfile("Dockerfile", text).stages[0].instructions[1]
    assert run.heredocs[0].body == "set -e\nUSER root\n"
    assert run.heredocs[0].line == 3


def test_heredoc_with_quoted_and_dash_delimiters():
    text = "FROM debian\nCOPY <<'EOT' /a.sh\necho $x\nEOT\nRUN <<-EOF\n\techo hi\n\tEOF\nUSER app\n"
    assert keywords(text) == [("FROM", 1), ("COPY", 2), ("RUN", 5), ("USER", 8)]


def test_herestring_is_not_a_heredoc():
    assert keywords("FROM a\nRUN cat <<< 'x'\nUSER b\n") == [("FROM", 1), ("RUN", 2), ("USER", 3)]


def test_empty_line_inside_continuation_joins_like_docker():
    text = "FROM a\nRUN echo one \\\n\n  two\nUSER x\n"
    dockerfile = parse_dockerfile("Dockerfile", text)
    run = dockerfile.stages[0].instructions[1]
    assert (run.keyword, run.line, run.end_line) == ("RUN", 2, 4)
    assert "two" in run.value
    assert keywords(text)[-1] == ("USER", 5)


def test_trailing_backslash_at_end_of_file_keeps_last_instruction():
    assert keywords("FROM a\nUSER app \\") == [("FROM", 1), ("USER", 2)]
    assert keywords("FROM a\nUSER app \\\n") == [("FROM", 1), ("USER", 2)]


def test_bom_does_not_hide_first_from(tmp_path):
    from privlint.source import read_source

    path = tmp_path / "Dockerfile"
    path.write_bytes(b"\xef\xbb\xbfFROM alpine\nUSER app\n")
    source = read_source(str(path))
    assert keywords(source.text) == [("FROM", 1), ("USER", 2)]


def test_non_utf8_is_read_with_a_warning(tmp_path):
    from privlint.source import read_source

    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM alpine\nLABEL a=\xff\xfe\nUSER app\n")
    source = read_source(str(path))
    assert source.decode_warning is not None and "line 2" in source.decode_warning
    assert keywords(source.text)[-1] == ("USER", 3)


def test_parsing_never_writes_a_dockerfile_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parse_dockerfile("x", "FROM a\nUSER b\n")
    assert os.listdir(tmp_path) == []


def test_comment_inside_continuation_is_dropped_and_order_kept():
    text = "FROM a\nRUN echo one \\\n  # a comment\n  && echo two\nUSER x\n"
    assert keywords(text) == [("FROM", 1), ("RUN", 2), ("USER", 5)]


def test_json_form_decided_like_docker():
    dockerfile = parse_dockerfile("D", "FROM a\nENTRYPOINT [\"/e.sh\", \"x\"]\nCMD ['/x.sh']\n")
    entrypoint, cmd = dockerfile.stages[0].instructions[1:]
    assert entrypoint.exec_form == ["/e.sh", "x"]
    assert cmd.exec_form is None and cmd.looks_like_broken_json


def test_expander_forms():
    scope = {"U": "app", "EMPTY": "", "UNSET_DEFAULT": None}
    assert expand("$U", scope) == "app"
    assert expand("${U}:${U}", scope) == "app:app"
    assert expand("${NOPE:-nobody}", scope) == "nobody"
    assert expand("${EMPTY:-nobody}", scope) == "nobody"
    assert expand("${EMPTY-nobody}", scope) == ""
    assert expand("${U:+set}", scope) == "set"
    assert expand("${EMPTY:+set}", scope) == ""
    assert expand("$NOPE", scope) is None
    assert expand("${UNSET_DEFAULT}", scope) is None


def test_stage_table_is_case_insensitive_and_inherits():
    text = ("ARG BASE=debian\nFROM $BASE as Build\nUSER builder\nENV APP_USER=svc\n"
            "FROM build\nUSER ${APP_USER}\n")
    dockerfile = parse_dockerfile("D", text)
    first, final = dockerfile.stages
    assert first.base == "debian" and first.alias == "Build"
    assert final.parent is first
    assert stage_scope(dockerfile, final)["APP_USER"] == "svc"
    assert Startup(dockerfile).user.value == "svc"


def test_user_from_arg_and_unknown_user():
    dockerfile = parse_dockerfile("D", "FROM a\nARG U=app\nUSER ${U}\n")
    assert Startup(dockerfile).user.value == "app"
    unknown = Startup(parse_dockerfile("D", "FROM a\nARG U\nUSER $U\n")).user
    assert unknown.value is None and not unknown.is_root


def test_root_forms():
    for user in ("root", "0", "0:0", "root:staff"):
        assert Startup(parse_dockerfile("D", f"FROM a\nUSER {user}\n")).user.is_root, user
    assert not Startup(parse_dockerfile("D", "FROM a\nUSER 1000:0\n")).user.is_root
    assert Startup(parse_dockerfile("D", "FROM debian\n")).user.is_root
    assert not Startup(parse_dockerfile("D", "FROM gcr.io/distroless/static:nonroot\n")).user.is_root


def test_entrypoint_resets_inherited_cmd():
    text = "FROM a AS base\nCMD [\"x\"]\nFROM base\nENTRYPOINT [\"/e.sh\"]\n"
    chain = Startup(parse_dockerfile("D", text)).chain
    assert chain.entrypoint.line == 4 and chain.cmd is None


def test_huge_continuation_is_cut_with_a_note():
    text = "FROM a\nRUN true \\\n" + "  && true \\\n" * 6000 + "  && true\nUSER app\n"
    dockerfile = parse_dockerfile("D", text)
    assert any("longer than" in message for _, message in dockerfile.notes)


def test_backslash_with_trailing_spaces_continues_as_in_docker(tmp_path, capsys):
    from privlint.cli import main

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text('FROM debian\nRUN apt-get update \\   \n    && sudo apt-get install -y curl\n'
                          'USER nobody\nCMD ["app"]\n')
    main(["--isolated", "--format", "text", str(dockerfile)])
    out = capsys.readouterr().out
    assert "PL900" not in out and f"{dockerfile}:3:8: PL006" in out
