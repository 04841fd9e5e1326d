"""The container start-up, computed once for all rules: who runs, what is PID 1, what the script does."""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass, field
from functools import cached_property

from privlint import shell_model as m
from privlint.dockerfile import Dockerfile, Instruction, Stage, expand, stage_scope
from privlint.flow import ScriptAnalysis
from privlint.launch import Launch, basename, read_launch
from privlint.run_shell import _SHELLS, instruction_shell
from privlint.shell import parse_script

#: Base images whose default user is not root.
NON_ROOT_BASES = ["*:nonroot", "*:*-nonroot", "*/nginx-unprivileged*", "nginx-unprivileged*", "bitnami/*",
                  "*/bitnami/*"]

#: Servers that start as root and switch their workers to another user by themselves.
SELF_DROPPING_SERVERS = {"nginx", "httpd", "apache2", "apache2ctl", "apachectl", "haproxy", "php-fpm",
                         "postfix", "sshd", "dovecot", "named", "openvpn", "squid", "lighttpd", "vsftpd"}

#: Process supervisors: the tree starts as root by design and each service drops on its own.
SUPERVISORS = {"supervisord", "s6-svscan", "runsvdir", "init", "my_init", "systemd", "s6-overlay",
               "runit", "openrc-init"}


@dataclass
class UserInfo:
    value: str | None  # expanded user, None when it cannot be resolved
    line: int  # the USER line, or the final FROM line when no USER applies
    from_user_instruction: bool

    @property
    def is_root(self) -> bool:
        if self.value is None:
            return False  # unresolvable: not root
        return self.value.split(":", 1)[0].strip() in ("root", "0")


@dataclass
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


@dataclass
class StartupScript:
    script: m.Script
    analysis: ScriptAnalysis
    is_entrypoint: bool


@dataclass
class Startup:
    dockerfile: Dockerfile | None
    script: StartupScript | None = None
    helpers: list[StartupScript] = field(default_factory=list)
    script_reference: str | None = None  # the in-image path the chain names
    script_missing: bool = False  # the chain names a script privlint could not read
    extra_drop_tools: frozenset[str] = frozenset()
    non_root_base_images: tuple[str, ...] = ()

    def analyse(self, script: m.Script) -> ScriptAnalysis:
        return ScriptAnalysis(script, self.extra_drop_tools)

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
            for instruction in stage.instructions:
                if instruction.keyword == "RUN" and instruction.exec_form is None:
                    for source, offset in instruction_shell(self.dockerfile, instruction):
                        result.append((stage, instruction, parse_script(self.dockerfile.path, source, offset)))
        return result

    @cached_property
    def downloads(self):
        from privlint.downloads import StageDownloads

        return StageDownloads(self)

    # -- the entrypoint reference ------------------------------------------------------------
    def program_reference(self) -> str | None:
        """The program the container starts, looking through init wrappers and `sh -c`/`bash script`."""
        launch = self.chain_launch
        if launch is not None:
            return _script_of(launch.program)
        for _, analysis in self.chain_analyses:
            for end in analysis.path_ends():
                if isinstance(end.command, m.Command):
                    for reading in analysis.launches(end.command):
                        reference = _script_of(reading.program)
                        if reference:
                            return reference
        return None

    # -- privilege facts -------------------------------------------------------------------
    def drops_privileges(self) -> bool:
        """A drop that hands over the main process: in ENTRYPOINT/CMD, or where a script path ends.

        A mid-script `gosu app init-db` drops only for that one command, so it does not count;
        `set -- gosu app "$@"` before `exec "$@"` does.
        """
        if self.chain_launch is not None and self.chain_launch.drop:
            return True
        analyses = [analysis for _, analysis in self.chain_analyses]
        if self.script is not None:
            analyses.append(self.script.analysis)
        return any(_drops_at_path_end(analysis) for analysis in analyses)

    def main_programs(self) -> set[str]:
        """Names of the programs the container ends up running, where they can be told."""
        names: set[str] = set()
        cmd_words = self.chain.cmd.exec_form if self.chain.cmd is not None else None
        launch = self.chain_launch
        if launch is not None and launch.program and self.script is None:
            name = launch.program_name
            if name:
                names.add(name)
        if self.script is not None:
            analysis = self.script.analysis
            for end in analysis.path_ends():
                if not isinstance(end.command, m.Command) or not analysis.is_long_running(end.command):
                    continue
                for reading in analysis.launches(end.command):
                    if reading.runs_args and cmd_words:
                        names.add(self.read(cmd_words).program_name or "")
                    elif reading.program_name:
                        names.add(reading.program_name)
        names.discard("")
        return names


def _drops_at_path_end(analysis: ScriptAnalysis) -> bool:
    for end in analysis.path_ends():
        if isinstance(end.command, m.Command) and any(l.drop for l in analysis.launches(end.command)):
            return True
    for command in analysis.reachable_commands():
        if command.name == "set" and len(command.words) > 2 and command.words[1].value == "--":
            if read_launch(command.words[2:], analysis.extra_drop_tools).drop:
                return True
    return False


def _script_of(program: list[m.Word]) -> str | None:
    """The file a program line runs: the program itself, or the script a shell is given."""
    if not program or program[0].kind != m.LITERAL:
        return None
    name = basename(program[0].value)
    if name in _SHELLS:
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


def _non_root_base(base: str, extra_patterns=()) -> bool:
    return any(fnmatch.fnmatch(base, pattern) for pattern in (*NON_ROOT_BASES, *extra_patterns))
