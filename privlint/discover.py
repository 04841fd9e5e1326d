"""Which files to lint: Dockerfiles by name, scripts as given, directories walked safely."""

from __future__ import annotations

import os

SKIPPED_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__",
                ".mypy_cache", ".pytest_cache", "site-packages", ".direnv"}
MAX_DEPTH = 64
#: Generated-Dockerfile templates: a directory scan skips them (name one explicitly to lint it).
TEMPLATE_SUFFIXES = (".template", ".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".erb", ".mustache", ".hbs")


def is_dockerfile_name(path: str) -> bool:
    """Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, Dockerfile.*, Dockerfile-* (and Containerfile alike).

    Plain string tests: fnmatch would compile nine patterns on every start of a pre-commit hook.
    """
    name = os.path.basename(path)
    if name.endswith((".sh", ".bash", ".md", ".txt", ".orig", ".bak", ".swp", ".rej")):
        return False
    for base in ("Dockerfile", "Containerfile"):
        if name == base or name.startswith((base + ".", base + "-")):
            return True
    return name.endswith((".Dockerfile", ".dockerfile", ".containerfile", ".Containerfile")) and \
        name.lower() not in (".dockerfile", ".containerfile")


_OTHER_SUFFIXES = (".sh", ".bash", ".md", ".txt", ".orig", ".bak", ".swp", ".rej", ".yml", ".yaml", ".json",
                   ".py", ".go", ".js", ".ts", ".rb", ".rs", ".java", ".html", ".ignore", ".dockerignore", ".lock",
                   ".toml", ".cfg", ".ini", ".xml", ".properties", ".gradle", ".sample", ".example", ".log")


def may_be_dockerfile(name: str) -> bool:
    """Any other name that says Dockerfile or Containerfile in any case (`dockerfile`, `Dockerfile_prod`,
    `DOCKERFILE`): a Dockerfile when its content says so (see filekind.looks_like_dockerfile)."""
    lowered = name.lower()
    return ("dockerfile" in lowered or "containerfile" in lowered) and not lowered.endswith(
        _OTHER_SUFFIXES + TEMPLATE_SUFFIXES)


def content_is_dockerfile(path: str) -> bool:
    from privlint.filekind import head_of, looks_like_dockerfile

    head = head_of(path)
    return head is not None and looks_like_dockerfile(head)


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def _may_be_compose(name: str) -> bool:
    """`docker-compose-worker.yaml`, `prod-compose.yml`: a YAML file named like compose, checked by content."""
    lower = name.lower()
    return "compose" in lower and lower.endswith((".yml", ".yaml"))


def find_dockerfiles(root: str, problems: list[tuple[str, str]], composes: list[str] | None = None) -> list[str]:
    """Every Dockerfile below `root`, sorted; symlinked directories are not followed. Compose files found on
    the way are added to `composes` when it is given."""
    from privlint.filekind import COMPOSE, head_of, is_compose_name, kind_of

    found: list[str] = []

    def on_error(error: OSError) -> None:
        problems.append((getattr(error, "filename", None) or root, f"cannot read directory: {error.strerror}"))

    root_depth = root.rstrip(os.sep).count(os.sep)
    for directory, subdirs, files in os.walk(root, onerror=on_error, followlinks=False):
        too_deep = directory.count(os.sep) - root_depth >= MAX_DEPTH
        subdirs[:] = sorted(
            d for d in subdirs
            if not too_deep and d not in SKIPPED_DIRS and not os.path.islink(os.path.join(directory, d))
            and not _is_virtualenv(os.path.join(directory, d))
        )
        for name in sorted(files):
            path = os.path.join(directory, name)
            if composes is not None and (is_compose_name(name) or _may_be_compose(name) and (
                    (head := head_of(path)) is not None and kind_of(path, head) == COMPOSE)):
                composes.append(os.path.normpath(path))
            elif is_dockerfile_name(name):
                if not name.lower().endswith(TEMPLATE_SUFFIXES):
                    found.append(os.path.normpath(path))
            elif may_be_dockerfile(name) and content_is_dockerfile(path):
                found.append(os.path.normpath(path))
    return found
