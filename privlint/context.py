"""Map an in-image path back to a file of the build context through the stage's COPY/ADD.

Nothing outside the context directory is ever opened: every candidate is resolved with
`os.path.realpath` and must stay below the context's real path.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath

from privlint.dockerfile import Dockerfile, Heredoc, Stage, _split_words, expand, stage_scope, workdir_at
from privlint.programs import PATH_DIRS
from privlint.record import record


@record
class Resolved:
    """Where the in-image file comes from: a context file, or a COPY heredoc of the Dockerfile."""

    image_path: str
    file: str | None = None  # path on disk
    heredoc: Heredoc | None = None
    outside_context: bool = False


def candidate_paths(reference: str, workdir: str) -> list[str]:
    """In-image paths a program reference may mean: absolute, WORKDIR-relative, or found on PATH."""
    if reference.startswith("/"):
        return [posixpath.normpath(reference)]
    if "/" in reference:
        return [posixpath.normpath(posixpath.join(workdir, reference))]
    return [posixpath.join(directory, reference) for directory in PATH_DIRS] + [posixpath.join(workdir, reference)]


def resolve_in_context(dockerfile: Dockerfile, stage: Stage, image_paths: list[str], context_dir: str,
                       depth: int = 0) -> Resolved | None:
    """The last COPY/ADD of the stage chain that puts a file at one of `image_paths`.

    `COPY --from=STAGE` of a stage of this Dockerfile is followed into that stage (a few hops);
    `--from` an image is outside the build context and ends the search for that file.
    """
    context_real = os.path.realpath(context_dir)
    for ancestor in stage.chain():
        for instruction in reversed(ancestor.instructions):
            if instruction.keyword not in ("COPY", "ADD"):
                continue
            scope = stage_scope(dockerfile, ancestor, instruction.line)
            words = [expand(w, scope) for w in _copy_words(instruction)]
            if len(words) < 2 or any(w is None for w in words):
                continue
            *sources, dest = words  # type: ignore[misc]
            workdir = workdir_at(dockerfile, ancestor, instruction.line)
            dest_abs = posixpath.normpath(posixpath.join(workdir, dest))
            dest_is_dir = dest.endswith("/") or len(sources) > 1
            if "from" in instruction.flags:
                source_stage = dockerfile.stage_named(instruction.flags["from"])
                if source_stage is None or source_stage is ancestor or depth >= 4:
                    continue
                inner = [p for image_path in image_paths
                         for p in _source_paths(sources, dest_abs, dest_is_dir, image_path)]
                found = resolve_in_context(dockerfile, source_stage, inner, context_dir, depth + 1) if inner else None
                if found:
                    return found
                continue
            if instruction.heredocs:
                found = _from_heredocs(instruction.heredocs, sources, dest_abs, dest_is_dir, image_paths)
                if found:
                    return found
                continue
            for image_path in image_paths:
                found = _from_sources(sources, dest_abs, dest_is_dir, image_path, context_dir, context_real)
                if found:
                    return found
    return None


def _source_paths(sources, dest_abs, dest_is_dir, image_path) -> list[str]:
    """Where `image_path` comes from in the `--from` stage: as a file, or inside a copied folder."""
    found = []
    for source in sources:
        if any(ch in source for ch in "*?["):
            continue
        source_abs = posixpath.normpath(posixpath.join("/", source))
        if image_path == dest_abs and not dest_is_dir:
            found.append(source_abs)
        if image_path == posixpath.join(dest_abs, posixpath.basename(source_abs)):
            found.append(source_abs)
        prefix = dest_abs.rstrip("/") + "/"
        if image_path.startswith(prefix):
            found.append(posixpath.join(source_abs, image_path[len(prefix):]))
    return found


def _copy_words(instruction) -> list[str]:
    form = instruction.exec_form
    return form if form is not None else _split_words(instruction.args)


def _from_heredocs(heredocs, sources, dest_abs, dest_is_dir, image_paths) -> Resolved | None:
    for heredoc in heredocs:
        target = posixpath.join(dest_abs, heredoc.delimiter) if dest_is_dir else dest_abs
        if target in image_paths:
            return Resolved(target, heredoc=heredoc)
    return None


def _from_sources(sources, dest_abs, dest_is_dir, image_path, context_dir, context_real) -> Resolved | None:
    for source in sources:
        if "://" in source or source.startswith("git@"):
            continue
        for match in _glob_context(source, context_dir, context_real):
            relative, is_dir = match
            if is_dir:
                prefix = dest_abs.rstrip("/") + "/"
                if image_path.startswith(prefix) or dest_abs == "/":
                    inner = image_path[len(prefix):] if dest_abs != "/" else image_path.lstrip("/")
                    return _context_file(posixpath.join(relative, inner), image_path, context_dir, context_real)
                continue
            name = posixpath.basename(relative)
            targets = [posixpath.join(dest_abs, name)] if dest_is_dir else [dest_abs, posixpath.join(dest_abs, name)]
            if image_path in targets:
                return _context_file(relative, image_path, context_dir, context_real)
    return None


def _glob_context(source: str, context_dir: str, context_real: str):
    """(relative path, is directory) for each context entry a COPY source names."""
    source = posixpath.normpath(source.lstrip("/")) if source not in (".", "./") else "."
    if source.startswith(".."):
        return
    if not any(ch in source for ch in "*?["):
        full = os.path.join(context_dir, source)
        if os.path.isdir(full):
            yield source, True
        elif os.path.lexists(full):
            yield source, False
        return
    directory, pattern = posixpath.split(source)
    base = os.path.join(context_dir, directory)
    if not os.path.isdir(base) or not _inside(base, context_real):
        return
    try:
        names = sorted(os.listdir(base))
    except OSError:
        return
    for name in names:
        if fnmatch.fnmatch(name, pattern):
            relative = posixpath.join(directory, name) if directory else name
            yield relative, os.path.isdir(os.path.join(base, name))


def _context_file(relative: str, image_path: str, context_dir: str, context_real: str) -> Resolved | None:
    full = os.path.join(context_dir, relative)
    if not _inside(full, context_real):
        return Resolved(image_path, outside_context=True)
    if not os.path.isfile(full):
        return None
    return Resolved(image_path, file=os.path.normpath(full))


def _inside(path: str, context_real: str) -> bool:
    real = os.path.realpath(path)
    return real == context_real or real.startswith(context_real.rstrip(os.sep) + os.sep)
