"""PL007: code from the network that is run or installed with no checksum or signature check."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.rules.base import Rule, quote

RULE = Rule("PL007", "unverified-download", Severity.WARNING,
            "a downloaded script or binary runs without verification")


def check(startup):
    for download in startup.downloads.downloads:
        if download.tool is not None or not download.reportable:
            continue
        uses = " and ".join(download.uses)
        if any(use.startswith("run by") for use in download.uses) and download.output is None:
            message = f"{quote(download.text, 60)}: a script from the network is {uses}, unverified"
        else:
            message = f"`{download.shown}` (downloaded by {quote(download.text, 40)}) is {uses}, with no checksum " \
                      "or signature check"
        if download.start_time:
            message = "at every container start, " + message
        yield RULE.at(download.path, download.line, download.column, message,
                      "Download to a file, check it against a pinned digest "
                      "(`echo \"$SHA256  file\" | sha256sum -c -`) or its signature (`gpg --verify`), then use it; "
                      "with BuildKit, `ADD --checksum=sha256:...`", related=download.steps)
