"""Command line: parse arguments, lint, pick a reporter, choose the exit code."""

from __future__ import annotations

import os
import sys

from privlint.config import ConfigError, Settings
from privlint.finding import InputError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
    if argv and argv[0] in ("rules", "explain"):  # `startup` is read below, with the linting options
        return _catalogue_command(argv[0], argv[1:])
    from privlint.arguments import USAGE, UsageError, parse

    describing = bool(argv) and argv[0] == "startup"
    if describing:
        argv = argv[1:]
    try:
        args = parse(argv)
    except UsageError as error:
        print(f"{USAGE}\nprivlint: error: {error}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR) from None
    if not args.paths and not args.dockerfile:
        print(USAGE, file=sys.stderr)
        print("privlint: error: give at least one PATH (a Dockerfile, a script or a directory)", file=sys.stderr)
        return EXIT_ERROR
    try:
        groups = _groups(args)
    except ConfigError as error:
        print(f"privlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    for settings, _, _ in groups:
        if settings.context is not None and not os.path.isdir(settings.context):
            print(f"privlint: error: context {settings.context}: not a directory", file=sys.stderr)
            return EXIT_ERROR
    if args.unsafe_fixes and not (args.fix or args.diff) and not args.quiet:
        print("privlint: note: --unsafe-fixes does nothing without --fix or --diff", file=sys.stderr)

    stdin = None
    if "-" in args.paths:
        if args.fix and not args.diff:
            print("privlint: error: --fix cannot write back to standard input: use --diff", file=sys.stderr)
            return EXIT_ERROR
        stdin = _read_stdin(args.stdin_filename or "-")
        if isinstance(stdin, str):
            print(f"privlint: error: standard input: {stdin}", file=sys.stderr)
            return EXIT_ERROR
    if describing:
        return _startup_command(groups, args, stdin)
    result, fails = _lint_groups(groups, args, stdin)
    if args.fix or args.diff:
        from privlint.fixes import fix, unified_diff

        outcome = fix(result.findings, args.unsafe_fixes, write=not args.diff,
                      texts={stdin.path: stdin} if stdin is not None else {})
        for path, message in outcome.errors:
            print(f"privlint: error: {path}: {message}", file=sys.stderr)
        if args.diff:
            sys.stdout.write(unified_diff(outcome.changed))
            return EXIT_ERROR if outcome.errors or result.errors else (EXIT_FINDINGS if outcome.changed else EXIT_CLEAN)
        changed, passes = bool(outcome.changed), 1
        while changed:
            # a fix can reveal another (an `exec` added to start.sh makes the script it hands over to PID 1):
            # lint again and fix again until nothing changes, as ruff does
            result, fails = _lint_groups(groups, args, stdin)
            if passes >= MAX_FIX_PASSES:
                break
            more = fix(result.findings, args.unsafe_fixes, write=True)
            passes += 1
            outcome.applied += more.applied
            outcome.errors += more.errors
            for path, (before, after) in more.changed.items():
                outcome.changed[path] = (outcome.changed.get(path, (before, after))[0], after)
            changed = bool(more.changed)
        if not args.quiet:
            print(f"privlint: fixed {outcome.applied} finding{'s' if outcome.applied != 1 else ''} "
                  f"in {len(outcome.changed)} file{'s' if len(outcome.changed) != 1 else ''}", file=sys.stderr)
        if outcome.errors:
            result.errors += [InputError(path, message) for path, message in outcome.errors]
    result.findings.sort(key=lambda finding: finding.sort_key)
    code = EXIT_ERROR if result.errors else (EXIT_FINDINGS if fails else EXIT_CLEAN)
    return _report(args, result, code)


#: How many times --fix lints and fixes again while each pass still changes something.
MAX_FIX_PASSES = 10


def _groups(args) -> list[tuple[Settings, list[str], list[str]]]:
    """(settings, paths, forced Dockerfiles) per configuration file: each path takes the nearest one above
    it, as ruff does; --config or --isolated give every path the same settings."""
    from privlint.config import find_config

    if args.config or args.isolated:
        return [(_settings(args, args.config), list(args.paths), list(args.dockerfile))]
    grouped: dict[str | None, tuple[list[str], list[str]]] = {}
    for kind, path in [("path", p) for p in args.paths] + [("dockerfile", p) for p in args.dockerfile]:
        start = os.getcwd() if path == "-" else (path if os.path.isdir(path) else os.path.dirname(path) or ".")
        found = find_config(start) if os.path.isdir(start) else find_config(os.getcwd())
        paths, forced = grouped.setdefault(found, ([], []))
        (paths if kind == "path" else forced).append(path)
    return [(_settings(args, found, searched=True), paths, forced) for found, (paths, forced) in grouped.items()]


def _startup_command(groups, args, stdin) -> int:
    """`privlint startup PATH...`: each start-up as privlint read it (rich tree, text outline, or JSON)."""
    result, _ = _lint_groups(groups, args, stdin, describe=True)
    name = args.format
    if name == "auto":
        name = "rich" if sys.stdout.isatty() else "text"
    from privlint.report import startup_report

    startup_report.render(result, sys.stdout, _Options(args, sys.stdout, name), name)
    _errors_to_stderr(result)
    return EXIT_ERROR if result.errors else EXIT_CLEAN


def _lint_groups(groups, args, stdin, describe: bool = False):
    """Lint each group under its settings; (merged result, whether a finding fails its group's fail-on)."""
    from privlint.lint import Linter, Result

    result, fails = Result(), False
    for settings, paths, forced in groups:
        linter = Linter(settings, args.report_unused_ignores, stdin, describe=describe)
        part = linter.lint_paths(paths, forced, args.find_dockerfiles, args.entrypoint)
        fails = fails or any(f.suppressed is None and settings.fails(f.severity) for f in part.findings)
        result.extend(part)
    return result, fails


def _read_stdin(name: str):
    """The text of standard input as a SourceText named `name`, or the reason it cannot be read."""
    from privlint.source import MAX_FILE_BYTES, UnreadableFile, decode_source

    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return f"more than {MAX_FILE_BYTES} bytes: not read"
    try:
        return decode_source(name, data)
    except UnreadableFile as error:
        return str(error)


def _settings(args, path: str | None = None, searched: bool = False) -> Settings:
    """The configuration file's settings (none with --isolated), then the command line on top."""
    from privlint.config import check_rule_ids, load_config
    from privlint.rules import RULES

    all_ids = list(RULES)
    settings = Settings()
    if path and (args.config or searched) and not args.isolated:
        settings = load_config(path, all_ids)
    flags = {}
    for option in ("select", "extend_select", "ignore"):
        value = getattr(args, option)
        if value is not None:
            ids = [part.strip() for part in value.split(",") if part.strip()]
            check_rule_ids(ids, all_ids, f"--{option.replace('_', '-')}")
            flags[option] = ids
    if flags:
        settings.command_line = (flags.get("select"), flags.get("extend_select", []), flags.get("ignore", []))
    if args.fail_on:
        settings.fail_on = args.fail_on
    settings.exclude += args.exclude
    if args.context is not None:
        settings.context = args.context
    for item in args.build_arg:
        name, equals, value = item.partition("=")
        if not name or not equals:
            raise ConfigError(f"--build-arg {item}: give NAME=VALUE")
        settings.build_args[name] = value
    if args.disable_ignore_pragma:
        settings.disable_ignore_pragma = True
    return settings


def _errors_to_stderr(result) -> None:
    """Every file that could not be read or linted gets a line on stderr, whatever the format and -q."""
    from privlint.report.safe import printable

    for error in result.errors:
        print(printable(f"privlint: error: {error.path}: {error.message}"), file=sys.stderr)


def _report(args, result, code: int) -> int:
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
    if args.output is None:
        report.get(name).render(shown, sys.stdout, _Options(args, sys.stdout, name))
        _errors_to_stderr(result)
        return code
    try:
        with open(args.output, "w", encoding="utf-8", newline="\n") as stream:
            report.get(name).render(shown, stream, _Options(args, stream, name))
    except OSError as error:
        print(f"privlint: error: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return EXIT_ERROR
    _errors_to_stderr(result)
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
    names = {module.RULE.name: rule_id for rule_id, module in RULES.items()}
    wanted = rest[0].upper() if len(rest) == 1 and rest[0].upper() in RULES else names.get(rest[0]) if rest else None
    if len(rest) != 1 or wanted is None:
        print(f"privlint: error: explain takes one rule id or name ({', '.join(RULES)}, or e.g. missing-exec)",
              file=sys.stderr)
        return EXIT_ERROR
    text = page(wanted)
    if text is None:
        print(f"privlint: error: the page of {wanted} is missing from this installation", file=sys.stderr)
        return EXIT_ERROR
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        sys.stdout.write(text)
    return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
