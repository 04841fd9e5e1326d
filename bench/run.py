#!/usr/bin/env python3
"""Benchmark privlint (and hadolint, when it is on PATH) as whole processes.

    python bench/run.py [--pairs 1000] [--runs 15] [--bulk-runs 3] [--keep DIR] [--install]

--install measures privlint as users get it: a fresh venv with `pip install .[bench]` (not the
editable install of development, whose import hook adds ~15 ms to every start).

Builds a corpus of Dockerfile+entrypoint pairs from fixtures/ with deterministic variations
(user names, padding, lengths), then measures, interleaving the tools run by run:
- cold start: `privlint --format text Dockerfile entrypoint.sh` on an official-style pair (as under
  pre-commit), `--format rich` on the same, and `hadolint Dockerfile` alone;
- bulk: one invocation over every pair of the corpus, and hadolint over the same Dockerfiles;
- peak RSS of each process.
It prints min / median / max and the ratios the speed targets are stated in.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
OFFICIAL_STYLE = FIXTURES / "ok-postgres-style-main-with-is-sourced-guard"


def build_corpus(target: Path, pairs: int) -> list[Path]:
    """`pairs` folders, each a fixture case with its names, users and length varied by its index."""
    cases = sorted(p for p in FIXTURES.iterdir() if (p / "Dockerfile").is_file())
    dockerfiles = []
    for index in range(pairs):
        case = cases[index % len(cases)]
        folder = target / f"pair{index:05d}"
        shutil.copytree(case, folder, ignore=shutil.ignore_patterns("expected", "args"))
        for path in folder.rglob("*"):
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="surrogateescape")
                text = text.replace(" app ", f" app{index} ").replace("USER app\n", f"USER app{index}\n")
                if path.name == "Dockerfile":
                    text += f"# variation {index}\n" + "LABEL padding=\"x\"\n" * (index % 5)
                else:
                    text += "\n" + "# padding\n" * (index % 9)
                path.write_text(text, encoding="utf-8", errors="surrogateescape")
        dockerfiles.append(folder / "Dockerfile")
    return dockerfiles


def measure(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run of `command` as a child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = 0
    return elapsed, usage.ru_maxrss


def summary(samples: list[float]) -> str:
    return (f"{min(samples) * 1000:8.1f} {statistics.median(samples) * 1000:8.1f} "
            f"{max(samples) * 1000:8.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15, help="cold-start runs per tool")
    parser.add_argument("--bulk-runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    parser.add_argument("--install", action="store_true", help="measure a regular (wheel) install in a new venv")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="privlint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bindir = os.path.dirname(sys.executable)
    if args.install:
        import venv

        venv.create(work / "venv", with_pip=True)
        bindir = str(work / "venv" / "bin")
        subprocess.run([os.path.join(bindir, "pip"), "install", "-q", f"{ROOT}[bench]"], check=True)
    privlint = shutil.which("privlint", path=bindir) or shutil.which("privlint")
    hadolint = shutil.which("hadolint", path=bindir) or shutil.which("hadolint")
    if privlint is None:
        print("privlint is not installed next to this Python", file=sys.stderr)
        return 2
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    dockerfiles = build_corpus(corpus, args.pairs)
    pair = OFFICIAL_STYLE

    rows: dict[str, list[float]] = {}
    rss: dict[str, int] = {}

    def record(name: str, command: list[str], cwd: Path) -> None:
        elapsed, peak = measure(command, cwd)
        rows.setdefault(name, []).append(elapsed)
        rss[name] = max(rss.get(name, 0), peak)

    for _ in range(args.runs):
        record("cold: privlint text (pair)", [privlint, "--isolated", "--format", "text", "Dockerfile",
                                              "docker-entrypoint.sh"], pair)
        record("cold: privlint rich (pair)", [privlint, "--isolated", "--format", "rich", "Dockerfile",
                                              "docker-entrypoint.sh"], pair)
        if hadolint:
            record("cold: hadolint (Dockerfile)", [hadolint, "--no-fail", "Dockerfile"], pair)
    for _ in range(args.bulk_runs):
        record(f"bulk: privlint {args.pairs} pairs", [privlint, "--isolated", "--format", "text", "."], corpus)
        if hadolint:
            record(f"bulk: hadolint {args.pairs} Dockerfiles",
                   [hadolint, "--no-fail", *[str(p.relative_to(corpus)) for p in dockerfiles]], corpus)

    mode = "wheel install" if args.install else "this environment's install"
    print(f"corpus: {args.pairs} pairs; {os.cpu_count()} cores; python {sys.version.split()[0]}; privlint: {mode}")
    print(f"{'measure':<36} {'min ms':>8} {'median':>8} {'max ms':>8} {'peak RSS':>10}")
    for name, samples in rows.items():
        print(f"{name:<36} {summary(samples)} {rss[name] / 1024:>8.1f} MiB")
    median = {name: statistics.median(samples) for name, samples in rows.items()}
    if hadolint:
        cold = median["cold: privlint text (pair)"] / median["cold: hadolint (Dockerfile)"]
        bulk = median[f"bulk: hadolint {args.pairs} Dockerfiles"] / median[f"bulk: privlint {args.pairs} pairs"]
        print(f"cold start ratio privlint/hadolint: {cold:.2f} (target <= 1.0)")
        print(f"bulk throughput privlint vs hadolint: {bulk:.1f}x (target >= 10)")
    else:
        print("hadolint not on PATH (pip install -e '.[bench]'): no ratios")
    print(f"per pair in bulk: {median[f'bulk: privlint {args.pairs} pairs'] / args.pairs * 1000:.2f} ms")
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
