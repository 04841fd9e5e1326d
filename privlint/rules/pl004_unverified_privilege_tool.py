"""PL004: gosu, su-exec, tini or dumb-init downloaded with no signature or checksum check."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.rules.base import Rule, quote

RULE = Rule("PL004", "unverified-privilege-tool", Severity.ERROR,
            "a privilege or init tool is downloaded without verification")


def check(startup):
    downloads = startup.downloads
    for download in downloads.downloads:
        if download.tool is None or downloads.is_verified(download):
            continue
        how = "ADD" if download.instruction.keyword == "ADD" else quote(download.text, 50)
        yield RULE.at(download.path, download.line, download.column,
                      f"{download.tool} is downloaded by {how} with no gpg or checksum verification in this "
                      "stage: an altered binary would run as root in every container",
                      f"Install {download.tool} from the distribution's packages, or verify it: "
                      "`gpg --batch --verify` its .asc with the full key fingerprint, "
                      "`sha256sum -c` a pinned hash, or `ADD --checksum=sha256:...`")
