"""The command line's options as a table, and a parser for them.

argparse costs ~10 ms of every start (gettext and its regular expressions, locale, building
the parser), a sixth of privlint's cold start on a pre-commit hook; this table-driven parser
does the same job for privlint's plain options: long and short names, `--opt=value`,
repeatable options, choices, `--` and `-h`/`--version`.
"""

from __future__ import annotations

import os
import sys

FLAG, VALUE, APPEND = "flag", "value", "append"

from privlint.report import FORMATS  # noqa: E402 - the reporters' names, kept beside them

FAIL_ON = ("error", "warning", "info", "never")

#: (names, kind, metavar or choices, help, section)
OPTIONS = [
    (("--dockerfile",), APPEND, "FILE", "lint FILE as a Dockerfile whatever its name (repeatable)", ""),
    (("--entrypoint",), VALUE, "FILE", "lint FILE as the entrypoint script of the one Dockerfile given", ""),
    (("--stdin-filename",), VALUE, "NAME", "the name of the file read from standard input (`privlint -`)", ""),
    (("--context",), VALUE, "DIR", "build context for COPY/ADD (default: the Dockerfile's folder)", ""),
    (("--build-arg",), APPEND, "NAME=VALUE", "a value for the Dockerfile's ARG NAME, as `docker build --build-arg` "
                                            "gives it (repeatable)", ""),
    (("--format", "-f"), VALUE, FORMATS, "output format (auto: github under GitHub Actions, rich on a terminal, "
                                    "else text)", ""),
    (("--output", "-o"), VALUE, "FILE", "write the report to FILE (the summary is still printed)", ""),
    (("--no-color",), FLAG, None, "no colours (also set by NO_COLOR)", ""),
    (("--quiet", "-q"), FLAG, None, "print findings only: no notes, no summary", ""),
    (("--find-dockerfiles",), FLAG, None, "lint each script given alone with the Dockerfiles below the "
                                          "repository root that run it (what the pre-commit hook does)", ""),
    (("--config",), VALUE, "FILE", "read settings from FILE instead of searching for one", "rules"),
    (("--isolated",), FLAG, None, "ignore every configuration file", "rules"),
    (("--select",), VALUE, "IDS", "only these rules (comma-separated ids or prefixes, or ALL)", "rules"),
    (("--extend-select",), VALUE, "IDS", "these rules too", "rules"),
    (("--ignore",), VALUE, "IDS", "not these rules", "rules"),
    (("--fail-on",), VALUE, FAIL_ON, "lowest severity that makes the exit code 1 (default: error)", "rules"),
    (("--exclude",), APPEND, "GLOB", "skip files matching GLOB (repeatable)", "rules"),
    (("--disable-ignore-pragma",), FLAG, None, "ignore every inline `# privlint ignore=` pragma", "rules"),
    (("--report-unused-ignores",), FLAG, None, "report pragmas that silence nothing (PL901)", "rules"),
    (("--fix",), FLAG, None, "apply the safe fixes, then report what is left", "fixes"),
    (("--unsafe-fixes",), FLAG, None, "with --fix or --diff: the unsafe fixes too", "fixes"),
    (("--diff",), FLAG, None, "print the fixes as a unified diff, write nothing (exit 1 if there are some)",
     "fixes"),
]

USAGE = ("usage: privlint [OPTIONS] PATH...\n       privlint startup [OPTIONS] PATH...\n"
         "       privlint rules | privlint explain RULE")
DESCRIPTION = "Lint the privilege handover between a Dockerfile and its entrypoint script."
EPILOG = ("Exit codes: 0 nothing that fails, 1 findings that fail (--fail-on), 2 usage or configuration "
          "error, or an input that could not be read.")
DEFAULTS = {"format": "auto"}


class UsageError(Exception):
    """A command line privlint cannot read; the message says why."""


class Arguments:
    """The parsed command line: one attribute per option (dashes become underscores), and `paths`."""

    def __init__(self):
        self.paths: list[str] = []
        for names, kind, _, _, _ in OPTIONS:
            value = [] if kind == APPEND else (False if kind == FLAG else DEFAULTS.get(_dest(names)))
            setattr(self, _dest(names), value)


def _dest(names) -> str:
    return names[0].lstrip("-").replace("-", "_")


def _lookup() -> dict[str, tuple]:
    return {name: option for option in OPTIONS for name in option[0]}


def parse(argv: list[str]) -> Arguments:
    """Read argv; raises UsageError, or SystemExit(0) after printing --help or --version."""
    args = Arguments()
    table = _lookup()
    index = 0
    while index < len(argv):
        word = argv[index]
        index += 1
        if word == "--":
            args.paths += argv[index:]
            break
        if word in ("-h", "--help"):
            sys.stdout.write(help_text())
            raise SystemExit(0)
        if word == "--version":
            from privlint import __version__

            sys.stdout.write(f"privlint {__version__}\n")
            raise SystemExit(0)
        if not word.startswith("-") or word == "-":
            args.paths.append(word)
            continue
        name, has_value, inline = word.partition("=") if word.startswith("--") else (word, False, "")
        option = table.get(name)
        if option is None:
            raise UsageError(f"unrecognized option: {word}")
        names, kind, choices, _, _ = option
        if kind == FLAG:
            if has_value:
                raise UsageError(f"{name} takes no value")
            setattr(args, _dest(names), True)
            continue
        if has_value:
            value = inline
        elif index < len(argv):
            value, index = argv[index], index + 1
        else:
            raise UsageError(f"{name} needs a value")
        if isinstance(choices, tuple) and value not in choices:
            raise UsageError(f"{name}: invalid choice {value!r} (choose from {', '.join(choices)})")
        if kind == APPEND:
            getattr(args, _dest(names)).append(value)
        else:
            setattr(args, _dest(names), value)
    return args


def help_text() -> str:
    width = _width()
    lines = [USAGE, "", DESCRIPTION, "", "arguments:", _row("PATH", "Dockerfiles, entrypoint scripts or "
                                                            "directories to lint", width)]
    sections = {"": "options:", "rules": "rules and configuration:", "fixes": "fixes:"}
    for section, title in sections.items():
        lines += ["", title]
        if section == "":
            lines += [_row("-h, --help", "show this help and exit", width),
                      _row("--version", "show the version and exit", width)]
        for names, kind, meta, text, where in OPTIONS:
            if where != section:
                continue
            label = ", ".join(names)
            if kind != FLAG:
                label += " " + ("{" + ",".join(meta) + "}" if isinstance(meta, tuple) else meta)
            lines.append(_row(label, text, width))
    lines += ["", "Also: `privlint rules` lists the rules, `privlint explain PL002` shows one, and "
                  "`privlint startup PATH` shows each start-up as privlint reads it.", EPILOG, ""]
    return "\n".join(lines)


def _row(label: str, text: str, width: int) -> str:
    import textwrap

    column = 30
    body = textwrap.wrap(text, max(20, width - column))
    first = f"  {label}"
    if len(first) >= column - 1:
        return "\n".join([first] + [" " * column + line for line in body])
    return "\n".join([first.ljust(column) + body[0]] + [" " * column + line for line in body[1:]])


def _width() -> int:
    try:
        return max(60, int(os.environ.get("COLUMNS", "100")))
    except ValueError:
        return 100
