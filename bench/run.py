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
- large shapes, each at n and 4n: a Dockerfile of n instructions (ENV, WORKDIR, COPY to /tmp then RUN
  mv into PATH, ARG, downloads), a script of n nested function calls, a script sourcing a chain of n
  files: time must grow linearly (4x the input, at most ~4x the time) and no run may end in an internal
  error (`--shapes-only` runs just these).
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


def shape_dockerfile(folder: Path, n: int) -> Path:
    lines = ["FROM debian:bookworm AS base", "ARG VERSION=1.0", "ENV APP_HOME=/opt/app"]
    for i in range(n):
        lines.append([f"ENV VAR{i}=${{APP_HOME}}/v{i}", f"WORKDIR /opt/w{i}", f"COPY entrypoint.sh /tmp/e{i}.sh",
                      f"RUN mv /tmp/e{i - 1}.sh /usr/local/bin/e{i}.sh && chmod +x /usr/local/bin/e{i}.sh",
                      f"ARG A{i}=${{VAR{i - 4}}}",
                      f"RUN curl -fsSLo /opt/f{i}.tgz https://example.com/{i}.tgz && tar -xzf /opt/f{i}.tgz"][i % 6])
    lines += ["USER app", f'ENTRYPOINT ["e{max(3, (n // 6) * 6 - 3)}.sh"]']
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "entrypoint.sh").write_text('#!/bin/sh\nexec "$@"\n')
    (folder / "Dockerfile").write_text("\n".join(lines) + "\n")
    return folder / "Dockerfile"


def shape_call_chain(folder: Path, n: int) -> Path:
    lines = ["#!/bin/sh", "set -e"] + [f'f{i}() {{ f{i + 1} "$@"; }}' for i in range(n)]
    lines += [f'f{n}() {{ exec "$@"; }}', 'f0 "$@"']
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "entrypoint.sh").write_text("\n".join(lines) + "\n")
    return folder / "entrypoint.sh"


def shape_source_chain(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"lib{i}.sh").write_text(f"helper{i}() {{ :; }}\n. ./lib{i + 1}.sh\n")
    (folder / f"lib{n}.sh").write_text("last() { :; }\n")
    (folder / "entrypoint.sh").write_text('#!/bin/sh\n. ./lib0.sh\nexec "$@"\n')
    return folder / "entrypoint.sh"


SHAPES = [("Dockerfile instructions", shape_dockerfile, 800), ("nested function calls", shape_call_chain, 400),
          ("sourced-file chain", shape_source_chain, 200)]


def run_shapes(privlint: str, work: Path, runs: int = 3) -> bool:
    """Time each shape at n and 4n; True when every run ended without an internal error."""
    healthy = True
    print(f"{'shape':<28} {'n':>6} {'median ms':>10} {'4n':>6} {'median ms':>10} {'ratio':>6}")
    for name, make, n in SHAPES:
        medians = []
        for size in (n, 4 * n):
            target = make(work / "shapes" / f"{make.__name__}-{size}", size)
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                run = subprocess.run([privlint, "--isolated", "--format", "text", target.name], cwd=target.parent,
                                     capture_output=True, text=True)
                samples.append(time.perf_counter() - started)
                healthy = healthy and "internal error" not in run.stdout + run.stderr and run.returncode in (0, 1)
            medians.append(statistics.median(samples))
        print(f"{name:<28} {n:>6} {medians[0] * 1000:>10.1f} {4 * n:>6} {medians[1] * 1000:>10.1f} "
              f"{medians[1] / medians[0]:>6.2f}")
    print("internal errors: none" if healthy else "internal errors: SOME RUNS FAILED")
    return healthy


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
    parser.add_argument("--shapes-only", action="store_true", help="only the large-shape linearity runs")
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
    if args.shapes_only:
        healthy = run_shapes(privlint, work)
        if not args.keep:
            shutil.rmtree(work)
        return 0 if healthy else 1
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
    print()
    run_shapes(privlint, work)
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
