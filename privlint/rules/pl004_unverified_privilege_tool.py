"""PL004: gosu, su-exec, tini, dumb-init (and other init and drop tools) downloaded unverified."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.rules.base import Rule, quote
from privlint.trail import tool_use

RULE = Rule("PL004", "unverified-privilege-tool", Severity.ERROR,
            "a privilege or init tool is downloaded without verification")


def check(startup):
    user = startup.user
    root = user is None or user.is_root
    for download in startup.downloads.downloads:
        if download.tool is None or download.verified or download.key or download.read_as_data:
            continue
        how = "ADD" if download.text.startswith("ADD ") else quote(download.text, 50)
        used = tool_use(startup, download.tool)
        if "compiled" in download.uses:
            harm = "the source is compiled as it came, so an altered tree builds an altered tool"
        elif not used:
            harm = "an altered binary would be installed in the image"
        elif root:
            harm = "an altered binary would run as root in every container"
        else:
            harm = "an altered binary would run first in every container"
        when = " at every container start" if download.start_time else ""
        yield RULE.at(download.path, download.line, download.column,
                      f"{download.tool} is downloaded{when} by {how} with no gpg or checksum verification: {harm}",
                      f"Install {download.tool} from the distribution's packages, or verify it: "
                      "`gpg --batch --verify` its .asc with the full key fingerprint, "
                      "`sha256sum -c` a pinned hash, or `ADD --checksum=sha256:...`",
                      related=download.steps + used)
