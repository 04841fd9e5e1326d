"""What a file is, by its content first and its name second: Dockerfile, compose/YAML, shell, or unknown.

A Dockerfile is a Dockerfile whatever its name (`dockerfile`, `Dockerfile_prod`, `build.containerfile`):
its first instruction, after comments, parser directives and blank lines, is `FROM` or `ARG`. YAML
(compose files, CI configuration) is never read as shell, and a file privlint is not sure is shell is
never edited by `--fix`.
"""

from __future__ import annotations

import os
import re

from privlint.programs import SHELLS

DOCKERFILE, COMPOSE, YAML, SHELL, UNKNOWN = "dockerfile", "compose", "yaml", "shell", "unknown"

_FROM = re.compile(r"FROM\s+(--\S+\s+)*[^\s-]\S*(\s+AS\s+\S+)?\s*(#.*)?$", re.IGNORECASE)
_ARG = re.compile(r"ARG\s+[A-Za-z_][\w]*(=\S*)?(\s+[A-Za-z_]\w*(=\S*)?)*\s*$", re.IGNORECASE)
_YAML_KEY = re.compile(r"^[A-Za-z_\"'][\w.\"'-]*\s*:(\s|$)")
_YAML_SUFFIXES = (".yml", ".yaml")
_SHELL_SUFFIXES = (".sh", ".bash", ".ash", ".ksh", ".zsh")
#: How much of a file is read to tell its kind.
HEAD_BYTES = 8192


def _significant_lines(text: str):
    for line in text.splitlines():
        stripped = line.strip().lstrip("\ufeff")
        if stripped and not stripped.startswith("#"):
            yield stripped


def looks_like_dockerfile(text: str) -> bool:
    """The first instruction is FROM (`FROM image [AS name]`) or ARG; `from x import y` is Python."""
    for line in _significant_lines(text):
        return bool(_FROM.match(line) or _ARG.match(line))
    return False


def shebang_program(text: str) -> str | None:
    """`#!/usr/bin/env bash -e` → `bash`; None without a shebang."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    names = [word.rsplit("/", 1)[-1] for word in words[:3]]
    if names and names[0] in ("env", "with-contenv"):  # s6-overlay's `#!/usr/bin/with-contenv bash` runs bash
        names = [name for name in names[1:] if not name.startswith("-")]
    return names[0] if names else ""


def is_compose_name(path: str) -> bool:
    """compose.yaml, docker-compose.yml, docker-compose.prod.yml, compose.override.yaml ..."""
    name = os.path.basename(path).lower()
    if not name.endswith(_YAML_SUFFIXES):
        return False
    stem = name.rsplit(".", 1)[0]
    return stem in ("compose", "docker-compose") or stem.startswith(("compose.", "docker-compose."))


_SERVICE_KEYS = ("build:", "image:", "command:", "entrypoint:")


def _looks_like_compose(text: str) -> bool:
    """A compose file by its content, whatever its name (`docker-compose-worker.yaml`): a top-level
    `services:` mapping one of whose services sets build, image, command or entrypoint. One pass over the
    lines (no backtracking pattern: bounded time on any input)."""
    in_services = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():  # a top-level key
            in_services = stripped.split("#", 1)[0].rstrip() == "services:"
            continue
        if in_services and stripped.startswith(_SERVICE_KEYS) and len(line) - len(line.lstrip()) >= 2:
            return True
    return False


def kind_of(path: str, text: str) -> str:
    """The file's kind from its name and its first lines."""
    name = os.path.basename(path).lower()
    program = shebang_program(text)
    if program is not None:
        return SHELL if program.removesuffix(".exe") in SHELLS else UNKNOWN
    if name.endswith(_YAML_SUFFIXES):
        return COMPOSE if is_compose_name(path) or _looks_like_compose(text) else YAML
    if looks_like_dockerfile(text):
        return DOCKERFILE
    lines = _significant_lines(text)
    first = next(lines, "")
    if first == "---" or _YAML_KEY.match(first):
        return YAML
    if name.endswith(_SHELL_SUFFIXES) or "entrypoint" in name or "." not in name:
        return SHELL
    return UNKNOWN


def surely_shell(path: str, text: str) -> bool:
    """Shell by its shebang, or by a shell suffix and nothing that says otherwise: the files --fix may edit."""
    program = shebang_program(text)
    if program is not None:
        return program.removesuffix(".exe") in SHELLS
    return os.path.basename(path).lower().endswith(_SHELL_SUFFIXES) and kind_of(path, text) == SHELL


def head_of(path: str) -> str | None:
    """The first bytes of a file as text, or None when it cannot be read or holds NUL bytes (binary)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    return None if b"\0" in head else head.decode("utf-8", "replace")
