"""The image's files, per stage: where the content of each in-image path comes from.

One ordered pass over a stage records what each instruction does to the file tree: COPY/ADD (files,
folders, renames, globs, heredocs, `--from` a stage or an image, URLs, local archives) and, inside RUN,
`mv`, `cp`, `install`, `ln -s`, `rm` and downloads written to a file. A lookup walks those operations
backwards from a point in the stage, so a script COPY'd to /tmp and moved into PATH by a later RUN is
found where it ends up. Paths not written by the stage come from the stage it is built FROM, or from the
base image. Nothing outside the build context is ever opened: context files are checked with realpath.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re

from privlint import shell_model as m
from privlint.dockerfile import (
    Dockerfile,
    Heredoc,
    Instruction,
    Stage,
    _split_words,
    expand,
    expand_path,
    stage_scope,
    walk_stage,
)
from privlint.launch import basename
from privlint.programs import IMAGE_DIRECTORIES, PATH_DIRS
from privlint.record import record

# Where a file's content comes from.
CONTEXT = "context"  # a file of the build context, readable
HEREDOC = "heredoc"  # a COPY heredoc of the Dockerfile, readable
DOWNLOAD = "download"  # fetched from a URL (ADD <url>, curl -o, wget -O)
IMAGE = "image"  # COPY --from=<an image>: not readable
BASE = "base"  # not written by this Dockerfile: the base image's, or made by a RUN privlint does not follow
ARCHIVE = "archive"  # extracted from a local archive by ADD: not readable
OUTSIDE = "outside"  # a COPY source that leaves the build context: never read
MOUNTED = "mounted"  # bind-mounted by compose from a host path privlint cannot read
GENERATED = "generated"  # written by a RUN (`echo '...' > f`, `printf`, `cat <<EOF > f`), its text known

#: How deep lookups may chain (a move of a move of a link ...): bounds cycles and work.
MAX_DEPTH = 24
_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")


@record
class Origin:
    kind: str
    image_path: str
    file: str | None = None  # the context file on disk (CONTEXT)
    heredoc: Heredoc | None = None
    url: str | None = None
    instruction: Instruction | None = None  # what put it there
    verified: bool = False  # ADD --checksum
    text: str | None = None  # GENERATED: the file's text
    line_map: tuple = ()  # GENERATED: the Dockerfile line that wrote each of its lines
    as_written: bool = False  # GENERATED: its text is the Dockerfile's own lines (a heredoc with no expansion)

    @property
    def readable(self) -> bool:
        return self.kind in (CONTEXT, HEREDOC, GENERATED)


class _Deleted:
    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "<deleted>"


DELETED = _Deleted()
_NOT_COVERED = None


def norm(path: str) -> str:
    return posixpath.normpath(path) if path else path


def _under(path: str, folder: str) -> str | None:
    """The part of `path` below `folder` ('' for the folder itself), or None."""
    if folder == "/":
        return path.lstrip("/")
    if path == folder:
        return ""
    prefix = folder.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else None


class _Copy:
    """COPY/ADD: each source lands at `dest` (a file) or inside it (a folder)."""

    def __init__(self, instruction: Instruction, dest: str, dest_is_dir: bool, sources: list):
        self.instruction = instruction
        self.dest = dest
        self.dest_is_dir = dest_is_dir
        self.sources = sources  # (kind, value, is_dir) with kind context/heredoc/stage/image/url/archive/outside
        self._paths: list[str] | None = None  # context_paths, once walked

    def resolve(self, files: "StageFiles", path: str, index: int, depth: int):
        for kind, value, is_dir in self.sources:
            if kind == "heredoc":
                target = posixpath.join(self.dest, value.delimiter) if self.dest_is_dir else self.dest
                if path == target:
                    return Origin(HEREDOC, path, heredoc=value, instruction=self.instruction)
                continue
            if kind == "url":
                name = posixpath.basename(value.split("?", 1)[0].rstrip("/"))
                target = posixpath.join(self.dest, name) if self.dest_is_dir else self.dest
                if path == target:
                    return Origin(DOWNLOAD, path, url=value, instruction=self.instruction,
                                  verified="checksum" in self.instruction.flags)
                continue
            found = self._place(kind, value, is_dir, path)
            if found is None:
                continue
            inner, as_file = found
            if kind == "context":
                full = os.path.join(files.image.context, value, inner) if inner else os.path.join(
                    files.image.context, value)
                if not files.image.inside_context(full):
                    return Origin(OUTSIDE, path, instruction=self.instruction)
                if os.path.isfile(full):
                    return Origin(CONTEXT, path, file=os.path.normpath(full), instruction=self.instruction)
                continue  # not in that folder: the path keeps what it had before this COPY
            if kind == "archive":
                return Origin(ARCHIVE, path, instruction=self.instruction)
            if kind == "outside":
                return Origin(OUTSIDE, path, instruction=self.instruction)
            if kind == "image":
                return Origin(IMAGE, path, url=value, instruction=self.instruction)
            if kind == "stage":
                source_stage, source_path = value
                if inner.startswith("\0"):  # a glob match: the file of that name in the source folder
                    source_path, inner = posixpath.join(posixpath.dirname(source_path), inner[1:]), ""
                origin = files.image.files(source_stage).lookup(
                    posixpath.join(source_path, inner) if inner else source_path, depth=depth + 1)
                if origin is DELETED or (origin.kind == BASE and not as_file):
                    continue
                return origin
        return _NOT_COVERED

    def context_paths(self, context: str | None, limit: int) -> list[str]:
        """The image paths of the build-context files this COPY places (folders walked once, up to `limit`)."""
        if self._paths is None:
            self._paths = self._walk(context, limit)
        return self._paths

    def _walk(self, context: str | None, limit: int) -> list[str]:
        paths: list[str] = []
        for kind, value, is_dir in self.sources:
            if kind != "context" or context is None:
                continue
            if not is_dir:
                paths.append(posixpath.join(self.dest, posixpath.basename(value)) if self.dest_is_dir else self.dest)
                continue
            for folder, _, names in os.walk(os.path.join(context, value)):
                for name in names:
                    inner = os.path.relpath(os.path.join(folder, name), os.path.join(context, value))
                    paths.append(norm(posixpath.join(self.dest, inner.replace(os.sep, "/"))))
                if len(paths) >= limit:
                    return paths
        return paths

    def _place(self, kind: str, value, is_dir: bool | None, path: str):
        """(the part of the source the path is, whether it is the source itself) or None."""
        source = value[1] if kind == "stage" else value
        if kind == "stage" and any(ch in source for ch in "*?["):  # --from=stage /dir/*: each match lands in dest
            folder, pattern = posixpath.split(source)
            inner = _under(path, self.dest)
            if not inner or has_glob(folder):
                return None
            first, _, rest = inner.partition("/")
            if not fnmatch.fnmatchcase(first, pattern):
                return None
            return None if rest else ("\0" + first, True)
        name = posixpath.basename(source.rstrip("/")) if isinstance(source, str) else ""
        if is_dir is not True:  # a file (or unknown): it lands at dest, or inside dest under its name
            targets = [posixpath.join(self.dest, name)] if self.dest_is_dir else [self.dest, posixpath.join(
                self.dest, name)]
            if path in targets:
                return "", True
        if is_dir is not False:  # a folder (or unknown): its content lands inside dest
            inner = _under(path, self.dest)
            if inner:
                return inner, False
        return None


class _Move:
    """RUN mv/cp/install SRC... DEST: DEST (or DEST/name) holds what SRC held; mv also empties SRC."""

    def __init__(self, instruction: Instruction, sources: list[str], dest: str, into_dir: bool | None,
                 removes: bool):
        self.instruction = instruction
        self.sources = sources
        self.dest = dest
        self.into_dir = into_dir  # True: dest is a folder; None: either
        self.removes = removes

    def resolve(self, files: "StageFiles", path: str, index: int, depth: int):
        for source in self.sources:
            name = posixpath.basename(source)
            if self.into_dir is not True and len(self.sources) == 1:
                inner = _under(path, self.dest)
                if inner is not None:  # the file itself, or inside a moved folder
                    origin = files.lookup(posixpath.join(source, inner) if inner else source, index, depth + 1)
                    if origin is not DELETED and (inner == "" or origin.kind != BASE):
                        return origin
            if self.into_dir is not False:
                inner = _under(path, posixpath.join(self.dest, name))
                if inner is not None:
                    origin = files.lookup(posixpath.join(source, inner) if inner else source, index, depth + 1)
                    if origin is not DELETED and (inner == "" or origin.kind != BASE):
                        return origin
        if self.removes and any(_under(path, source) is not None for source in self.sources):
            return DELETED
        return _NOT_COVERED


class _Link:
    """RUN ln -s TARGET LINK: LINK (or LINK/name of TARGET) reads TARGET, resolved in the finished stage."""

    def __init__(self, instruction: Instruction, target: str, link: str):
        self.instruction = instruction
        self.target = target
        self.link = link

    def resolve(self, files: "StageFiles", path: str, index: int, depth: int):
        for link in (self.link, posixpath.join(self.link, posixpath.basename(self.target))):
            inner = _under(path, link)
            if inner is None:
                continue
            origin = files.lookup(posixpath.join(self.target, inner) if inner else self.target, None, depth + 1)
            if origin is not DELETED and (inner == "" or origin.kind != BASE):
                return origin
        return _NOT_COVERED


class _Remove:
    def __init__(self, instruction: Instruction, patterns: list[str]):
        self.instruction = instruction
        self.patterns = patterns

    def resolve(self, files: "StageFiles", path: str, index: int, depth: int):
        for pattern in self.patterns:
            if any(ch in pattern for ch in "*?["):
                if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern + "/*"):
                    return DELETED
            elif _under(path, pattern) is not None:
                return DELETED
        return _NOT_COVERED


class _Write:
    """A RUN command that writes a file: a download (`curl -o`, `wget -O`)."""

    def __init__(self, instruction: Instruction, path: str, origin: Origin):
        self.instruction = instruction
        self.path = path
        self.origin = origin

    def resolve(self, files: "StageFiles", path: str, index: int, depth: int):
        return self.origin if path == self.path else _NOT_COVERED


class _Generate:
    """A RUN command that writes a file's text: `echo '...' > f`, `printf`, `cat <<EOF > f` (`>>` appends to what
    an earlier one wrote; appended to a file privlint does not know, the text is unknown)."""

    def __init__(self, instruction: Instruction, path: str, text: str, lines: tuple, append: bool,
                 as_written: bool = False):
        self.instruction = instruction
        self.path = path
        self.text = text
        self.lines = lines
        self.append = append
        self.as_written = as_written

    def resolve(self, files: "StageFiles", path: str, index: int, depth: int):
        if path != self.path:
            return _NOT_COVERED
        if not self.append:
            return Origin(GENERATED, path, instruction=self.instruction, text=self.text, line_map=self.lines,
                          as_written=self.as_written)
        # a run of `echo ... >> f` (140 of them write a whole entrypoint): gathered in one pass, not one lookup each
        chain = [self]
        position = index - 1
        while position >= 0:
            op = files.ops[position]
            if not isinstance(op, _Generate) or op.path != path:
                break
            chain.append(op)
            if not op.append:
                break
            position -= 1
        first = chain[-1]
        if first.append:
            before = files.lookup(path, position + 1, depth + 1)
            if before is DELETED or before.kind != GENERATED:
                return Origin(BASE, path)
            text, lines = before.text, before.line_map
        else:
            chain.pop()
            text, lines = first.text, first.lines
        texts, line_map = [text], list(lines)
        for op in reversed(chain):
            texts.append(op.text)
            line_map[-1:] = op.lines  # the last line written goes on here
        return Origin(GENERATED, path, instruction=self.instruction, text="".join(texts), line_map=tuple(line_map))


class StageFiles:
    """The operations of one stage, in order, and lookups over them."""

    def __init__(self, image: "ImageFiles", stage: Stage):
        self.image = image
        self.stage = stage
        self.ops: list = []
        self.starts: dict[int, int] = {}  # instruction line -> number of operations before it

    def lookup(self, path: str, before: int | None = None, depth: int = 0):
        """The Origin of `path` before operation `before` (the end of the stage when None), or DELETED."""
        path = norm(path)
        if depth > MAX_DEPTH:
            return Origin(BASE, path)
        if before is None and depth == 0 and self.image.mounts and self.stage.index == self.image.mount_stage:
            mounted = self.image.mounted(path)
            if mounted is not None:
                return mounted
        end = len(self.ops) if before is None else before
        for index in range(end - 1, -1, -1):
            result = self.ops[index].resolve(self, path, index, depth)
            if result is not _NOT_COVERED:
                return result
        if self.stage.parent is not None:
            return self.image.files(self.stage.parent).lookup(path, None, depth + 1)
        return Origin(BASE, path)

    def lookup_at(self, path: str, line: int):
        """The Origin of `path` as the instruction starting at `line` sees it."""
        return self.lookup(path, self.starts.get(line))


class ImageFiles:
    """The file maps of every stage of a Dockerfile, built on first use."""

    def __init__(self, dockerfile: Dockerfile, context: str | None, run_scripts=None, mounts=(),
                 mount_stage: int | None = None):
        self.dockerfile = dockerfile
        # compose bind mounts, (container path, host path or None), longest first: at start-up the container sees
        # these over the image's files of the stage it runs (`mount_stage`)
        self.mounts = sorted(mounts, key=lambda mount: -len(mount[0]))
        self.mount_stage = mount_stage
        self.context = context or ""
        self.has_context = context is not None
        self.context_real = os.path.realpath(context) if context is not None else ""
        self.run_scripts = run_scripts or {}  # id(instruction) -> [parsed shell of the RUN]
        self._files: dict[int, StageFiles] = {}

    def mounted(self, path: str):
        """The Origin of `path` as a compose bind mount shows it, or None when no mount covers it."""
        for target, host in self.mounts:
            inner = "" if path == target else _under(path, target)
            if inner is None:
                continue
            if host is None:
                return Origin(MOUNTED, path)
            full = os.path.join(host, inner) if inner else host
            if os.path.isfile(full):
                return Origin(CONTEXT, path, file=os.path.normpath(full))
            if os.path.isdir(host):
                return DELETED  # not in the mounted folder, which hides the image's own files there
            return Origin(MOUNTED, path, url=host)  # the host file is not in the repository (made on the host)
        return None

    def run_mounted(self, instruction: Instruction, path: str):
        """The Origin of `path` as a RUN's bind mount of the build context shows it
        (`RUN --mount=type=bind,source=scripts/setup.sh,target=/setup.sh bash /setup.sh`), or None."""
        if not self.has_context or "--mount" not in instruction.value:
            return None
        for source, target in sorted(run_bind_mounts(instruction), key=lambda mount: -len(mount[1])):
            if path == target:
                inner = ""
            elif path.startswith(target.rstrip("/") + "/"):
                inner = path[len(target.rstrip("/")) + 1:]
            else:
                continue
            full = os.path.normpath(os.path.join(self.context, source.lstrip("/"), inner))
            if self.inside_context(full) and os.path.isfile(full):
                return Origin(CONTEXT, path, file=full, instruction=instruction)
            return DELETED  # the mount hides the image's own file there, and privlint cannot read it
        return None

    def inside_context(self, path: str) -> bool:
        if not self.has_context:
            return False
        real = os.path.realpath(path)
        return real == self.context_real or real.startswith(self.context_real.rstrip(os.sep) + os.sep)

    def files(self, stage: Stage) -> StageFiles:
        cached = self._files.get(stage.index)
        if cached is not None:
            return cached
        files = StageFiles(self, stage)
        self._files[stage.index] = files
        walk = walk_stage(self.dockerfile, stage)
        for state in walk.states:
            instruction = state.instruction
            files.starts[instruction.line] = len(files.ops)
            if instruction.keyword in ("COPY", "ADD"):
                op = self._copy(stage, instruction, state.scope, state.workdir)
                if op is not None:
                    files.ops.append(op)
            elif instruction.keyword == "RUN":
                for script in self.run_scripts.get(id(instruction), []):
                    files.ops += _run_ops(instruction, script, state.scope, state.workdir)
        return files

    def matching(self, stage: Stage, pattern: str, line: int | None = None, limit: int = 200) -> list[str]:
        """Image paths a glob (`/tmp/setup_*.sh`) matches among the build-context files COPY/ADD put in the
        stage (and the stages it is built on) before `line`: what `for f in /tmp/setup_*.sh` walks."""
        found: list[str] = []
        current: Stage | None = stage
        while current is not None and len(found) < limit:
            files = self.files(current)
            end = files.starts.get(line, len(files.ops)) if current is stage and line is not None else len(files.ops)
            for op in files.ops[:end]:
                if isinstance(op, _Copy):
                    found += [p for p in op.context_paths(self.context, limit) if fnmatch.fnmatchcase(p, pattern)]
            current = current.parent
        return sorted(set(found))[:limit]

    def resolve(self, stage: Stage, reference: str, workdir: str, line: int | None = None):
        """The Origin of a program named by ENTRYPOINT/CMD or a script: PATH lookup for bare names."""
        files = self.files(stage)
        before = files.starts.get(line) if line is not None else None
        search = stage_scope(self.dockerfile, stage, line).get("PATH") if self.dockerfile is not None else None
        candidates = candidate_paths(reference, workdir, search.split(":") if search else PATH_DIRS)
        first_base = None
        for candidate in candidates:
            origin = files.lookup(candidate, before)
            if origin is DELETED:
                continue
            if origin.kind != BASE:
                return origin
            first_base = first_base or origin
        return first_base or Origin(BASE, candidates[0])

    # -- COPY/ADD ---------------------------------------------------------------------------
    def _copy(self, stage: Stage, instruction: Instruction, scope: dict, workdir: str):
        words = _copy_words(instruction)
        words = [expand(w, scope) for w in words[:-1]] + [expand_path(w, scope) for w in words[-1:]]
        if len(words) < 1 or (len(words) < 2 and not instruction.heredocs):
            return None
        if any(w is None for w in words):
            return None  # a path privlint cannot expand: it covers nothing it can name
        if instruction.heredocs:
            dest = words[-1]
            dest_abs = norm(posixpath.join(workdir, dest))
            dest_is_dir = dest.endswith("/") or len(instruction.heredocs) > 1
            return _Copy(instruction, dest_abs, dest_is_dir, [("heredoc", h, False) for h in instruction.heredocs])
        *sources, dest = words
        dest_abs = norm(posixpath.join(workdir, dest))
        dest_is_dir = dest.endswith("/") or len(sources) > 1 or any(has_glob(s) for s in sources) or \
            dest_abs in IMAGE_DIRECTORIES
        entries = []
        source_name = instruction.flags.get("from")
        if source_name is not None:
            source_name = expand(source_name, scope) or source_name
            source_stage = self.dockerfile.stage_named(source_name)
            for source in sources:
                source_abs = norm(posixpath.join("/", source))
                if source_stage is not None and source_stage is not stage:
                    entries.append(("stage", (source_stage, source_abs), None))
                else:
                    entries.append(("image", source_name, None))
            return _Copy(instruction, dest_abs, dest_is_dir, entries)
        for source in sources:
            if "://" in source or source.startswith("git@"):
                entries.append(("url", source, False))
                continue
            for relative, is_dir in self._glob(source):
                if instruction.keyword == "ADD" and not is_dir and relative.endswith(_ARCHIVE_SUFFIXES):
                    entries.append(("archive", relative, True))
                elif not self.inside_context(os.path.join(self.context, relative)):
                    entries.append(("outside", relative, is_dir))
                else:
                    entries.append(("context", relative, is_dir))
        if len(entries) > 1:
            dest_is_dir = True
        return _Copy(instruction, dest_abs, dest_is_dir, entries)

    def _glob(self, source: str):
        """(relative path, is directory) for each context entry a COPY source names."""
        if not self.has_context:
            return
        # BuildKit reads a source from the context's root, so `../manage.py` is the context's manage.py (the
        # classic builder refused it): a path never leaves the context
        source = norm("/" + source).lstrip("/") or "."
        if not any(ch in source for ch in "*?["):
            full = os.path.join(self.context, source)
            if os.path.isdir(full):
                yield source, True
            elif os.path.lexists(full):
                yield source, False
            return
        directory, pattern = posixpath.split(source)
        base = os.path.join(self.context, directory)
        if not os.path.isdir(base) or not self.inside_context(base):
            return
        try:
            names = sorted(os.listdir(base))
        except OSError:
            return
        for name in names:
            if fnmatch.fnmatchcase(name, pattern):
                relative = posixpath.join(directory, name) if directory else name
                yield relative, os.path.isdir(os.path.join(base, name))


def changed_directory(cwd: str, arguments: list, scope: dict) -> str:
    """The folder after `cd ARGS` from `cwd`: a bare `cd` (or `cd ~`) goes home, `$HOME` when the build sets it
    and `~` (not guessed) when not; an option or an unknown argument leaves it as it was."""
    target = arguments[0] if arguments else "~"
    if target is None or target.startswith("-"):
        return cwd
    if target == "~" or target.startswith("~/"):
        home = scope.get("HOME") or "~"
        return norm(home + target[1:]) if home.startswith("/") else "~" + target[1:]
    return norm(posixpath.join(cwd, target))


_BRACE_GROUP = re.compile(r"(?<!\$)\{([^{}\s$]*,[^{}\s]*)\}")


def brace_expanded(raw: str, value: str | None, limit: int = 64) -> list:
    """The words bash makes of unquoted `{a,b,*.sh}` groups (`chmod +x $DIR/{cloudflared,agent}`); a quoted word,
    one with no group, or one that makes more than `limit` words is itself."""
    if not value or "{" not in value or any(ch in raw for ch in "'\"\\"):
        return [value]
    words, done = [value], []
    while words:
        if len(done) + len(words) > limit:
            return [value]  # too many to follow: the word as written
        word = words.pop()
        match = _BRACE_GROUP.search(word)
        if match is None:
            done.append(word)
            continue
        words += [word[:match.start()] + part + word[match.end():] for part in match.group(1).split(",")]
    return done


_MOUNT_FLAG = re.compile(r"--mount=(\S+)")


def run_bind_mounts(instruction: Instruction) -> list[tuple[str, str]]:
    """(context source, image target) of a RUN's `--mount=type=bind,source=S,target=T` of the build context (a
    mount of another stage or image, `from=`, is not the context's)."""
    found = []
    for spec in _MOUNT_FLAG.findall(_leading_flags(instruction.value)):
        fields = dict(part.split("=", 1) if "=" in part else (part, "") for part in spec.strip("\"'").split(","))
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if fields.get("type", "bind") != "bind" or "from" in fields or not target:
            continue
        found.append((fields.get("source") or fields.get("src") or ".", norm(posixpath.join("/", target))))
    return found


def _leading_flags(value: str) -> str:
    """The `--flag=value` words before a RUN's command."""
    words = []
    for word in value.split():
        if not word.startswith("--"):
            break
        words.append(word)
    return " ".join(words)


def has_glob(text: str) -> bool:
    """Whether a path holds a shell glob (`*`, `?`, `[`)."""
    return any(ch in text for ch in "*?[")


def candidate_paths(reference: str, workdir: str, search: list[str] = PATH_DIRS) -> list[str]:
    """In-image paths a program reference may mean: absolute, WORKDIR-relative, or found on PATH (the
    image's ENV PATH when it sets one)."""
    if reference.startswith("/"):
        return [norm(reference)]
    if "/" in reference:
        return [norm(posixpath.join(workdir, reference))]
    found = [norm(posixpath.join("/", directory, reference)) for directory in search if directory]
    return found + [posixpath.join(workdir, reference)]


def _copy_words(instruction: Instruction) -> list[str]:
    form = instruction.exec_form
    return form if form is not None else _split_words(instruction.args)


# -- RUN ------------------------------------------------------------------------------------------
def word_value(word: m.Word, scope: dict, keep_unknown: bool = False) -> str | None:
    """A word's value with `$VAR` expanded from `scope` (ARG/ENV, script constants); when it cannot be known,
    None, or with `keep_unknown` its text as written (still useful to match the same text elsewhere)."""
    if word.kind == m.LITERAL:
        return word.value
    text = word.text
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    expanded = None if "$(" in text or "`" in text else expand(text, scope)
    return expanded if expanded is not None or not keep_unknown else text


def _run_ops(instruction: Instruction, script: m.Script, scope: dict, workdir: str) -> list:
    """The file operations of one RUN, in order; `cd` moves the folder relative paths start from."""
    ops: list = []
    cwd = workdir
    heredocs = list(instruction.heredocs)
    for command in m.iter_commands(script.body, into_functions=False):
        values = [word_value(w, scope) for w in command.words]
        if not values or values[0] is None:
            continue
        name = basename(values[0])
        # the heredoc this command reads: its operator stands on the command's line, the body just below
        fed = next((h for h in heredocs if command.line <= h.line - 1 <= command.end_line), None)
        if fed is not None:
            heredocs.remove(fed)
        written = _generated(instruction, command, name, values, fed, scope, cwd)
        if written is not None:
            ops.append(written)
            continue
        if name == "cd":
            cwd = changed_directory(cwd, values[1:], scope)
            continue
        if None in values[1:]:
            continue
        arguments = values[1:]
        absolute = lambda p: norm(posixpath.join(cwd, p))  # noqa: E731 - a local shorthand
        if name in ("mv", "cp", "install"):
            op = _move_op(instruction, name, arguments, absolute)
            if op is not None:
                ops.append(op)
        elif name == "ln":
            op = _link_op(instruction, arguments, absolute)
            if op is not None:
                ops.append(op)
        elif name == "rm":
            paths = [absolute(a) for a in arguments if not a.startswith("-")]
            if paths:
                ops.append(_Remove(instruction, paths))
        elif name in ("curl", "wget"):
            op = _download_op(instruction, name, arguments, absolute)
            if op is not None:
                ops.append(op)
    return ops


def _generated(instruction, command: m.Command, name: str, values: list, fed, scope: dict, cwd: str):
    """`echo '#!/bin/sh ...' > /start.sh`, `printf ... >> f`, `cat <<EOF > f`, `tee f <<EOF`: a file written
    with text privlint can read (None when the text or the file is not known)."""
    target = command.stdout_file()
    append = any(op == ">>" for _, op, _ in command.redirects)
    if name == "tee" and fed is not None:
        files = [v for v in values[1:] if v and not v.startswith("-")]
        target_path = files[0] if len(files) == 1 else None
        append = any(v in ("-a", "--append") for v in values[1:])
    else:
        target_path = word_value(target, scope) if target is not None else None
    if not target_path or target_path.startswith("/dev/"):
        return None
    if name in ("cat", "tee") and fed is not None and len(values) <= (2 if name == "tee" else 1):
        # an unquoted delimiter expands the body as the file is written: `\$@` becomes `$@`
        text = fed.body if fed.quoted else re.sub(r"\\([$`\\])", r"\1", fed.body)
        lines = tuple(fed.line + index for index in range(text.count("\n") + 1))
    elif name in ("echo", "printf"):
        # `echo "mono Server.exe -world $WORLDFILE" > /start.sh`: what the build's variables hold does not
        # change what the script runs, so unknown ones stay as written
        # a RUN's `\`-newline is the Dockerfile's continuation, gone before the shell runs: also inside quotes
        text = _echoed(name, [(word_value(w, scope, keep_unknown=True) or "").replace("\\\n", "")
                              for w in command.words[1:]])
        if text is None:
            return None
        lines = _written_at(command, text)
    else:
        return None
    as_written = fed is not None and text == fed.body
    return _Generate(instruction, norm(posixpath.join(cwd, target_path)), text, lines, append, as_written)


def _written_at(command: m.Command, text: str) -> tuple:
    """The Dockerfile line each line of an echoed text is written on: an `echo '#!/bin/sh\\n\\` string that goes
    on over several lines puts `exec server` on a line of its own. A line whose text cannot be found there is
    put at the line before it (the command's first line for the first)."""
    source = command.text.split("\n")
    found, at = [], 0
    for line in text.split("\n"):
        probe = line.strip()[:40]
        if probe:
            for index in range(at, len(source)):
                if probe in source[index]:
                    at = index
                    break
        found.append(command.line + at)
    return tuple(found)


def _echoed(name: str, arguments: list[str]) -> str | None:
    """What `echo`/`printf` print, escapes (`\\n`) read as sh's echo reads them; None for formats it cannot know."""
    if name == "echo":
        newline = True
        while arguments and arguments[0] in ("-e", "-n", "-E", "-en", "-ne"):
            newline = newline and "n" not in arguments[0]
            arguments = arguments[1:]
        return _unescape(" ".join(arguments)) + ("\n" if newline else "")
    if not arguments:
        return None
    form, rest = arguments[0], arguments[1:]
    if not rest and "%" not in form.replace("%%", ""):
        return _unescape(form.replace("%%", "%"))
    if form in ("%s\\n", "%s\n") and rest:
        return "".join(argument + "\n" for argument in rest)
    return None


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t")


_VALUE_OPTIONS = {
    "mv": {"-S", "--suffix", "-t", "--target-directory"},
    "cp": {"-S", "--suffix", "-t", "--target-directory"},
    "install": {"-m", "--mode", "-o", "--owner", "-g", "--group", "-S", "--suffix", "-t", "--target-directory"},
}


def _move_op(instruction: Instruction, name: str, arguments: list[str], absolute):
    operands, target_dir, into_dir = [], None, None
    value_options = _VALUE_OPTIONS[name]
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        if argument == "--":
            operands += arguments[index + 1:]
            break
        if argument.startswith("--target-directory="):
            target_dir = argument.split("=", 1)[1]
        elif argument in ("-t", "--target-directory") and index + 1 < len(arguments):
            target_dir = arguments[index + 1]
            index += 1
        elif argument in value_options and index + 1 < len(arguments):
            index += 1
        elif argument.startswith("-") and argument != "-":
            if name == "install" and "d" in argument.lstrip("-") and not argument.startswith("--"):
                return None  # install -d makes folders
            if argument in ("-T", "--no-target-directory"):
                into_dir = False
        else:
            operands.append(argument)
        index += 1
    if target_dir is not None:
        sources, dest, into_dir = operands, target_dir, True
    elif len(operands) >= 2:
        sources, dest = operands[:-1], operands[-1]
        if len(sources) > 1 or dest.endswith("/"):
            into_dir = True
    else:
        return None
    if any(ch in source for source in sources for ch in "*?["):
        return None  # a glob over the image's files: not followed
    return _Move(instruction, [absolute(s) for s in sources], absolute(dest), into_dir, removes=name == "mv")


def _link_op(instruction: Instruction, arguments: list[str], absolute):
    options = [a for a in arguments if a.startswith("-")]
    operands = [a for a in arguments if not a.startswith("-")]
    if not any("s" in o.lstrip("-") or o == "--symbolic" for o in options) or len(operands) != 2:
        return None
    target, link = operands
    link_path = absolute(link)
    target_path = norm(posixpath.join(posixpath.dirname(link_path), target)) if not target.startswith("/") else \
        norm(target)
    return _Link(instruction, target_path, link_path)


def _download_op(instruction: Instruction, name: str, arguments: list[str], absolute):
    url = next((a for a in arguments if "://" in a), None)
    if url is None:
        return None
    output = None
    for index, argument in enumerate(arguments):
        following = arguments[index + 1] if index + 1 < len(arguments) else None
        if name == "curl":
            if argument in ("-o", "--output") and following:
                output = following
            elif argument.startswith("--output="):
                output = argument.split("=", 1)[1]
            elif argument.startswith("-") and not argument.startswith("--") and argument.endswith("o") and following:
                output = following  # combined short options: -fsSLo FILE
        else:
            if argument in ("-O", "--output-document") and following:
                output = following
            elif argument.startswith("--output-document="):
                output = argument.split("=", 1)[1]
            elif argument.startswith("-") and not argument.startswith("--") and argument.endswith("O") and following:
                output = following  # -qO FILE
    if output is None or output == "-":
        return None
    path = absolute(output)
    return _Write(instruction, path, Origin(DOWNLOAD, path, url=url, instruction=instruction))
