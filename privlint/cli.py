"""Command line: parse arguments, lint, pick a reporter, choose the exit code."""

from __future__ import annotations

import argparse
import os
import sys

from privlint import __version__
from privlint.config import FAIL_ON, ConfigError, Settings
from privlint.finding import InputError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Formatter(argparse.HelpFormatter):
    """A width from COLUMNS: argparse would import shutil (and bz2, lzma...) on every start to ask."""

    def __init__(self, prog):
        try:
            width = int(os.environ.get("COLUMNS", "100"))
        except ValueError:
            width = 100
        super().__init__(prog, width=max(40, width) - 2)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="privlint",
        formatter_class=_Formatter,
        description="Lint the privilege handover between a Dockerfile and its entrypoint script.",
        epilog="Also: `privlint rules` lists the rules, `privlint explain PL002` shows one. "
               "Exit codes: 0 nothing that fails, 1 findings that fail (--fail-on), "
               "2 usage or configuration error, or an input that could not be read.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="Dockerfiles, entrypoint scripts or directories to lint")
    parser.add_argument("--dockerfile", action="append", default=[], metavar="FILE",
                        help="lint FILE as a Dockerfile whatever its name (repeatable)")
    parser.add_argument("--context", metavar="DIR",
                        help="build context for COPY/ADD (default: the Dockerfile's folder)")
    parser.add_argument("--format", choices=FORMATS, default="auto",
                        help="output format (auto: github under GitHub Actions, rich on a terminal, else text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (summary still printed)")
    parser.add_argument("--no-color", action="store_true", help="no colours (also set by NO_COLOR)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print findings only: no notes, no summary")
    rules = parser.add_argument_group("rules and configuration")
    rules.add_argument("--config", metavar="FILE", help="read settings from FILE instead of searching for one")
    rules.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    rules.add_argument("--select", metavar="IDS", help="only these rules (comma-separated ids or prefixes)")
    rules.add_argument("--extend-select", metavar="IDS", help="these rules too")
    rules.add_argument("--ignore", metavar="IDS", help="not these rules")
    rules.add_argument("--fail-on", choices=FAIL_ON, help="lowest severity that makes the exit code 1 (default: error)")
    rules.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="skip files matching GLOB (repeatable)")
    rules.add_argument("--disable-ignore-pragma", action="store_true",
                       help="ignore every inline `# privlint ignore=` pragma")
    parser.add_argument("--find-dockerfiles", action="store_true",
                        help="lint each script given alone with the Dockerfiles below the repository root "
                             "that use it as entrypoint (what the pre-commit hook does)")
    rules.add_argument("--report-unused-ignores", action="store_true",
                       help="report pragmas that silence nothing (PL901)")
    fixing = parser.add_argument_group("fixes")
    fixing.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what is left")
    fixing.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: the unsafe fixes too")
    fixing.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff and write nothing (exit 1 when there are some)")
    parser.add_argument("--version", action="version", version=f"privlint {__version__}")
    return parser


FORMATS = ("auto", "rich", "text", "json", "sarif", "github")


class _Options:
    """What a reporter may know of the command line: presentation only."""

    def __init__(self, args, stream, name):
        self.quiet = args.quiet
        self.no_color = args.no_color or bool(os.environ.get("NO_COLOR")) or args.output is not None
        self.force_terminal = None
        self.stream = stream
        self.rules = []
        if name == "sarif":
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
    try:
        settings = _settings(args)
    except ConfigError as error:
        print(f"privlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if settings.context is not None and not os.path.isdir(settings.context):
        print(f"privlint: error: context {settings.context}: not a directory", file=sys.stderr)
        return EXIT_ERROR

    from privlint.lint import Linter

    linter = Linter(settings, args.report_unused_ignores)
    result = linter.lint_paths(args.paths, args.dockerfile, args.find_dockerfiles)
    if args.fix or args.diff:
        from privlint.fixes import fix, unified_diff

        outcome = fix(result.findings, args.unsafe_fixes, write=not args.diff)
        for path, message in outcome.errors:
            print(f"privlint: error: {path}: {message}", file=sys.stderr)
        if args.diff:
            sys.stdout.write(unified_diff(outcome.changed))
            return EXIT_ERROR if outcome.errors or result.errors else (EXIT_FINDINGS if outcome.changed else EXIT_CLEAN)
        if outcome.changed:
            result = linter.lint_paths(args.paths, args.dockerfile, args.find_dockerfiles)
        if not args.quiet:
            print(f"privlint: fixed {outcome.applied} finding{'s' if outcome.applied != 1 else ''} "
                  f"in {len(outcome.changed)} file{'s' if len(outcome.changed) != 1 else ''}", file=sys.stderr)
        if outcome.errors:
            result.errors += [InputError(path, message) for path, message in outcome.errors]
    result.findings.sort(key=lambda finding: finding.sort_key)
    return _report(args, result, settings)


def _settings(args) -> Settings:
    """Configuration file (unless --isolated), then the command line on top."""
    from privlint.config import check_rule_ids, find_config, load_config
    from privlint.rules import RULES

    all_ids = list(RULES)
    settings = Settings()
    if args.config:
        settings = load_config(args.config, all_ids)
    elif not args.isolated:
        found = find_config(os.getcwd())
        if found:
            settings = load_config(found, all_ids)
    for option in ("select", "extend_select", "ignore"):
        value = getattr(args, option)
        if value is not None:
            ids = [part.strip() for part in value.split(",") if part.strip()]
            check_rule_ids(ids, all_ids, f"--{option.replace('_', '-')}")
            if option == "select":
                settings.select = ids
            else:
                getattr(settings, option).extend(ids)
    if args.fail_on:
        settings.fail_on = args.fail_on
    settings.exclude += args.exclude
    if args.context is not None:
        settings.context = args.context
    if args.disable_ignore_pragma:
        settings.disable_ignore_pragma = True
    return settings


def _report(args, result, settings) -> int:
    from privlint import report

    name = args.format
    if name == "auto":
        if os.environ.get("GITHUB_ACTIONS") == "true":
            name = "github"
        elif args.output is None and sys.stdout.isatty():
            name = "rich"
        else:
            name = "text"
    shown = result if name == "sarif" else result.without_suppressed()
    code = exit_code(result, settings)
    if args.output is None:
        report.get(name).render(shown, sys.stdout, _Options(args, sys.stdout, name))
        return code
    try:
        with open(args.output, "w", encoding="utf-8", newline="\n") as stream:
            report.get(name).render(shown, stream, _Options(args, stream, name))
    except OSError as error:
        print(f"privlint: error: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return EXIT_ERROR
    if not args.quiet:
        print(result.summary() + f"; report written to {args.output}", file=sys.stderr)
    return code


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


def exit_code(result, settings: Settings | None = None) -> int:
    settings = settings or Settings()
    if result.errors:
        return EXIT_ERROR
    if any(f.suppressed is None and settings.fails(f.severity) for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
