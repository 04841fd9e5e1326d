"""Dockerfile → model: dockerfile-parse behind a normaliser that fixes what it gets wrong.

dockerfile-parse splits heredoc bodies into bogus instructions, ends an instruction at an empty line
inside a continuation, drops the last instruction after a trailing `\\` at end of file and knows no
stages. The normaliser blanks heredoc bodies (kept aside), joins empty continuation lines and drops a
final `\\`, all without moving a line, so every line number stays the file's own.
"""

from __future__ import annotations

import bisect
import fnmatch
import io
import json
import posixpath
import re

from privlint.programs import BASE_ENVIRONMENTS, OFFICIAL_ARCH_NAMESPACES, OFFICIAL_MIRRORS, PATH_DIRS, PLATFORM_ARGS
from privlint.record import factory, record

#: Instructions with more physical lines than this are cut: both parsers go quadratic on them.
MAX_CONTINUATION_LINES = 5000
#: Values longer than this are not expanded (read as unknown), which bounds `${A:-${B:-...` work.
MAX_EXPANDED_LENGTH = 10_000

_HEREDOC = re.compile(r"(?<!<)<<(-?)([\"']?)([A-Za-z_][\w.-]*)\2")
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z]+)\s*=\s*(.*?)\s*$")
_FLAG = re.compile(r"--([A-Za-z][\w-]*)(?:=(\S*))?")


@record
class Heredoc:
    delimiter: str
    body: str
    line: int  # 1-based line of the body's first line
    strip_tabs: bool
    quoted: bool = False  # `<<'EOF'`: the body is taken as written, with no expansion


@record
class Instruction:
    keyword: str  # upper case: RUN, USER, ...
    value: str  # as dockerfile-parse joined it
    line: int  # 1-based first line
    end_line: int
    flags: dict[str, str] = factory(dict)
    args: str = ""  # the value without leading --flags
    heredocs: list[Heredoc] = factory(list)
    path: str | None = None  # the file it is written in, when not the Dockerfile (a compose override)

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON (exec) form's words, or None for shell form, as Docker decides it."""
        text = self.args.strip()
        if not text.startswith("["):
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        return None

    @property
    def looks_like_broken_json(self) -> bool:
        """`['/entrypoint.sh']`: meant as exec form, read by Docker as shell form."""
        text = self.args.strip()
        return text.startswith("[") and text.endswith("]") and self.exec_form is None


@record
class Stage:
    index: int
    base: str  # image reference as written (variables expanded where known)
    alias: str | None
    line: int
    instructions: list[Instruction]
    parent: "Stage | None" = None  # when FROM names an earlier stage

    def chain(self) -> list["Stage"]:
        """This stage and the stages it is built FROM, nearest first."""
        stages, current = [], self
        while current is not None and current not in stages:
            stages.append(current)
            current = current.parent
        return stages


@record
class Dockerfile:
    path: str
    lines: list[str]
    stages: list[Stage]
    global_args: dict[str, str | None]
    escape: str = "\\"
    notes: list[tuple[int, str]] = factory(list)  # (line, message) for PL900
    walks: dict = factory(dict)  # stage index -> StageWalk, filled by walk_stage
    build_args: dict = factory(dict)  # the values the build gives its ARGs (compose `build: args:`)

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_named(self, name: str) -> Stage | None:
        for stage in self.stages:
            if stage.alias is not None and stage.alias.lower() == name.lower():
                return stage
        if name.isdigit() and int(name) < len(self.stages):
            return self.stages[int(name)]
        return None


def parse_dockerfile(path: str, text: str, build_args: dict | None = None) -> Dockerfile:
    """The Dockerfile's instructions and stages; `build_args` are the values a build gives its ARGs
    (a compose service's `build: args:`), over the defaults the Dockerfile writes."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escape = _escape_directive(lines)
    normalised, heredocs, notes = _normalise(lines, escape)
    structure = _dockerfile_parse(normalised)
    instructions: list[Instruction] = []
    for item in structure:
        keyword = item["instruction"].upper()
        if keyword == "COMMENT":
            continue
        start, end = item["startline"] + 1, item["endline"] + 1
        value = item.get("value", "")
        flags, args = _split_flags(value) if keyword in _FLAGGED else ({}, value)
        instructions.append(Instruction(keyword, value, start, end, flags, args, heredocs.get(start, [])))
    if text.strip() and not instructions:
        notes.append((1, "no instruction found: is this a Dockerfile?"))
    return _build(path, lines, instructions, escape, notes, build_args or {})


_FLAGGED = {"FROM", "RUN", "COPY", "ADD"}


def _split_flags(value: str) -> tuple[dict[str, str], str]:
    flags: dict[str, str] = {}
    rest = value.lstrip()
    while rest.startswith("--"):
        match = _FLAG.match(rest)
        if not match:
            break
        flags[match.group(1).lower()] = match.group(2) if match.group(2) is not None else ""
        rest = rest[match.end():].lstrip()
    return flags, rest


def _escape_directive(lines: list[str]) -> str:
    for line in lines:
        match = _DIRECTIVE.match(line.lstrip("\ufeff"))
        if not match:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("`", "\\"):
            return match.group(2)
    return "\\"


def _normalise(lines: list[str], escape: str):
    """Blank heredoc bodies, join empty continuation lines; line numbers do not move."""
    out = list(lines)
    heredocs: dict[int, list[Heredoc]] = {}
    notes: list[tuple[int, str]] = []
    i, n = 0, len(lines)
    while i < n:
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i
        markers = []
        keyword = stripped.split(None, 1)[0].upper()
        # the physical lines of this instruction
        while True:
            if keyword in ("RUN", "COPY", "ADD"):
                markers += _HEREDOC.findall(_without_quoted(lines[i]))
            if not lines[i].rstrip().endswith(escape) or i + 1 >= n:
                break
            i += 1
            if i - start > MAX_CONTINUATION_LINES:
                notes.append((start + 1, f"instruction longer than {MAX_CONTINUATION_LINES} lines: "
                                         "the rest was skipped"))
                out[i] = ""
                break
            if not lines[i].strip():
                out[i] = escape  # Docker joins across empty lines; dockerfile-parse would stop here
        if i == n - 1 and out[i].rstrip().endswith(escape):
            _end_at_last_line(out, start, i, escape)
        i += 1
        for strip_tabs, quote, delimiter in markers:
            body_start = i
            body: list[str] = []
            while i < n:
                candidate = lines[i].lstrip("\t") if strip_tabs else lines[i]
                if candidate.rstrip("\r") == delimiter:
                    break
                body.append(candidate if strip_tabs else lines[i])
                i += 1
            if i >= n:
                notes.append((start + 1, f"heredoc <<{delimiter} is never closed"))
            for k in range(body_start, min(i + 1, n)):
                out[k] = ""
            heredocs.setdefault(start + 1, []).append(
                Heredoc(delimiter, "\n".join(body) + ("\n" if body else ""), body_start + 1, bool(strip_tabs),
                        bool(quote)))
            i += 1
    return "\n".join(out) + "\n", heredocs, notes


def _end_at_last_line(out: list[str], start: int, end: int, escape: str) -> None:
    """A continuation that runs into the end of the file ends at its last real line, as in Docker."""
    last = end
    while last > start and out[last].strip() in ("", escape):
        out[last] = ""
        last -= 1
    out[last] = out[last].rstrip()
    if out[last].endswith(escape):
        out[last] = out[last][:-1]


_QUOTED = re.compile(r"(?<!<<)(?<!<<-)(?:'[^']*'|\"(?:[^\"\\]|\\.)*\")")


def _without_quoted(line: str) -> str:
    """The line with quoted strings blanked, so `echo "a <<b"` is no heredoc (`<<'EOF'` stays)."""
    if "'" not in line and '"' not in line:
        return line
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), line)


def _dockerfile_parse(text: str) -> list[dict]:
    from dockerfile_parse import DockerfileParser  # imported here: it pulls in logging

    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8", "surrogateescape")))
    return parser.structure


# -- stages and variables ------------------------------------------------------------------
_FROM = re.compile(r"^\s*(\S+)(?:\s+AS\s+(\S+))?\s*$", re.IGNORECASE)


def _build(path, lines, instructions, escape, notes, build_args: dict) -> Dockerfile:
    global_args: dict[str, str | None] = {}
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            match = _FROM.match(instruction.args)
            image = match.group(1) if match else instruction.args.strip()
            alias = match.group(2) if match else None
            known = {**PLATFORM_ARGS, **{k: v for k, v in global_args.items() if v is not None}}
            base = expand(image, {**global_args, **known}) or image
            stage = Stage(len(stages), base, alias, instruction.line, [instruction])
            stage.parent = _stage_by_name(stages, base)
            stages.append(stage)
        elif not stages:
            if instruction.keyword == "ARG":
                for name, default in parse_arg(instruction.args):
                    global_args[name] = build_args.get(name, default)
        else:
            stages[-1].instructions.append(instruction)
    return Dockerfile(path, lines, stages, global_args, escape, notes, build_args=build_args)


def _stage_by_name(stages: list[Stage], name: str) -> Stage | None:
    for stage in stages:
        if stage.alias is not None and stage.alias.lower() == name.lower():
            return stage
    return None


def parse_arg(args: str) -> list[tuple[str, str | None]]:
    result = []
    for token in _split_words(args):
        name, sep, default = token.partition("=")
        if name:
            result.append((name, default if sep else None))
    return result


def parse_env(args: str) -> list[tuple[str, str]]:
    """`ENV a=b c="d e"`, or the legacy `ENV NAME value with spaces`."""
    words = _split_words(args)
    if words and "=" not in words[0]:
        name, _, value = args.strip().partition(" ")
        return [(name, value.strip())]
    return [(name, value) for name, _, value in (w.partition("=") for w in words)]


def _split_words(text: str) -> list[str]:
    words, current, quote, i = [], "", None, 0
    has_word = False
    while i < len(text):
        char = text[i]
        if quote:
            if char == quote:
                quote = None
            elif char == "\\" and quote == '"' and i + 1 < len(text):
                i += 1
                current += text[i]
            else:
                current += char
        elif char in "\"'":
            quote, has_word = char, True
        elif char == "\\" and i + 1 < len(text):
            i += 1
            current += text[i]
            has_word = True
        elif char.isspace():
            if has_word or current:
                words.append(current)
            current, has_word = "", False
        else:
            current += char
            has_word = True
        i += 1
    if has_word or current:
        words.append(current)
    return words


_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def expand(text: str, scope: dict[str, str | None]) -> str | None:
    """Expand `$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:+x}`, `${V+x}`; None when something stays unknown."""
    if len(text) > MAX_EXPANDED_LENGTH:
        return None  # no real USER/ARG/COPY value is this long; unknown is the safe reading
    unknown = False

    def replace(match: re.Match) -> str:
        nonlocal unknown
        name = match.group(1) or match.group(4)
        operator, word = match.group(2), match.group(3) or ""
        value = scope.get(name)
        is_set = name in scope and value is not None
        if operator in (":-", "-"):
            if is_set and (value or operator == "-"):
                return value or ""
            inner = expand(word, scope)
            if inner is None:
                unknown = True
                return ""
            return inner
        if operator in (":+", "+"):
            if name not in scope:
                unknown = True
                return ""
            return expand(word, scope) or "" if (is_set and (value or operator == "+")) else ""
        if not is_set:
            unknown = True
            return ""
        return value or ""

    result = _VARIABLE.sub(replace, text)
    return None if unknown else result


def expand_path(text: str, scope: dict[str, str | None]) -> str | None:
    """`expand` for a WORKDIR or a COPY/ADD destination: a variable the Dockerfile never declares (the base image's
    ENV, `${HOMEDIR}`) stays as written, `${NAME}`, so `COPY run.sh ${HOMEDIR}/entry.sh` and `WORKDIR ${HOMEDIR}`
    still name the same place. A declared variable with no value is unknown, as in `expand`."""
    names = {match.group(1) or match.group(4) for match in _VARIABLE.finditer(text)}
    kept = {name: "${%s}" % name for name in names if name not in scope}
    return expand(text, {**scope, **kept} if kept else scope)


@record
class StageState:
    """What is in effect before one instruction of a stage: ARG/ENV values and WORKDIR."""

    instruction: Instruction
    scope: dict  # name -> value (None when unknown)
    workdir: str


@record
class StageWalk:
    """The states of a stage's instructions, and what holds at its end."""

    states: list[StageState]
    lines: list[int]
    env: dict  # ENV at the end, inherited by stages built FROM this one
    scope: dict  # ARG and ENV at the end
    workdir: str


def walk_stage(dockerfile: Dockerfile, stage: Stage) -> StageWalk:
    """Each instruction of the stage with the scope and WORKDIR before it, in one pass (cached).

    ENV and WORKDIR carry over from the stage this one is built FROM; ARG values do not (a stage
    re-declares the ARGs it uses, and a global ARG declared again takes its global default).
    """
    cache = dockerfile.walks
    if stage.index in cache:
        return cache[stage.index]
    cache[stage.index] = StageWalk([], [], {}, {}, "/")  # a FROM cycle reads an empty parent
    env: dict[str, str | None] = {}
    workdir = "/"
    if stage.parent is not None:
        parent = walk_stage(dockerfile, stage.parent)
        env, workdir = dict(parent.env), parent.workdir
    else:  # `FROM golang` then `WORKDIR $GOPATH/src/app`: the base image's own ENV and WORKDIR, where known
        known, base_workdir = base_environment(expand(stage.base, dockerfile.global_args) or stage.base)
        env, workdir = dict(known), base_workdir or workdir
    args: dict[str, str | None] = {}
    states = []
    for instruction in stage.instructions:
        scope = {**args, **env}
        states.append(StageState(instruction, scope, workdir))
        if instruction.keyword == "ARG":
            for name, default in parse_arg(instruction.args):
                if name in dockerfile.build_args:  # `docker build --build-arg`, compose `build: args:`
                    args[name] = dockerfile.build_args[name]
                    continue
                args[name] = expand(default, scope) if default is not None else (
                    dockerfile.global_args.get(name) or PLATFORM_ARGS.get(name))  # `ARG TARGETARCH`: BuildKit's
        elif instruction.keyword == "ENV":
            for name, value in parse_env(instruction.args):
                # `ENV PATH=/app/bin:$PATH`: the base image's PATH is the usual one when nothing set it here
                env[name] = expand(value, {"PATH": ":".join(PATH_DIRS), **scope} if name == "PATH" else scope)
        elif instruction.keyword == "WORKDIR":
            value = expand_path(instruction.args.strip(), scope)
            if value:
                workdir = posixpath.normpath(posixpath.join(workdir, value))
    walk = StageWalk(states, [state.instruction.line for state in states], env, {**args, **env}, workdir)
    cache[stage.index] = walk
    return walk


def _state_at(dockerfile: Dockerfile, stage: Stage, line: int | None) -> StageState | None:
    walk = walk_stage(dockerfile, stage)
    if line is None:
        return None
    index = bisect.bisect_left(walk.lines, line)
    return walk.states[index] if index < len(walk.states) else None


def stage_scope(dockerfile: Dockerfile, stage: Stage, upto_line: int | None = None) -> dict[str, str | None]:
    """ARG and ENV values visible in `stage` before `upto_line` (ENV inherited from parent stages)."""
    state = _state_at(dockerfile, stage, upto_line)
    return state.scope if state is not None else walk_stage(dockerfile, stage).scope


def workdir_at(dockerfile: Dockerfile, stage: Stage, line: int | None = None) -> str:
    """WORKDIR before the instruction at `line`, or at the end of the stage."""
    state = _state_at(dockerfile, stage, line)
    return state.workdir if state is not None else walk_stage(dockerfile, stage).workdir


def image_name(reference: str) -> tuple[str, str]:
    """(name without docker.io/library, tag or 'latest'), lower case."""
    name = reference.split("@", 1)[0].lower()
    tag = "latest"
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        tag = last.split(":", 1)[1]
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    for prefix in OFFICIAL_MIRRORS:
        if name.startswith(prefix):
            name = name[len(prefix):]
    namespace, _, rest = name.partition("/")
    if rest and "/" not in rest and (namespace == "library" or namespace in OFFICIAL_ARCH_NAMESPACES):
        name = rest  # `arm32v7/node`, `amd64/python`: the official image built for one architecture
    return name, tag


def table_row(reference: str, table) -> tuple | None:
    """The first row of a knowledge table (programs.BASE_IMAGES, BASE_ENVIRONMENTS) whose pattern, its first
    field, matches the image: against the name without registry, or with `name:tag` for a pattern with a tag."""
    if not reference or "$" in reference:
        return None
    name, tag = image_name(reference)
    tagged = f"{name}:{tag}"
    for row in table:
        if fnmatch.fnmatchcase(tagged if ":" in row[0] else name, row[0]):
            return row
    return None


def base_environment(reference: str) -> tuple[dict, str | None]:
    """The ENV and WORKDIR a widely used base image sets (programs.BASE_ENVIRONMENTS), or ({}, None)."""
    row = table_row(reference, BASE_ENVIRONMENTS)
    return (row[1], row[2]) if row is not None else ({}, None)
