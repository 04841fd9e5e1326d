"""The command-line parser: the forms users type, and loud usage errors (exit 2)."""

from __future__ import annotations

import pytest

from privlint.arguments import UsageError, parse
from privlint.cli import main


def test_forms():
    args = parse(["--format=json", "-o", "out.txt", "--exclude", "a", "--exclude=b", "-q", "Dockerfile",
                  "--", "--weird-name.sh"])
    assert (args.format, args.output, args.exclude, args.quiet) == ("json", "out.txt", ["a", "b"], True)
    assert args.paths == ["Dockerfile", "--weird-name.sh"]
    assert parse([]).format == "auto" and parse([]).dockerfile == []


@pytest.mark.parametrize("argv, message", [
    (["--colour"], "unrecognized option: --colour"),
    (["--format"], "--format needs a value"),
    (["--format", "xml"], "invalid choice 'xml'"),
    (["--fix=yes"], "--fix takes no value"),
])
def test_usage_errors(argv, message):
    with pytest.raises(UsageError, match=message):
        parse(argv)


def test_usage_error_exits_2_with_the_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--colour", "x"])
    assert exit_info.value.code == 2
    assert "usage: privlint" in capsys.readouterr().err


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    for option in ("--fail-on {error,warning,info,never}", "--unsafe-fixes", "--find-dockerfiles", "PATH"):
        assert option in out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("privlint 0.")
