"""Read a file as text the linters can trust: size-capped, binary-aware, never a UnicodeDecodeError."""

from __future__ import annotations

import os

from privlint.record import record

#: Files above this size are skipped with a message; both parsers go quadratic on huge single lines.
MAX_FILE_BYTES = 2 * 1024 * 1024


class UnreadableFile(Exception):
    """Raised with a user-facing message when a file cannot be linted at all."""


@record(frozen=True)
class SourceText:
    path: str
    text: str
    #: set when the file was not valid UTF-8 and was decoded as Latin-1 instead
    decode_warning: str | None = None
    encoding: str = "utf-8"
    bom: bool = False

    def encode(self, text: str) -> bytes:
        """Text back to bytes the way the file had them (encoding, byte-order mark)."""
        data = text.encode(self.encoding, "surrogateescape" if self.encoding == "utf-8" else "strict")
        return (b"\xef\xbb\xbf" if self.bom else b"") + data


def read_source(path: str, max_bytes: int = MAX_FILE_BYTES) -> SourceText:
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise UnreadableFile(f"file is {size} bytes, above the {max_bytes}-byte limit: skipped")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except UnreadableFile:
        raise
    except IsADirectoryError:
        raise UnreadableFile("is a directory") from None
    except FileNotFoundError:
        raise UnreadableFile("no such file or directory") from None
    except PermissionError:
        raise UnreadableFile("permission denied") from None
    except OSError as error:
        raise UnreadableFile(error.strerror or str(error)) from None
    if len(data) > max_bytes:
        raise UnreadableFile(f"file is above the {max_bytes}-byte limit: skipped")
    return decode_source(path, data)


def decode_source(path: str, data: bytes) -> SourceText:
    if b"\0" in data:
        raise UnreadableFile("binary file (contains NUL bytes): skipped")
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        return SourceText(path, data.decode("utf-8"), bom=bom)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        warning = (
            f"not valid UTF-8 (first bad byte at offset {error.start}, line {line}): "
            "read as Latin-1"
        )
        return SourceText(path, data.decode("latin-1"), warning, encoding="latin-1", bom=bom)
