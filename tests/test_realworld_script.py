"""scripts/realworld.py: per-finding scoring by part, and the fix check, on a small set of fixtures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _set(tmp_path: Path, projects: list[tuple[str, str, str]], labels: list[str]) -> dict:
    """A set folder and a source folder holding copies of fixtures as `owner+name` projects."""
    folder, src = tmp_path / "set", tmp_path / "src"
    folder.mkdir()
    rows = []
    for repo, fixture, split in projects:
        shutil.copytree(ROOT / "fixtures" / fixture, src / repo.replace("/", "+"))
        rows.append(f"{repo}\t0000\ttest\tT\t{split}\tDockerfile")
    (folder / "projects.tsv").write_text("\n".join(rows) + "\n")
    (folder / "labels.tsv").write_text("\n".join(labels) + "\n")
    return dict(os.environ, PRIVLINT_REALWORLD_SET=str(folder))


def _run(environment: dict, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "realworld.py"), *args, "--src",
                           str(tmp_path / "src")], capture_output=True, text=True, cwd=ROOT, env=environment)


def test_score_matches_rule_file_and_line_per_part(tmp_path):
    environment = _set(tmp_path, [("a/demo", "demo", "held-out"),
                                  ("b/redis", "ok-official-redis-style-conditional-drop", "tune")],
                       ["a/demo\tdocker-entrypoint.sh\t12\tPL002\terror\tgosu without exec",
                        "a/demo\tDockerfile\t99\tPL003\terror\ta wrong line: a miss and a false positive",
                        "b/redis\tdocker-entrypoint.sh\t3\tPL002\terror\tlabelled, not found: a miss"])
    run = _run(environment, tmp_path, "score", "--show")
    assert run.returncode == 0, run.stderr
    held, tune = run.stdout.split("\ntune:")
    assert held.index("held-out") < len(held)
    rows = {line.split()[0]: line.split()[1:] for line in held.splitlines() if line.startswith(("PL00", "all"))}
    assert rows["PL002"][2:] == ["1", "0", "0"]
    assert rows["PL003"][2] == "0" and rows["PL003"][4] == "1"
    assert "FN a/demo Dockerfile:99 PL003" in held
    tune_rows = {line.split()[0]: line.split()[1:] for line in tune.splitlines() if line.startswith("PL00")}
    assert tune_rows["PL002"][2:] == ["0", "0", "1"]


def test_fix_check_accepts_exec_and_json_form_edits(tmp_path):
    environment = _set(tmp_path, [("a/demo", "demo", "held-out")], [])
    run = _run(environment, tmp_path, "fix-check")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 unsafe edits" in run.stdout
    assert "ok     a/demo docker-entrypoint.sh" in run.stdout


def test_add_merges_a_round_with_a_seeded_split_and_checks_labels(tmp_path):
    environment = _set(tmp_path, [("a/demo", "demo", "held-out")], [])
    batch = tmp_path / "H"
    batch.mkdir()
    names = [f"n{i}/p" for i in range(6)]
    for name in names:
        shutil.copytree(ROOT / "fixtures" / "demo", tmp_path / "src" / name.replace("/", "+"))
    (batch / "projects.tsv").write_text("".join(f"{n}\tc0\tcat\tDockerfile\n" for n in names + ["a/demo"]))
    (batch / "labels.tsv").write_text("n0/p\tdocker-entrypoint.sh\t12\tPL002\terror\tok\n"
                                      "n1/p\tdocker-entrypoint.sh\t9999\tPL002\terror\tpast the end\n"
                                      "n2/p\tmissing.sh\t1\tPL002\terror\tno such file\n")
    run = _run(environment, tmp_path, "add", "--seed", "7", str(batch))
    assert run.returncode == 0, run.stderr
    assert "added 6 projects (2 held out, seed 7) and 1 labels" in run.stdout
    assert "a/demo: already in the set" in run.stdout and "past the end" in run.stdout
    rows = [line.split("\t") for line in (tmp_path / "set" / "projects.tsv").read_text().splitlines()]
    splits = {row[0]: row[4] for row in rows[1:]}
    assert sorted(splits.values()).count("held-out") == 2 and all(row[3] == "H" for row in rows[1:])
    # the draw depends only on the seed and the names: a second set gets the same split
    (tmp_path / "again").mkdir()
    again = _set(tmp_path / "again", [("a/demo", "demo", "held-out")], [])
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "realworld.py"), "add", "--seed", "7", str(batch),
                          "--src", str(tmp_path / "src")], capture_output=True, text=True, cwd=ROOT, env=again)
    rows = [line.split("\t") for line in (tmp_path / "again" / "set" / "projects.tsv").read_text().splitlines()]
    assert {row[0]: row[4] for row in rows[1:]} == splits
    scored = _run(environment, tmp_path, "score", "--batch", "H", "--part", "tune")
    assert "tune: 4 projects" in scored.stdout
