#!/usr/bin/env python3
"""Run privlint over a folder of real images and print one table row per Dockerfile.

    python scripts/realworld.py MIRROR_DIR [--labels labels.tsv]

MIRROR_DIR holds checked-out image repositories (docker-library/redis, ...); every Dockerfile
below it is linted with its entrypoint found by auto-resolution, exactly as a user would run
`privlint Dockerfile`. With --labels (a TSV: path relative to MIRROR_DIR, then the expected
rule ids separated by commas, `-` for none), it also prints precision and recall per rule.
Third-party sources stay outside this repository; only this script and the labels live here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter

RULES = ["PL001", "PL002", "PL003", "PL004", "PL005", "PL006", "PL007"]


def lint(dockerfile: str) -> dict:
    run = subprocess.run([sys.executable, "-m", "privlint", "--isolated", "--format", "json", dockerfile],
                         capture_output=True, text=True)
    try:
        report = json.loads(run.stdout)
    except ValueError:
        return {"crash": (run.stderr or run.stdout)[-300:], "findings": [], "notes": [], "errors": []}
    report["exit"] = run.returncode
    return report


def dockerfiles(root: str) -> list[str]:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from privlint.discover import find_dockerfiles

    return find_dockerfiles(root, [])


def read_labels(path: str) -> dict[str, set[str]]:
    labels = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            image, _, expected = line.rstrip("\n").partition("\t")
            labels[image] = set() if expected.strip() in ("", "-") else {r.strip() for r in expected.split(",")}
    return labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirror")
    parser.add_argument("--labels")
    args = parser.parse_args()
    labels = read_labels(args.labels) if args.labels else None
    paths = sorted(labels) if labels is not None else [os.path.relpath(p, args.mirror)
                                                        for p in dockerfiles(args.mirror)]
    counts = {rule: Counter() for rule in RULES}
    print(f"{'image':<60} {'found':<28} {'expected':<20} notes")
    for relative in paths:
        report = lint(os.path.join(args.mirror, relative))
        found = {f["rule"] for f in report["findings"] if f["rule"] in RULES}
        parse = sum(1 for f in report["findings"] if f["rule"] == "PL900")
        notes = "; ".join(filter(None, [report.get("crash"), f"PL900 x{parse}" if parse else "",
                                        *(n["message"][:60] for n in report["notes"])]))
        expected = labels.get(relative, set()) if labels is not None else None
        shown = ",".join(sorted(expected)) if expected is not None else ""
        print(f"{relative:<60} {','.join(sorted(found)) or '-':<28} {shown:<20} {notes}")
        if expected is not None:
            for rule in RULES:
                key = ("tp" if rule in expected else "fp") if rule in found else ("fn" if rule in expected else "tn")
                counts[rule][key] += 1
    if labels is not None:
        print()
        print(f"{'rule':<6} {'precision':>9} {'recall':>7}   tp  fp  fn")
        for rule in RULES:
            c = counts[rule]
            precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
            recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
            print(f"{rule:<6} {precision:>9.2f} {recall:>7.2f}  {c['tp']:>3} {c['fp']:>3} {c['fn']:>3}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
