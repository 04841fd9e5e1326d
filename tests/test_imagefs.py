"""The per-stage file map: where each in-image path's content comes from."""

from __future__ import annotations

import os
from pathlib import Path

from privlint.dockerfile import parse_dockerfile
from privlint.imagefs import ARCHIVE, BASE, CONTEXT, DELETED, DOWNLOAD, HEREDOC, IMAGE, OUTSIDE, ImageFiles
from privlint.run_shell import instruction_shell
from privlint.shell import parse_script


def image(tmp_path: Path, dockerfile: str, files: dict[str, str] | None = None) -> tuple[ImageFiles, object]:
    context = tmp_path / "ctx"
    context.mkdir(parents=True)
    for name, text in (files or {}).items():
        (context / name).parent.mkdir(parents=True, exist_ok=True)
        (context / name).write_text(text)
    parsed = parse_dockerfile(str(context / "Dockerfile"), dockerfile)
    runs: dict[int, list] = {}
    for stage in parsed.stages:
        for instruction in stage.instructions:
            if instruction.keyword == "RUN":
                runs[id(instruction)] = [parse_script("Dockerfile", source, offset)
                                         for source, offset in instruction_shell(parsed, instruction)]
    return ImageFiles(parsed, str(context), runs), parsed


def lookup(tmp_path, dockerfile, path, files=None, stage=-1):
    files_map, parsed = image(tmp_path, dockerfile, files)
    return files_map.files(parsed.stages[stage]).lookup(path)


def test_copy_file_folder_rename_and_glob(tmp_path):
    files = {"e.sh": "x", "bin/run.sh": "y", "conf/a.conf": "z"}
    text = "FROM debian\nCOPY e.sh /usr/local/bin/\nCOPY bin /opt/bin\nCOPY e.sh /start\nCOPY conf/*.conf /etc/app/\n"
    assert lookup(tmp_path / "1", text, "/usr/local/bin/e.sh", files).file.endswith("e.sh")
    assert lookup(tmp_path / "2", text, "/opt/bin/run.sh", files).file.endswith("bin/run.sh")
    assert lookup(tmp_path / "3", text, "/start", files).kind == CONTEXT
    assert lookup(tmp_path / "4", text, "/etc/app/a.conf", files).kind == CONTEXT
    assert lookup(tmp_path / "5", text, "/opt/bin/missing.sh", files).kind == BASE


def test_run_mv_cp_install_ln_and_rm(tmp_path):
    files = {"e.sh": "x"}
    text = ("FROM debian\nWORKDIR /build\nCOPY e.sh ./\n"
            "RUN cp e.sh /copied.sh && mv e.sh /usr/bin/entry && install -m 0755 /copied.sh /opt/inst \\\n"
            " && ln -sf /usr/bin/entry /usr/local/bin/linked && cd /opt && cp -t /srv inst && rm /copied.sh\n")
    assert lookup(tmp_path / "1", text, "/usr/bin/entry", files).kind == CONTEXT
    assert lookup(tmp_path / "2", text, "/build/e.sh", files) is DELETED  # moved away
    assert lookup(tmp_path / "3", text, "/copied.sh", files) is DELETED  # removed
    assert lookup(tmp_path / "4", text, "/opt/inst", files).kind == CONTEXT
    assert lookup(tmp_path / "5", text, "/usr/local/bin/linked", files).kind == CONTEXT
    assert lookup(tmp_path / "6", text, "/srv/inst", files).kind == CONTEXT  # cd then a relative source


def test_stages_heredocs_images_urls_archives_and_escapes(tmp_path):
    files = {"e.sh": "x", "app.tar.gz": "z", "secret.sh": "y"}
    text = ("FROM alpine AS build\nCOPY e.sh /out/entry.sh\n"
            "FROM debian\nCOPY --from=build /out/ /app/\nCOPY --from=tianon/gosu /gosu /usr/local/bin/gosu\n"
            "COPY <<EOF /init.sh\n#!/bin/sh\nexec \"$@\"\nEOF\n"
            "ADD https://example.com/tini /tini\nADD app.tar.gz /opt/\nCOPY ../secret.sh /secret.sh\n"
            "RUN curl -fsSLo /usr/local/bin/tool https://example.com/tool\n")
    assert lookup(tmp_path / "1", text, "/app/entry.sh", files).kind == CONTEXT
    assert lookup(tmp_path / "2", text, "/usr/local/bin/gosu", files).kind == IMAGE
    assert lookup(tmp_path / "3", text, "/init.sh", files).kind == HEREDOC
    assert lookup(tmp_path / "4", text, "/tini", files).kind == DOWNLOAD
    assert lookup(tmp_path / "5", text, "/opt/app/run.sh", files).kind == ARCHIVE
    # BuildKit reads `../secret.sh` from the context's root: the context's own secret.sh, never the parent's
    assert lookup(tmp_path / "6", text, "/secret.sh", files).kind == CONTEXT
    tool = lookup(tmp_path / "7", text, "/usr/local/bin/tool", files)
    assert (tool.kind, tool.url) == (DOWNLOAD, "https://example.com/tool")


def test_lookups_see_the_files_as_an_instruction_does(tmp_path):
    files_map, parsed = image(tmp_path, "FROM debian\nCOPY e.sh /e.sh\nRUN /e.sh\nRUN rm /e.sh\n", {"e.sh": "x"})
    stage = parsed.stages[0]
    assert files_map.files(stage).lookup_at("/e.sh", 3).kind == CONTEXT
    assert files_map.files(stage).lookup("/e.sh") is DELETED


def test_path_lookup_of_a_bare_name(tmp_path):
    files_map, parsed = image(tmp_path, "FROM debian\nCOPY e.sh /usr/local/bin/\n", {"e.sh": "x"})
    assert files_map.resolve(parsed.stages[0], "e.sh", "/").kind == CONTEXT
    assert files_map.resolve(parsed.stages[0], "docker-entrypoint.sh", "/").kind == BASE


def test_link_cycles_and_long_move_chains_stay_bounded(tmp_path):
    moves = " && ".join(f"mv /f{i} /f{i + 1}" for i in range(200))
    text = f"FROM debian\nRUN ln -s /a /b && ln -s /b /a\nCOPY e.sh /f0\nRUN {moves}\n"
    assert lookup(tmp_path / "1", text, "/a", {"e.sh": "x"}).kind == BASE
    assert lookup(tmp_path / "2", text, "/f200", {"e.sh": "x"}).kind == BASE  # past the depth bound: unknown
    assert lookup(tmp_path / "3", text, "/f10", {"e.sh": "x"}) is DELETED


def test_copy_from_a_stage_with_a_glob(tmp_path):
    text = ("FROM debian AS base\nWORKDIR /srv\nCOPY scripts/* .\n"
            "FROM mono\nWORKDIR /app\nCOPY --from=base /srv/* ./\n")
    files = {"scripts/init.sh": "x", "scripts/conf.txt": "y"}
    assert lookup(tmp_path / "1", text, "/app/init.sh", files).kind == CONTEXT
    assert lookup(tmp_path / "2", text, "/app/missing.sh", files).kind == BASE


def test_brace_groups_expand_only_unquoted_and_within_a_limit():
    from privlint.imagefs import brace_expanded

    assert sorted(brace_expanded("$D/{a,b,*.sh}", "/app/{a,b,*.sh}")) == ["/app/*.sh", "/app/a", "/app/b"]
    assert sorted(brace_expanded("x{1,2}{a,b}", "x{1,2}{a,b}")) == ["x1a", "x1b", "x2a", "x2b"]
    assert brace_expanded('"$D/{a,b}"', "/app/{a,b}") == ["/app/{a,b}"]  # quoted: one literal name
    assert brace_expanded("${V,,}", "${V,,}") == ["${V,,}"]  # a parameter expansion, not a group
    assert brace_expanded("{a,b}" * 10, "{a,b}" * 10, limit=64) == ["{a,b}" * 10]  # 1,024 words: not followed


def test_cd_without_an_argument_goes_home():
    from privlint.imagefs import changed_directory

    assert changed_directory("/src", [], {}) == "~"
    assert changed_directory("/src", [], {"HOME": "/home/app"}) == "/home/app"
    assert changed_directory("/src", ["~/build"], {"HOME": "/root"}) == "/root/build"
    assert changed_directory("/src", ["-P"], {}) == "/src"
    assert changed_directory("/src", ["lib"], {}) == "/src/lib"


def test_a_context_file_that_links_out_of_the_context_is_outside(tmp_path):
    secret = tmp_path / "secret.sh"
    secret.write_text("sudo id\n")
    files_map, parsed = image(tmp_path / "x", "FROM debian\nCOPY link.sh /e.sh\n")
    os.symlink(secret, tmp_path / "x" / "ctx" / "link.sh")  # files are looked at when a path is looked up
    assert files_map.files(parsed.stages[-1]).lookup("/e.sh").kind == OUTSIDE
