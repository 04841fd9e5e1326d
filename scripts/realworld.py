#!/usr/bin/env python3
"""Score privlint on the real-world set: per-finding blind labels, held-out part first.

    python scripts/realworld.py checkout [--mirror DIR] [--src DIR]   # extract each project at its commit
    python scripts/realworld.py score [--src DIR] [--part held-out|tune|all] [--show]
    python scripts/realworld.py fix-check [--src DIR]                 # --fix --unsafe-fixes on a copy
    python scripts/realworld.py agreement                             # two blind labellings compared
    python scripts/realworld.py add --seed N BATCH_DIR...             # a new round of batches, split once

The set is `scripts/realworld/projects.tsv` (repository, commit, split, targets) and
`scripts/realworld/labels.tsv` (repository, file, line, rule: what a reviewer expects, labelled blind from
GUIDE.md and the rule pages). `checkout` reads the git snapshots under --mirror (`owner+name/repo`, as the
session's fetch tool leaves them) and writes work trees under --src; third-party files never enter this
repository (PRIVLINT_REALWORLD_SET names another set folder, for tests). `score` runs privlint on each
project's targets from the project's root, as a user would, and matches findings to labels exactly on (rule,
file, line). `--show` lists every false positive and miss of the part shown. `fix-check` applies every fix to
a copy of the whole set and checks each edit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SET = os.path.join(HERE, "realworld")
RULES = ["PL001", "PL002", "PL003", "PL004", "PL005", "PL006", "PL007", "PL008"]
DEFAULT_SRC = "/work/realworld/src"
DEFAULT_MIRROR = "/work/.mirror"


def _set_folder() -> str:
    return os.environ.get("PRIVLINT_REALWORLD_SET", SET)


def _rows(name: str) -> list[list[str]]:
    with open(os.path.join(_set_folder(), name), encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle if line.strip() and not line.startswith("#")]


def projects() -> list[dict]:
    return [{"repo": r[0], "commit": r[1], "category": r[2], "batch": r[3], "split": r[4],
             "targets": [t for t in r[5].split(",") if t]} for r in _rows("projects.tsv")]


def labels() -> dict[str, set[tuple[str, str, int]]]:
    found: dict[str, set] = defaultdict(set)
    for repo, path, line, rule, *_ in _rows("labels.tsv"):
        found[repo].add((rule, os.path.normpath(path), int(line)))
    return found


def folder(src: str, repo: str) -> str:
    return os.path.join(src, repo.replace("/", "+"))


# -- checkout ------------------------------------------------------------------------------------
def checkout(args) -> int:
    missing = 0
    for project in projects():
        target = folder(args.src, project["repo"])
        if os.path.isdir(target) and os.listdir(target):
            continue
        git_dir = os.path.join(args.mirror, project["repo"].replace("/", "+"), "repo")
        if not os.path.isdir(git_dir):
            print(f"{project['repo']}: no snapshot in {git_dir} (fetch github:{project['repo']} first)")
            missing += 1
            continue
        os.makedirs(target, exist_ok=True)
        if not _extract(git_dir, project["commit"], target):
            print(f"{project['repo']}: some files are absent from the snapshot (large files): extracted the rest")
    return 1 if missing else 0


def _extract(git_dir: str, commit: str, target: str) -> bool:
    """`git archive`, or file by file when the snapshot lacks some blobs (files of 4 MiB and more)."""
    archive = subprocess.run(["git", "--git-dir", git_dir, "archive", commit], capture_output=True)
    if archive.returncode == 0:
        subprocess.run(["tar", "-x", "-C", target], input=archive.stdout, check=True)
        return True
    listing = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=True).stdout.decode("utf-8", "surrogateescape")
    whole = True
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, kind, blob = meta.split()
        if kind != "blob":
            continue
        content = subprocess.run(["git", "--git-dir", git_dir, "cat-file", "blob", blob], capture_output=True)
        if content.returncode != 0:
            whole = False
            continue
        destination = os.path.join(target, path)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        if mode == "120000":
            os.symlink(content.stdout.decode("utf-8", "surrogateescape"), destination)
            continue
        with open(destination, "wb") as handle:
            handle.write(content.stdout)
        if mode == "100755":
            os.chmod(destination, 0o755)
    return whole


# -- score -----------------------------------------------------------------------------------------
def lint(root: str, targets: list[str], extra: list[str] = ()) -> dict:
    present = [t for t in targets if os.path.exists(os.path.join(root, t))]
    run = subprocess.run([sys.executable, "-m", "privlint", "--isolated", "--format", "json", *extra, *present],
                         capture_output=True, text=True, cwd=root,
                         env=dict(os.environ, PYTHONPATH=os.path.dirname(HERE)))
    try:
        report = json.loads(run.stdout)
    except ValueError:
        return {"crash": (run.stderr or run.stdout)[-500:], "findings": [], "errors": [], "notes": []}
    report["exit"] = run.returncode
    return report


def score(args) -> int:
    expected_by_repo = labels()
    parts = ["held-out", "tune"] if args.part == "all" else [args.part]
    crashed = 0
    for part in parts:
        counts = {rule: Counter() for rule in RULES}
        listing = []
        batches = set(filter(None, args.batch.split(",")))
        chosen = [p for p in projects() if p["split"] == part and (not batches or p["batch"] in batches)]
        dockerfiles = 0
        for project in chosen:
            root = folder(args.src, project["repo"])
            if not os.path.isdir(root):
                print(f"{project['repo']}: not checked out (run `checkout`)")
                continue
            dockerfiles += sum(1 for t in project["targets"] if "compose" not in t.lower())
            report = lint(root, project["targets"])
            if report.get("crash") or any("internal error" in e["message"] for e in report["errors"]):
                crashed += 1
                listing.append(f"  CRASH {project['repo']}: {report.get('crash') or report['errors']}")
            found = {(f["rule"], os.path.normpath(f["path"]), f["line"]): f for f in report["findings"]
                     if f["rule"] in RULES}
            expected = expected_by_repo.get(project["repo"], set())
            for key in sorted(set(found) | expected):
                rule = key[0]
                if key in found and key in expected:
                    counts[rule]["tp"] += 1
                elif key in found:
                    counts[rule]["fp"] += 1
                    listing.append(f"  FP {project['repo']} {key[1]}:{key[2]} {rule} {found[key]['message'][:110]}")
                else:
                    counts[rule]["fn"] += 1
                    listing.append(f"  FN {project['repo']} {key[1]}:{key[2]} {rule}")
        print(f"\n{part}: {len(chosen)} projects, {dockerfiles} Dockerfiles")
        print(f"{'rule':<6} {'precision':>9} {'recall':>7}   tp  fp  fn")
        total = Counter()
        for rule in RULES:
            c = counts[rule]
            total.update(c)
            print(_row(rule, c))
        print(_row("all", total))
        if args.show:
            print("\n".join(listing))
    return 1 if crashed else 0


def _row(name: str, c: Counter) -> str:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else float("nan")
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else float("nan")
    return f"{name:<6} {precision:>9.2f} {recall:>7.2f}  {c['tp']:>3} {c['fp']:>3} {c['fn']:>3}"


# -- fix-check ---------------------------------------------------------------------------------------
def fix_check(args) -> int:
    """--fix --unsafe-fixes over a copy of every project; each changed file must stay valid and mean the same."""
    sys.path.insert(0, os.path.dirname(HERE))
    from privlint.dockerfile import parse_dockerfile
    from privlint.filekind import DOCKERFILE, kind_of

    changed = unsafe = 0
    with tempfile.TemporaryDirectory() as work:
        for project in projects():
            root = folder(args.src, project["repo"])
            if not os.path.isdir(root):
                continue
            copy = os.path.join(work, project["repo"].replace("/", "+"))
            shutil.copytree(root, copy, symlinks=True)
            before = _snapshot(copy)
            lint(copy, project["targets"], ["--fix", "--unsafe-fixes"])
            after = _snapshot(copy)
            edited = [path for path in after if before.get(path) != after[path]]
            lint(copy, project["targets"], ["--fix", "--unsafe-fixes"])
            if _snapshot(copy) != after:
                unsafe += 1
                print(f"UNSAFE {project['repo']}: a second --fix changed files again")
            for path in edited:
                changed += 1
                old, new = before.get(path, ""), after[path]
                problem = _check_edit(os.path.join(copy, path), old, new, kind_of(path, old) == DOCKERFILE,
                                      parse_dockerfile)
                status = "UNSAFE" if problem else "ok"
                unsafe += bool(problem)
                print(f"{status:<6} {project['repo']} {path}{': ' + problem if problem else ''}")
    print(f"\n{changed} files changed, {unsafe} unsafe edits")
    return 1 if unsafe else 0


def _snapshot(root: str) -> dict[str, str]:
    files = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as handle:
                files[os.path.relpath(path, root)] = handle.read().decode("utf-8", "surrogateescape")
    return files


def _check_edit(path: str, old: str, new: str, is_dockerfile: bool, parse_dockerfile) -> str | None:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    if len(old_lines) != len(new_lines):
        return "the number of lines changed"
    if is_dockerfile:
        before, after = parse_dockerfile(path, old), parse_dockerfile(path, new)
        pairs = zip([i for s in before.stages for i in s.instructions],
                    [i for s in after.stages for i in s.instructions])
        for a, b in pairs:
            if (a.keyword, a.line) != (b.keyword, b.line):
                return f"instructions moved at line {a.line}"
            if a.value != b.value:
                if a.keyword not in ("ENTRYPOINT", "CMD") or b.exec_form is None:
                    return f"line {a.line}: {a.keyword} changed into something other than exec form"
                shell_words = a.args.split()
                if shell_words[:1] == ["exec"]:
                    shell_words = shell_words[1:]
                if a.exec_form is None and b.exec_form != shell_words:
                    return f"line {a.line}: the JSON form's words differ from the shell form's"
        return None
    for number, (a, b) in enumerate(zip(old_lines, new_lines), 1):
        if a == b:
            continue
        stripped = b.replace("exec ", "", 1)
        if stripped != a:
            return f"line {number}: more than an added `exec `"
    for shell in ("bash", "sh") if new.startswith("#!/bin/sh") else ("bash",):
        checked = subprocess.run([shell, "-n", path], capture_output=True)
        if checked.returncode != 0:
            return f"{shell} -n fails: {checked.stderr.decode(errors='replace').strip()[:120]}"
    return None


# -- agreement ---------------------------------------------------------------------------------------
def agreement(args) -> int:
    """How far the second blind labelling of the held-out part agrees with the first, per rule."""
    batches = set(filter(None, args.batch.split(",")))
    held = {p["repo"] for p in projects() if p["split"] == "held-out" and (not batches or p["batch"] in batches)}
    first = {(repo, key) for repo, keys in labels().items() if repo in held for key in keys}
    second = set()
    for repo, path, line, rule, *_ in _rows("labels-second-heldout.tsv"):
        if repo in held:
            second.add((repo, (rule, os.path.normpath(path), int(line))))
    print(f"{'rule':<6} {'P':>5} {'R':>5}  both only-first only-second   (second labelling scored against the first)")
    for rule in RULES + ["all"]:
        a = {k for k in first if rule == "all" or k[1][0] == rule}
        b = {k for k in second if rule == "all" or k[1][0] == rule}
        if not a and not b:
            continue
        both = len(a & b)
        precision = both / len(b) if b else float("nan")
        recall = both / len(a) if a else float("nan")
        print(f"{rule:<6} {precision:>5.2f} {recall:>5.2f}  {both:>4} {len(a - b):>10} {len(b - a):>11}")
    return 0


# -- add -----------------------------------------------------------------------------------------------
def add(args) -> int:
    """Merge a new round of batch folders (projects.tsv: repo, commit, category, targets; labels.tsv) into the
    set. Its held-out third is drawn once, with random.Random(seed) over the round's sorted repository names,
    so a round measured before any tuning stays comparable with the first round's split."""
    import random

    known = {p["repo"] for p in projects()}
    new_projects, new_labels, problems = [], [], []
    for batch_dir in args.batches:
        batch = os.path.basename(os.path.normpath(batch_dir))
        for repo, commit, category, targets, *_ in _read(os.path.join(batch_dir, "projects.tsv")):
            if repo in known:
                problems.append(f"{repo}: already in the set, skipped")
                continue
            known.add(repo)
            new_projects.append([repo, commit, category, batch, targets])
        repos = {row[0] for row in new_projects}
        for row in _read(os.path.join(batch_dir, "labels.tsv")):
            if len(row) < 6 or row[0] not in repos or not row[2].isdigit():
                problems.append(f"label skipped (malformed or project not added): {row[:4]}")
                continue
            path = os.path.join(folder(args.src, row[0]), row[1])
            if not os.path.isfile(path):
                problems.append(f"label skipped (no such file {row[1]}): {row[:4]}")
                continue
            with open(path, encoding="utf-8", errors="replace") as handle:
                if int(row[2]) > sum(1 for _ in handle):
                    problems.append(f"label skipped (line past the end): {row[:4]}")
                    continue
            new_labels.append(row[:6])
    names = sorted(row[0] for row in new_projects)
    held = set(random.Random(args.seed).sample(names, len(names) // 3))
    with open(os.path.join(_set_folder(), "projects.tsv"), "a", encoding="utf-8") as handle:
        for repo, commit, category, batch, targets in new_projects:
            split = "held-out" if repo in held else "tune"
            handle.write("\t".join([repo, commit, category, batch, split, targets]) + "\n")
    with open(os.path.join(_set_folder(), "labels.tsv"), "a", encoding="utf-8") as handle:
        for row in new_labels:
            handle.write("\t".join(row) + "\n")
    print(f"added {len(new_projects)} projects ({len(held)} held out, seed {args.seed}) and {len(new_labels)} labels")
    print("\n".join(problems))
    return 0


def _read(path: str) -> list[list[str]]:
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle if line.strip() and not line.startswith("#")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["checkout", "score", "fix-check", "agreement", "add"])
    parser.add_argument("--src", default=DEFAULT_SRC, help="where the projects are checked out")
    parser.add_argument("--mirror", default=DEFAULT_MIRROR, help="git snapshots, owner+name/repo")
    parser.add_argument("--part", default="all", choices=["held-out", "tune", "all"])
    parser.add_argument("--show", action="store_true", help="list false positives and misses")
    parser.add_argument("--batch", default="", help="score only these batches (comma-separated letters)")
    parser.add_argument("--seed", type=int, default=None, help="add: the seed of the round's held-out draw")
    parser.add_argument("batches", nargs="*", help="add: batch folders (projects.tsv, labels.tsv)")
    args = parser.parse_intermixed_args()
    if args.command == "add" and (args.seed is None or not args.batches):
        parser.error("add needs --seed and at least one batch folder")
    return {"checkout": checkout, "score": score, "fix-check": fix_check, "agreement": agreement,
            "add": add}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
