"""The container start-up, computed once for all rules: who runs, what is PID 1, what the script does."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from functools import cached_property

from privlint import shell_model as m
from privlint.dockerfile import Dockerfile, Instruction, Stage, expand, stage_scope
from privlint.flow import ScriptAnalysis
from privlint.launch import Launch, basename, read_launch
from privlint.programs import DROP_TOOLS, NON_ROOT_BASES, PLAIN_BASES, SHELLS, family
from privlint.record import factory, record
from privlint.run_shell import instruction_shell
from privlint.shell import parse_script


@record
class UserInfo:
    value: str | None  # expanded user, None when it cannot be resolved
    line: int  # the USER line, or the final FROM line when no USER applies
    from_user_instruction: bool

    @property
    def is_root(self) -> bool:
        if self.value is None:
            return False  # unresolvable: not root
        return self.value.split(":", 1)[0].strip() in ("root", "0")


@record
class Chain:
    """ENTRYPOINT and CMD as Docker combines them."""

    entrypoint: Instruction | None
    cmd: Instruction | None

    def words(self) -> list[str] | None:
        words: list[str] = []
        if self.entrypoint is not None:
            form = self.entrypoint.exec_form
            if form is None:
                return None
            words += form
        if self.cmd is not None:
            form = self.cmd.exec_form
            if form is None:
                return None if not words else words
            words += form
        return words


@record
class StartupScript:
    script: m.Script
    analysis: ScriptAnalysis
    is_entrypoint: bool  # judged as PID 1 (PL002): the entrypoint, a hop after it, or a script linted alone
    editable: bool = False  # surely shell and parsed whole: `--fix` may edit it
    role: str = "entrypoint"  # entrypoint, hop, foreground, alone
    image_path: str | None = None  # where the image has it


@record
class Startup:
    dockerfile: Dockerfile | None
    script: StartupScript | None = None  # the script PID 1 runs first
    hops: list[StartupScript] = factory(list)  # the scripts PID 1 hands over to next, in order
    foreground: list[StartupScript] = factory(list)  # scripts a PID 1 script runs and waits for
    build_scripts: list = factory(list)  # (stage, RUN instruction, m.Script) for scripts RUN executes
    script_missing: bool = False  # the chain names a script privlint could not read
    extra_drop_tools: frozenset[str] = frozenset()
    non_root_base_images: tuple[str, ...] = ()
    context: str | None = None  # the build context folder, None when there is none (standard input)
    _analyses: dict = factory(dict)

    def analyse(self, script: m.Script, sourced: dict | None = None) -> ScriptAnalysis:
        """One analysis per script, shared by every rule that reads it (PL004/PL006/PL007 read RUNs)."""
        key = id(script)
        if key not in self._analyses:
            self._analyses[key] = ScriptAnalysis(script, self.extra_drop_tools, sourced)
        return self._analyses[key]

    @property
    def pid1_scripts(self) -> list[StartupScript]:
        """The scripts that run as PID 1, in start-up order: the entrypoint, then each hop."""
        return ([self.script] if self.script is not None else []) + self.hops

    @property
    def startup_scripts(self) -> list[StartupScript]:
        """Every script of the start-up path: PID 1's and the ones they run in the foreground."""
        return self.pid1_scripts + self.foreground

    @property
    def all_build_scripts(self) -> list:
        """(stage, instruction, script) for every RUN and every script a RUN executes."""
        return self.run_scripts + self.build_scripts

    def read(self, words: list[str]) -> Launch:
        return read_launch([m.Word(w, m.LITERAL, w) for w in words], self.extra_drop_tools)

    # -- Dockerfile facts ------------------------------------------------------------------
    @cached_property
    def final_stage(self) -> Stage | None:
        return self.dockerfile.final_stage if self.dockerfile else None

    @cached_property
    def user(self) -> UserInfo | None:
        stage = self.final_stage
        if stage is None:
            return None
        last: tuple[Stage, Instruction] | None = None
        for ancestor in reversed(stage.chain()):
            for instruction in ancestor.instructions:
                if instruction.keyword == "USER":
                    last = (ancestor, instruction)
        if last is None:
            root = stage.chain()[-1]
            value = None if _non_root_base(root.base, self.non_root_base_images) else "root"
            return UserInfo(value, stage.line, False)
        owner, instruction = last
        value = expand(instruction.args.strip(), stage_scope(self.dockerfile, owner, instruction.line))
        return UserInfo(value or None, instruction.line, True)

    @cached_property
    def chain(self) -> Chain:
        entrypoint = cmd = None
        cmd_stage = None
        stage = self.final_stage
        if stage is None:
            return Chain(None, None)
        for ancestor in reversed(stage.chain()):
            for instruction in ancestor.instructions:
                if instruction.keyword == "ENTRYPOINT":
                    entrypoint = instruction
                    if cmd_stage is not ancestor:
                        cmd = None
                elif instruction.keyword == "CMD":
                    cmd, cmd_stage = instruction, ancestor
        return Chain(entrypoint, cmd)

    @cached_property
    def chain_scripts(self) -> list[tuple[Instruction, m.Script]]:
        """Shell-form ENTRYPOINT/CMD parsed as the `sh -c` scripts Docker turns them into."""
        result = []
        if self.final_stage is None or not posix_shell(self.final_stage):
            return result
        for instruction in (self.chain.entrypoint, self.chain.cmd):
            if instruction is not None and instruction.exec_form is None:
                for source, offset in instruction_shell(self.dockerfile, instruction):
                    result.append((instruction, parse_script(self.dockerfile.path, source, offset)))
        return result

    @cached_property
    def chain_analyses(self) -> list[tuple[Instruction, ScriptAnalysis]]:
        return [(instruction, self.analyse(script)) for instruction, script in self.chain_scripts]

    @cached_property
    def chain_launch(self) -> Launch | None:
        """The reading of the exec-form chain (None when a shell form is involved or there is none)."""
        words = self.chain.words()
        if not words:
            return None
        return self.read(words)

    @cached_property
    def run_scripts(self) -> list[tuple[Stage, Instruction, m.Script]]:
        """Every RUN of every stage, parsed as shell at its own lines."""
        result = []
        if self.dockerfile is None:
            return result
        for stage in self.dockerfile.stages:
            if not posix_shell(stage):
                continue
            for instruction in stage.instructions:
                if instruction.keyword == "RUN" and instruction.exec_form is None:
                    for source, offset in instruction_shell(self.dockerfile, instruction):
                        result.append((stage, instruction, parse_script(self.dockerfile.path, source, offset)))
        return result

    @cached_property
    def image(self):
        """The file map of every stage (imagefs.ImageFiles)."""
        from privlint.imagefs import ImageFiles

        scripts: dict[int, list] = {}
        for _, instruction, script in self.run_scripts:
            scripts.setdefault(id(instruction), []).append(script)
        return ImageFiles(self.dockerfile, self.context, scripts)

    @cached_property
    def downloads(self):
        from privlint.downloads import StageDownloads

        return StageDownloads(self)

    def installed_drop_tool(self) -> str | None:
        """gosu or su-exec when some RUN or COPY of the Dockerfile puts it into the image."""
        if self.dockerfile is None:
            return None
        text = " ".join(i.value for stage in self.dockerfile.stages for i in stage.instructions
                        if i.keyword in ("RUN", "COPY", "ADD"))
        for tool in ("gosu", "su-exec"):
            if re.search(rf"(?<![\w-]){tool}(?![\w])", text):
                return tool
        return None

    # -- the entrypoint reference ------------------------------------------------------------
    def program_reference(self) -> str | None:
        """The program the container starts, looking through init wrappers and `sh -c`/`bash script`."""
        launch = self.chain_launch
        if launch is not None:
            return script_of(launch.program)
        for _, analysis in self.chain_analyses:
            for end in analysis.path_ends():
                if isinstance(end.command, m.Command):
                    for reading in analysis.launches(end.command):
                        reference = script_of(reading.program)
                        if reference:
                            return reference
        return None

    # -- privilege facts -------------------------------------------------------------------
    def drops_privileges(self) -> bool:
        """A drop that hands over the main process: in ENTRYPOINT/CMD, or where a script path ends.

        A mid-script `gosu app init-db` drops only for that one command, so it does not count;
        `set -- gosu app "$@"` before `exec "$@"` does.
        """
        if self.chain_launch is not None and hands_to_user(self.chain_launch):
            return True
        analyses = [analysis for _, analysis in self.chain_analyses] + [s.analysis for s in self.pid1_scripts]
        return any(_drops_at_path_end(analysis) for analysis in analyses)

    def main_launches(self) -> list[Launch]:
        """Readings of the programs the container ends up running, `"$@"` replaced by the CMD."""
        cmd_words = self.chain.cmd.exec_form if self.chain.cmd is not None else None
        found: list[Launch] = []
        if self.chain_launch is not None and self.chain_launch.program and self.script is None:
            found.append(self.chain_launch)
        scripts = self.pid1_scripts
        hop_paths = {s.image_path for s in self.hops if s.image_path}
        analyses = [a for _, a in self.chain_analyses] + [s.analysis for s in scripts]
        for position, analysis in enumerate(analyses):
            handed_over = position < len(analyses) - 1 and bool(self.hops)  # a hop after it runs the program
            for end in analysis.path_ends():
                if not isinstance(end.command, m.Command) or not analysis.is_long_running(end.command):
                    continue
                for reading in analysis.launches(end.command):
                    if reading.runs_args:  # the default CMD, or what `set --` puts there when it is empty
                        if handed_over:
                            continue
                        found += [self.read(cmd_words)] if cmd_words else [
                            r for r in _set_positionals(analysis) if r.program_name]
                    elif reading.program_name and not (handed_over and _names_hop(reading, hop_paths)):
                        found.append(reading)
        return found

    def main_programs(self) -> set[str]:
        """Names of the programs the container ends up running, where they can be told."""
        names = {_program_kind(launch) for launch in self.main_launches() if launch.program_name}
        return {family(name) for name in names}

    def inherits_unknown_entrypoint(self) -> bool:
        """No ENTRYPOINT in this file and a base image that may set one of its own (and drop there)."""
        if self.chain.entrypoint is not None or self.final_stage is None:
            return False
        return not _plain_base(self.final_stage.chain()[-1].base)


def _names_hop(launch: Launch, hop_paths: set[str]) -> bool:
    program = script_of(launch.program) or ""
    return any(path == program or path.endswith("/" + program.lstrip("./")) for path in hop_paths)


def _program_kind(launch: Launch) -> str:
    """The program's name, telling busybox `httpd -p 80 -h /www` from Apache's httpd."""
    name = launch.program_name or ""
    if name == "httpd" and any(w.value in ("-p", "-h") for w in launch.program[1:]):
        return "busybox-httpd"
    return name


def _echoed_drop(analysis: ScriptAnalysis, command: m.Command) -> bool:
    """`exec $(test -z "$ROOT" && echo su-exec app) /app "$@"`: a drop tool printed into the command."""
    tools = DROP_TOOLS | analysis.extra_drop_tools
    for nested in command.nested:
        for inner in m.iter_commands(nested):
            printed = [token for w in inner.words[1:] for token in (w.value or "").split()]
            if inner.name in ("echo", "printf") and any(basename(token) in tools for token in printed):
                return True
    return False


def damage_may_hide_drop(script: m.Script, extra_drop_tools=frozenset()) -> bool:
    """Whether lines that could not be parsed mention a drop tool (or an exec of a variable)."""
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(DROP_TOOLS | set(extra_drop_tools))))
                         + r")(?![\w-])|\bexec\s+\$|\beval\b")
    for damage in script.damage:
        for line in range(damage.line, damage.end_line + 1):
            if pattern.search(script.source_line(line)):
                return True
    return False


def _set_positionals(analysis: ScriptAnalysis) -> list[Launch]:
    """`set -- dockerd "$@"`, `set -- gosu app "$@"`: what the script puts into "$@" before running it."""
    return [read_launch(command.words[2:], analysis.extra_drop_tools)
            for command in analysis.reachable_commands()
            if command.name == "set" and len(command.words) > 2 and command.words[1].value == "--"]


def hands_to_user(launch: Launch) -> bool:
    """A drop tool, or sudo/su switching to a user other than root (PL001 reports those; they still drop)."""
    return bool(launch.drop) or (launch.sudo is not None and launch.sudo_user not in (None, "root", "0"))


def _drops_at_path_end(analysis: ScriptAnalysis) -> bool:
    for end in analysis.path_ends():
        if not isinstance(end.command, m.Command):
            continue
        if any(hands_to_user(launch) for launch in analysis.launches(end.command)) or \
                _echoed_drop(analysis, end.command):
            return True
    return any(reading.drop for reading in _set_positionals(analysis))


def script_of(program: list[m.Word]) -> str | None:
    """The file a program line runs: the program itself, or the script a shell is given."""
    if not program or program[0].kind != m.LITERAL:
        return None
    name = basename(program[0].value)
    if name in SHELLS:
        for word in program[1:]:
            value = word.value if word.kind == m.LITERAL else None
            if value is None:
                return None
            if value in ("-c",):
                return None
            if not value.startswith("-"):
                return value
        return None
    return program[0].value


def looks_like_script(reference: str) -> bool:
    """A reference named like a script: privlint will not guess what an unread script does."""
    name = posixpath.basename(reference).lower()
    return name.endswith((".sh", ".bash")) or "entrypoint" in name or "entry-point" in name


_WINDOWS_BASES = re.compile(
    r"(^|/)(windows|servercore|nanoserver|windowsservercore)([/:]|$)|mcr\.microsoft\.com/windows", re.IGNORECASE)


def posix_shell(stage: Stage) -> bool:
    """Whether RUN and shell-form commands of the stage run in a POSIX shell (not Windows, not SHELL pwsh)."""
    for ancestor in stage.chain():
        for instruction in reversed(ancestor.instructions):
            if instruction.keyword == "SHELL":
                form = instruction.exec_form or []
                program = form[0].replace("\\", "/").rsplit("/", 1)[-1].lower() if form else ""
                return program.removesuffix(".exe") in SHELLS
    return not _WINDOWS_BASES.search(stage.chain()[-1].base)


def _plain_base(base: str) -> bool:
    name = base.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        if parts[0] in ("docker.io", "index.docker.io", "registry-1.docker.io"):
            parts = parts[1:]
        else:
            registry_path = "/".join(parts)
            return registry_path.startswith(("gcr.io/distroless/", "mcr.microsoft.com/dotnet/",
                                             "registry.access.redhat.com/ubi", "public.ecr.aws/amazonlinux/"))
    if parts and parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts) in PLAIN_BASES


def _non_root_base(base: str, extra_patterns=()) -> bool:
    return any(fnmatch.fnmatch(base, pattern) for pattern in (*NON_ROOT_BASES, *extra_patterns))
