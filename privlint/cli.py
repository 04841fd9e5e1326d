"""Command line: parse arguments, lint, pick a reporter, choose the exit code."""

from __future__ import annotations

import argparse
import os
import sys

from privlint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="privlint",
        description="Lint the privilege handover between a Dockerfile and its entrypoint script.",
        epilog="Also: `privlint rules` lists the rules, `privlint explain PL002` shows one. "
               "Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage error or unreadable input.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="Dockerfiles, entrypoint scripts or directories to lint")
    parser.add_argument("--dockerfile", action="append", default=[], metavar="FILE",
                        help="lint FILE as a Dockerfile whatever its name (repeatable)")
    parser.add_argument("--context", metavar="DIR",
                        help="build context for COPY/ADD (default: the Dockerfile's folder)")
    parser.add_argument("--format", choices=("auto", "rich", "text", "json", "sarif"), default="auto",
                        help="output format (auto: rich on a terminal, text otherwise)")
    parser.add_argument("--no-color", action="store_true", help="no colours (also set by NO_COLOR)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print findings only: no notes, no summary")
    parser.add_argument("--version", action="version", version=f"privlint {__version__}")
    return parser


class _Options:
    def __init__(self, args, stream):
        self.quiet = args.quiet
        self.no_color = args.no_color or bool(os.environ.get("NO_COLOR"))
        self.force_terminal = None
        self.stream = stream
        self.rules = []
        if args.format == "sarif":
            from privlint.catalogue_pages import descriptors

            self.rules = descriptors()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in ("rules", "explain"):
        return _catalogue_command(argv[0], argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.paths and not args.dockerfile:
        parser.print_usage(sys.stderr)
        print("privlint: error: give at least one PATH (a Dockerfile, a script or a directory)", file=sys.stderr)
        return EXIT_ERROR
    if args.context is not None and not os.path.isdir(args.context):
        print(f"privlint: error: --context {args.context}: not a directory", file=sys.stderr)
        return EXIT_ERROR

    from privlint.lint import plan_and_lint

    result = plan_and_lint(args.paths, args.dockerfile, args.context)
    result.findings.sort(key=lambda finding: finding.sort_key)

    from privlint import report

    stream = sys.stdout
    name = args.format
    if name == "auto":
        name = "rich" if stream.isatty() else "text"
    report.get(name).render(result, stream, _Options(args, stream))
    return exit_code(result)


def _catalogue_command(command: str, rest: list[str]) -> int:
    """`privlint rules` lists the rules; `privlint explain PL002` shows a rule's page."""
    from privlint.catalogue_pages import page
    from privlint.rules import RULES

    if command == "rules":
        for rule_id, module in RULES.items():
            rule = module.RULE
            print(f"{rule.id}  {rule.name:<26} {rule.severity.label:<8} {rule.summary}")
        return EXIT_CLEAN
    if len(rest) != 1 or rest[0].upper() not in RULES:
        print(f"privlint: error: explain takes one rule id ({', '.join(RULES)})", file=sys.stderr)
        return EXIT_ERROR
    text = page(rest[0])
    if text is None:
        print(f"privlint: error: the page of {rest[0].upper()} is missing from this installation", file=sys.stderr)
        return EXIT_ERROR
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        sys.stdout.write(text)
    return EXIT_CLEAN


def exit_code(result) -> int:
    from privlint.finding import Severity

    if result.errors:
        return EXIT_ERROR
    if any(finding.severity >= Severity.ERROR for finding in result.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
