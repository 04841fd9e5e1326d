"""PL007: a remote script piped into a shell, or a downloaded file made executable unverified."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.rules.base import Rule, quote

RULE = Rule("PL007", "unverified-download", Severity.WARNING,
            "a downloaded script or binary runs without verification")


def check(startup):
    downloads = startup.downloads
    for pipe in downloads.pipes:
        yield RULE.at(pipe.command.path, pipe.command.line, pipe.command.column,
                      f"{quote(pipe.command.text, 50)} is run by {pipe.shell} straight from the network, unverified",
                      "Download to a file, check it against a pinned sha256 (`sha256sum -c`), then run it")
    for download in downloads.downloads:
        if download.tool is not None or download.command is None:
            continue
        if downloads.is_made_executable(download) and not downloads.is_verified(download):
            yield RULE.at(download.path, download.line, download.column,
                          f"{quote(download.text, 50)} downloads a file that is made executable with no "
                          "checksum or signature check",
                          "Verify it before use: `echo \"$SHA256  file\" | sha256sum -c -` with a pinned hash, "
                          "or `gpg --verify` its signature")
