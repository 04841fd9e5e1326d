"""The container start-up, computed once for all rules: who runs, what is PID 1, what the script does."""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import re
import shlex
from functools import cached_property

from privlint import shell_model as m
from privlint.dockerfile import Dockerfile, Instruction, Stage, expand, stage_scope, table_row
from privlint.flow import ScriptAnalysis
from privlint.launch import Launch, basename, read_launch
from privlint.programs import (
    BASE_IMAGES,
    CONFIG_SWITCHING_SERVERS,
    DROP_TOOLS,
    INIT_WRAPPERS,
    INTERACTIVE,
    NETWORK_SETUP,
    PATH_DIRS,
    SHELLS,
    USER_CHECK,
    VPN_DAEMONS,
    family,
)
from privlint.record import factory, record
from privlint.run_shell import instruction_shell
from privlint.shell import parse_script, pin_lines


def _compose_instruction(keyword: str, setting, path: str) -> Instruction:
    """A compose `entrypoint:`/`command:` as the instruction it replaces: words, never shell form."""
    import json

    text = json.dumps(setting.value)
    return Instruction(keyword, text, setting.line, setting.line, args=text, path=path)


def is_root_user(value: str) -> bool:
    """`root`, `0`, `0:0`, `root:root`: the user part names root."""
    return value.split(":", 1)[0].strip() in ("root", "0")


@record
class UserInfo:
    value: str | None  # expanded user, None when it cannot be resolved
    line: int  # the USER line, or the final FROM line when no USER applies
    from_user_instruction: bool
    base_known: bool = True  # False: no USER, and a base image privlint does not know (it may set one)
    path: str | None = None  # the compose file whose `user:` sets it; None: the Dockerfile

    @property
    def is_root(self) -> bool:
        if self.value is None:
            return False  # unresolvable: not root
        return is_root_user(self.value)

    def origin(self) -> str:
        """Where the user comes from, for messages: `USER app at line 7`, compose's `user:`, or the base's."""
        if self.path is not None:
            return f"`user: {self.value}` at {self.path}:{self.line}"
        if self.from_user_instruction:
            return f"USER {self.value} at line {self.line}"
        return "the base image's user"


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
    via: object = None  # finding.Related: what runs it (ENTRYPOINT/CMD, or the command handing over to it)
    string_of: Instruction | None = None  # a `sh -c` string: the CMD (or compose `command:`) that gives it


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
    service: object = None  # compose.Service when a compose service runs the image
    github_action: str | None = None  # the action.yml that runs the image as a GitHub Action (as root)
    _analyses: dict = factory(dict)

    def analyse(self, script: m.Script, sourced: dict | None = None) -> ScriptAnalysis:
        """One analysis per script, shared by every rule that reads it (PL004/PL006/PL007 read RUNs)."""
        key = id(script)
        if key not in self._analyses:
            self._analyses[key] = ScriptAnalysis(script, self.extra_drop_tools, sourced, self.base_entrypoints,
                                                 self.environment)
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
        return read_launch([m.Word(w, m.LITERAL, w) for w in words], self.extra_drop_tools, self.base_entrypoints)

    # -- Dockerfile facts ------------------------------------------------------------------
    @cached_property
    def final_stage(self) -> Stage | None:
        """The stage the image is built from: the last, or the compose service's `target:`."""
        if self.dockerfile is None:
            return None
        if self.service is not None and self.service.target:
            return self.dockerfile.stage_named(self.service.target) or self.dockerfile.final_stage
        return self.dockerfile.final_stage

    @cached_property
    def start_scope(self) -> dict:
        """The final stage's ARG and ENV values, then a compose service's `environment:`: what a variable of the
        start-up holds when nothing in the script sets it."""
        scope = stage_scope(self.dockerfile, self.final_stage) if self.final_stage is not None else {}
        return {**scope, **self.environment}

    @cached_property
    def environment(self) -> dict:
        """The final stage's ENV (and ARG) values with a known value: what start-up scripts see."""
        if self.dockerfile is None or self.final_stage is None:
            return {}
        from privlint.dockerfile import walk_stage

        found = {name: value for name, value in walk_stage(self.dockerfile, self.final_stage).env.items()
                 if value is not None}
        if self.service is not None:
            found.update(self.service.environment)  # compose `environment:` wins
        return found

    @cached_property
    def base(self) -> BaseImage | None:
        """What privlint knows of the final stage's base image (through earlier stages), or None."""
        if self.final_stage is None:
            return None
        return base_image(self.final_stage.chain()[-1].base, self.non_root_base_images)

    def network_end(self) -> bool:
        """A start-up that brings up a kernel network interface (`wg-quick up wg0`) and then only keeps the
        container alive (`sleep infinity`, a loop of `sleep`): the interface is its work, and that needs root."""
        launches = self.main_launches()
        if launches and all(family(launch.program_name or "") in VPN_DAEMONS for launch in launches):
            return True  # `exec openvpn --config client.ovpn`: a VPN end
        scripts = self.pid1_scripts
        if not scripts:
            return False
        if not any(_runs_network_setup(script.analysis) for script in scripts):
            return False
        return all(launch.keeps_alive() for launch in self.main_launches())

    def runs_base_server(self, launch: Launch) -> bool:
        """`php-fpm` on top of `php:*-fpm`: the program the base image runs as its service (its CMD), started as
        it does, so it stays in the foreground there (the image configures it so)."""
        base = self.base
        if base is None or not base.cmd or launch.program_name is None or launch.program_name in INTERACTIVE:
            return False
        if launch.program_name != basename(base.cmd[0]) or not launch.is_long_running():
            return False
        wanted = [word for word in base.cmd[1:] if not word.startswith("-")][:1]  # `caddy run`, not `caddy fmt`
        given = [w.value for w in launch.program[1:] if w.kind == m.LITERAL and not (w.value or "-").startswith("-")]
        return not wanted or given[:1] == wanted

    @cached_property
    def base_entrypoints(self) -> frozenset[str]:
        """The references that run the base image's entrypoint script (which sets up, then runs its arguments):
        its bare name found on PATH and its absolute paths, each only while the Dockerfile has not put a file of its
        own there (`COPY run.sh /docker-entrypoint.sh` over `FROM node` is the project's script)."""
        if self.base is None or not self.base.entrypoint:
            return frozenset()
        references = set()
        image_known = self.context is not None and self.dockerfile is not None and self.final_stage is not None
        if image_known:
            from privlint.dockerfile import workdir_at
            from privlint.imagefs import BASE

            workdir = workdir_at(self.dockerfile, self.final_stage)
        for word in self.base.entrypoint:
            name = basename(word)
            if not name or not (name.endswith(".sh") or "entrypoint" in name):
                continue
            for reference in [name, *(posixpath.join(folder, name) for folder in [*PATH_DIRS, "/"])]:
                if image_known:
                    origin = self.image.resolve(self.final_stage, reference, workdir)
                    if getattr(origin, "kind", None) != BASE:
                        continue  # the Dockerfile puts its own file there
                references.add(reference)
        return frozenset(references)

    def base_drops(self, launch: Launch) -> bool:
        """The launch goes through the base image's entrypoint, which drops for its default program."""
        base = self.base
        if base is not None and base.dropping_scripts and launch.program and \
                basename(launch.program[0].value or "") in base.dropping_scripts:
            return True  # `start-notebook.sh` of jupyter/*, run as root: it switches to jovyan itself
        if not launch.via_base or base is None or not base.drops:
            return False
        alone = len(launch.program) == 1 and (launch.program[0].value or "") in self.base_entrypoints
        if launch.runs_args or not launch.program or alone:  # `exec docker-entrypoint.sh` with nothing after it
            words = self._effective_cmd()
        else:
            words = [w.value or "" for w in launch.program]
        if not words:
            return True
        return words[0].startswith("-") or basename(words[0]) in {basename(p) for p in base.drops}

    def _effective_cmd(self) -> list[str]:
        if self.chain.cmd is not None:
            return self.chain.cmd.exec_form or []
        if self.chain.entrypoint is None and self.base is not None:
            return list(self.base.cmd or [])
        return []

    def is_base_program(self, reference: str) -> bool:
        """A program the base image's own ENTRYPOINT/CMD names (tomcat's catalina.sh)."""
        base = self.base
        return base is not None and reference in (base.entrypoint or []) + (base.cmd or [])

    def launch_drops(self, launch: Launch) -> bool:
        """A drop tool, sudo/su to another user, or the base image's dropping entrypoint."""
        if launch.drop and launch.drop_user is None and launch.drop_user_text:
            user = expand(launch.drop_user_text, self.start_scope)
            if user and is_root_user(user):
                return False  # `ENV PUID=0` ... `su-exec ${PUID}:${PGID}`: it switches to root
        return hands_to_user(launch) or self.base_drops(launch)

    @cached_property
    def user(self) -> UserInfo | None:
        stage = self.final_stage
        if stage is None:
            return None
        if self.service is not None and self.service.user is not None:
            setting = self.service.user
            return UserInfo(setting.value, setting.line, True, path=setting.path or self.service.path)
        last: tuple[Stage, Instruction] | None = None
        for ancestor in reversed(stage.chain()):
            for instruction in ancestor.instructions:
                if instruction.keyword == "USER":
                    last = (ancestor, instruction)
        if last is None:
            base = self.base
            if base is None:
                return UserInfo("root", stage.line, False, base_known=False)
            return UserInfo(base.user or "root", stage.line, False)
        owner, instruction = last
        value = expand(instruction.args.strip(), stage_scope(self.dockerfile, owner, instruction.line))
        return UserInfo(value or None, instruction.line, True)

    @cached_property
    def chain(self) -> Chain:
        """ENTRYPOINT and CMD in effect: the final stage's (through the stages it builds on), or a compose
        service's `entrypoint:` (which also resets CMD) and `command:`."""
        chain = self._dockerfile_chain()
        service = self.service
        if service is None:
            return chain
        entrypoint, cmd = chain.entrypoint, chain.cmd
        if service.entrypoint is not None:
            entrypoint, cmd = _compose_instruction("ENTRYPOINT", service.entrypoint,
                                                   service.entrypoint.path or service.path), None
        if service.command is not None:
            cmd = _compose_instruction("CMD", service.command, service.command.path or service.path)
        return Chain(entrypoint, cmd)

    def _dockerfile_chain(self) -> Chain:
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
        """Shell-form ENTRYPOINT/CMD parsed as the `sh -c` scripts Docker turns them into, and the string of
        an exec-form `["sh", "-c", "..."]`, at its instruction's line."""
        result = []
        if self.final_stage is None or not posix_shell(self.final_stage):
            return result
        for instruction in (self.chain.entrypoint, self.chain.cmd):
            if instruction is not None and instruction.exec_form is None:
                for source, offset in instruction_shell(self.dockerfile, instruction):
                    result.append((instruction, parse_script(self.dockerfile.path, source, offset)))
        string = self.exec_form_shell_string()
        if string is not None:
            instruction, text = string
            result.append((instruction, self.parse_string(instruction, text)))
        return result

    def parse_string(self, instruction: Instruction, text: str) -> m.Script:
        """A `sh -c` string an instruction gives (CMD, a compose `command:`), parsed at the instruction's line; a
        string of several lines (`- |` in compose) has its commands reported at that line."""
        script = parse_script(instruction.path or self.dockerfile.path, text, instruction.line - 1)
        if "\n" in text:
            pin_lines(script, lambda _line: instruction.line)
        return script

    def exec_form_shell_string(self) -> tuple[Instruction, str] | None:
        """(instruction, text) of `["sh", "-c", "text"]` in the exec-form chain, looking through init wrappers."""
        launch = self.chain_launch
        if launch is None or launch.program_name not in SHELLS:
            return None
        values = [w.value or "" for w in launch.program[1:]]
        for index, value in enumerate(values):
            if not value.startswith("-"):
                return None
            if "c" in value.lstrip("-") and not value.startswith("--") and index + 1 < len(values):
                text = values[index + 1]
                cmd = self.chain.cmd
                owner = cmd if cmd is not None and text in (cmd.exec_form or []) else (self.chain.entrypoint or cmd)
                return (owner, text) if owner is not None else None
        return None

    @cached_property
    def chain_analyses(self) -> list[tuple[Instruction, ScriptAnalysis]]:
        return [(instruction, self.analyse(script)) for instruction, script in self.chain_scripts]

    @cached_property
    def chain_launch(self) -> Launch | None:
        """The reading of the exec-form chain (None when a shell form is involved or there is none).

        What the Dockerfile does not set comes from the base image: its ENTRYPOINT when the Dockerfile
        sets none, and its CMD too when the Dockerfile sets neither.
        """
        words = self.chain.words()
        if words is None:
            return None
        base = self.base
        if base is not None and self.chain.entrypoint is None:
            words = list(base.entrypoint or []) + words
            if self.chain.cmd is None:
                words += list(base.cmd or [])
        if not words:
            return None
        return self.read(words)

    @cached_property
    def behind_init(self) -> bool:
        """An init (tini, dumb-init, compose `init: true`) is PID 1 and runs the start-up as its child: a shell script
        there is no PID 1, and SIGTERM, which the init passes on, ends it by default."""
        if self.service is not None and self.service.init is not None:
            return True
        words = list(self.chain.words() or [])
        base = self.base
        if base is not None and self.chain.entrypoint is None:
            words = list(base.entrypoint or []) + (words if self.chain.cmd is not None else list(base.cmd or []))
        return bool(words) and basename(words[0]) in INIT_WRAPPERS

    def inherits_start(self) -> bool:
        """The Dockerfile sets neither ENTRYPOINT nor CMD: the base image's start-up runs."""
        return self.chain.entrypoint is None and self.chain.cmd is None

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
                elif instruction.keyword == "RUN" and instruction.exec_form:
                    # `RUN ["sh", "./setup.sh"]`: the one command it runs, read as a line of shell at the RUN's line
                    script = parse_script(self.dockerfile.path, shlex.join(instruction.exec_form),
                                          instruction.line - 1)
                    pin_lines(script, lambda _line, at=instruction.line: at)
                    result.append((stage, instruction, script))
        return result

    @cached_property
    def image(self):
        """The file map of every stage (imagefs.ImageFiles)."""
        from privlint.imagefs import ImageFiles

        scripts: dict[int, list] = {}
        for _, instruction, script in self.run_scripts:
            scripts.setdefault(id(instruction), []).append(script)
        mounts = [setting.value for setting in self.service.mounts] if self.service is not None else []
        stage = self.final_stage.index if self.final_stage is not None else None
        return ImageFiles(self.dockerfile, self.context, scripts, mounts, stage)

    @cached_property
    def downloads(self):
        from privlint.downloads import StageDownloads

        return StageDownloads(self)

    def created_user(self) -> str | None:
        """The user a RUN of the final stage's chain creates (`useradd ... app`, `adduser -S app`), if one."""
        chain = self.final_stage.chain() if self.final_stage else []
        found = None
        for stage, _, script in self.run_scripts:
            if stage not in chain:
                continue
            for command in m.iter_commands(script.body):
                if command.name in ("useradd", "adduser"):
                    name = _new_user(command)
                    if name:
                        found = name
        return found

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
        if launch is not None and self.exec_form_shell_string() is None and (launch.program or not self.chain_analyses):
            return script_of(launch.program)
        for _, analysis in self.chain_analyses:  # `sh -c` strings; a shell-form CMD after `ENTRYPOINT ["tini", "--"]`
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
        if self.chain_launch is not None and self.launch_drops(self.chain_launch):
            return True
        analyses = [analysis for _, analysis in self.chain_analyses] + [s.analysis for s in self.pid1_scripts]
        return any(_drops_at_path_end(analysis, self.launch_drops) or _reruns_dropped(analysis, self.launch_drops)
                   for analysis in analyses)

    def opt_in_drop(self) -> list[str] | None:
        """The environment variables a drop waits for, when every drop is opt-in and root is the default.

        `if [ -n "$PUID" ]; then exec gosu "$PUID" "$@"; else exec "$@"; fi`: the drop happens only when
        PUID is set. A drop under a test of the current user (`id -u`, `$EUID`, `whoami`) or of the
        command (`$1`) is a real one; so is one whose variable the image sets with ENV.
        """
        env = self.start_scope
        names: list[str] = []
        other_path = False
        for script in self.pid1_scripts:
            analysis = script.analysis
            for end in analysis.path_ends():
                command = end.command
                if not isinstance(command, m.Command):
                    continue
                launches = analysis.launches(command)
                if not any(self.launch_drops(launch) for launch in launches):
                    other_path = other_path or analysis.is_long_running(command)
                    continue
                guards = _guards_of(analysis, command)
                text = " ".join(guard[0] for guard in guards)
                if is_user_check(text):
                    return None
                variables = [v for v in _VARIABLE_NAME.findall(text) if v not in env and not v.isdigit()]
                if not variables:
                    return None
                names += [v for v in dict.fromkeys(variables) if v not in names]
        return names if names and other_path else None

    def root_by_default_drop(self) -> tuple[m.Command, list[str]] | None:
        """(the drop, its variables) when every drop at a path end switches to a user the script defaults to root
        and the image does not set: `PUID=${PUID:=0}` ... `exec su-exec ${PUID}:${PGID} "$@"` runs as root
        unless PUID is given."""
        env = self.start_scope
        found = None
        for script in self.pid1_scripts:
            analysis = script.analysis
            defaults = _script_defaults(script.script)
            for end in analysis.path_ends():
                command = end.command
                if not isinstance(command, m.Command):
                    continue
                for launch in analysis.launches(command):
                    if not self.launch_drops(launch):
                        continue
                    text = launch.drop_user_text if launch.drop and launch.drop_user is None else None
                    text = (text or "").split(":", 1)[0]  # the user, not the group: `${PUID}:${PGID}`
                    names = [n for n in dict.fromkeys(_VARIABLE_NAME.findall(text)) if n not in env]
                    if not names or any(n not in defaults for n in names):
                        return None  # a drop to a user privlint cannot show is root
                    user = expand(text, {**defaults, **env})
                    if not user or not is_root_user(user):
                        return None
                    found = found or (command, names)
        return found

    def config_switches_user(self, launch: Launch) -> bool:
        """`uwsgi --ini uwsgi.ini` whose file (read through the image's file map, relative to WORKDIR) sets `uid`:
        the server switches user by itself."""
        known = CONFIG_SWITCHING_SERVERS.get(launch.program_name or "")
        if known is None or self.final_stage is None or self.dockerfile is None or self.context is None:
            return False
        options, pattern = known
        words = [w.value or "" for w in launch.program[1:]]
        files = [words[i + 1] for i, w in enumerate(words[:-1]) if w in options]
        files += [w.split("=", 1)[1] for w in words if any(w.startswith(o + "=") for o in options)]
        files += [w for w in words if w.endswith(".ini") and not w.startswith("-")]
        from privlint.dockerfile import workdir_at
        from privlint.imagefs import CONTEXT
        from privlint.source import UnreadableFile, read_source

        workdir = workdir_at(self.dockerfile, self.final_stage)
        for name in dict.fromkeys(files):
            origin = self.image.files(self.final_stage).lookup(posixpath.join(workdir, name))
            if getattr(origin, "kind", None) != CONTEXT or not origin.file:
                continue
            try:
                if re.search(pattern, read_source(origin.file).text):
                    return True
            except UnreadableFile:
                continue
        return False

    def guarded_by_user_check(self, analysis: ScriptAnalysis, command: m.Command) -> bool:
        """Whether a test of the current user (`[ "$(id -u)" = 0 ]`, `$EUID`, `whoami`) leads to the command."""
        return is_user_check(" ".join(guard[0] for guard in _guards_of(analysis, command)))

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
            for command in _ending_commands(analysis):
                if not analysis.is_long_running(command):
                    continue
                for reading in analysis.launches(command):
                    if reading.runs_args:  # the default CMD, or what `set --` puts there when it is empty
                        if handed_over:
                            continue
                        found += [self.read(cmd_words)] if cmd_words else [
                            r for r in _set_positionals(analysis) if r.program_name]
                    elif reading.program_name and not (handed_over and _names_hop(reading, hop_paths)):
                        found.append(reading)
        if not found:  # `uwsgi --ini app.ini` then `exec "$@"` with no CMD: the server in the foreground is the main
            for analysis in analyses:
                for command in analysis.reachable_commands():
                    if not command.background and not analysis.place(command).condition:
                        found += [r for r in analysis.launches(command)
                                  if r.serves_in_foreground() or self.runs_base_server(r)]
        return found

    def main_programs(self) -> set[str]:
        """Names of the programs the container ends up running, where they can be told."""
        names = {_program_kind(launch) for launch in self.main_launches() if launch.program_name}
        return {family(name) for name in names}


_VARIABLE_NAME = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_DEFAULTED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?[-=]([^}$]*)\}")


def _script_defaults(script: m.Script) -> dict[str, str]:
    """The defaults a script gives its variables (`PUID=${PUID:=0}`, `: "${PGID:-0}"`), the first one of each."""
    found: dict[str, str] = {}
    for line in script.lines:
        for name, value in _DEFAULTED.findall(line):
            found.setdefault(name, value.strip("\"'"))
    return found


def _guards_of(analysis: ScriptAnalysis, command: m.Command, depth: int = 0) -> tuple:
    """The tests that lead to a command, through the call site of the function holding it."""
    place = analysis.place(command)
    guards = place.guards
    if place.function is not None and depth < 8:
        for caller in analysis.reachable_commands():
            if caller.name == place.function:
                return _guards_of(analysis, caller, depth + 1) + guards
    return guards


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


_USERADD_VALUES = {"-u", "--uid", "-g", "--gid", "-G", "--groups", "-s", "--shell", "-d", "--home", "--home-dir",
                   "-c", "--comment", "--gecos", "-h", "-k", "--skel", "-e", "--expiredate", "-f", "--inactive",
                   "-K", "--key", "-p", "--password", "--ingroup", "-R", "--root", "-b", "--base-dir",
                   "--firstuid", "--lastuid", "-Z", "--selinux-user"}


def _new_user(command: m.Command) -> str | None:
    """The name `useradd`/`adduser` creates: its first operand (busybox: `adduser -S -G g app`)."""
    words = command.words[1:]
    index = 0
    while index < len(words):
        value = words[index].value if words[index].kind == m.LITERAL else None
        if value is None:
            return None
        if value.startswith("-"):
            index += 2 if value in _USERADD_VALUES else 1
            continue
        return value if re.fullmatch(r"[a-z_][a-z0-9_.-]*\$?", value) else None
    return None


_SET_TEST = re.compile(r"-[zn]\s+\"?\$\{?(?:UID|EUID|USER|LOGNAME)\}?\"?")


def is_user_check(text: str) -> bool:
    """Whether a condition tests who the script runs as (`[ "$(id -u)" = 0 ]`, `$EUID -ne 0`, `whoami`); only
    asking whether `$UID` is set (`[ -n "$UID" ]`) is a test of the environment, not of the user."""
    return bool(re.search(USER_CHECK, _SET_TEST.sub(" ", text)))


def hands_to_user(launch: Launch) -> bool:
    """A drop tool, or sudo/su switching to a user other than root (PL001 reports those; they still drop)."""
    if launch.drop:  # `su-exec root:root "$@"` switches to root: no drop at all
        return launch.drop_user is None or not is_root_user(launch.drop_user)
    return launch.sudo is not None and launch.sudo_user not in (None, "root", "0")


def _ending_commands(analysis: ScriptAnalysis):
    """The commands that end paths; for a `wait` or a keep-alive (`tail -f /dev/null`), the programs started in
    the background before it: those run the main process (`gosu app server & wait`). PL002 judges the waiting."""
    for end in analysis.path_ends():
        command = end.command
        if not isinstance(command, m.Command):
            continue
        idles = _idles(analysis, command)
        waited = analysis.waited_programs(command) if command.name in ("wait", "fg") or idles else []
        if idles and not waited:  # `su postgres -c "pg_ctl start"`, then `tail -f /dev/null`: the daemons it started
            waited = [c for c in analysis.reachable_commands() if c.line <= command.line and not c.background
                      and any(launch.starts_daemon() for launch in analysis.launches(c))]
        if waited:  # the shell only waits: the programs it started in the background are the main process
            yield from waited
        else:
            yield command
    last = analysis.background_last()
    if last is not None:
        yield last  # `exec su-exec app server &` as the last line: what there is of a main process


def _runs_network_setup(analysis: ScriptAnalysis) -> bool:
    for command in analysis.reachable_commands():
        for launch in analysis.launches(command):
            words = [w.value for w in launch.program[1:] if w.kind == m.LITERAL]
            wanted = NETWORK_SETUP.get(launch.program_name or "")
            if wanted and any(word in wanted for word in words[:2]):
                return True
    return False


def _idles(analysis: ScriptAnalysis, command: m.Command) -> bool:
    """`tail -f /dev/null`, `sleep infinity`: a command that only keeps the container alive."""
    return any(launch.keeps_alive() and launch.is_long_running() for launch in analysis.launches(command))


def _reruns_dropped(analysis: ScriptAnalysis, drops) -> bool:
    """`su-exec node "$0" "$@"` anywhere on a path: the command line runs again under the drop (PL002 reports the
    missing exec), so the main program runs as that user."""
    return any(drops(launch) and launch.program and launch.program[0].kind in (m.SELF, m.ARGS)
               for command in analysis.reachable_commands() if not command.background
               for launch in analysis.launches(command))


def _drops_at_path_end(analysis: ScriptAnalysis, drops=hands_to_user) -> bool:
    for command in _ending_commands(analysis):
        if any(drops(launch) for launch in analysis.launches(command)) or _echoed_drop(analysis, command):
            return True
    return any(reading.drop for reading in _set_positionals(analysis))


def script_of(program: list[m.Word]) -> str | None:
    """The file a program line runs: the program itself, or the script a shell is given."""
    if not program or program[0].kind != m.LITERAL:
        return None
    name = basename(program[0].value)
    if program[0].value in (".", "source"):  # `CMD . ./start.sh`: the shell PID 1 runs reads the file itself
        value = program[1].value if len(program) > 1 and program[1].kind == m.LITERAL else None
        return value or None
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


@record
class BaseImage:
    """A base image's start-up, from programs.BASE_IMAGES."""

    reference: str
    user: str | None  # None: root
    entrypoint: list[str] | None
    cmd: list[str] | None
    drops: tuple  # the programs its entrypoint switches to a service user for
    dropping_scripts: tuple = ()  # its own start scripts that switch to its user when run as root


def base_image(reference: str, extra_non_root=()) -> BaseImage | None:
    """What privlint knows of an image reference (`docker.io/library/postgres:16@sha256:...`), or None."""
    return _base_image(reference, tuple(extra_non_root))


@functools.lru_cache(maxsize=1024)
def _base_image(reference: str, extra_non_root: tuple) -> BaseImage | None:
    if not reference or "$" in reference:
        return None
    for pattern in extra_non_root:
        if fnmatch.fnmatch(reference, pattern):
            return BaseImage(reference, "(non-root-base-images)", None, None, ())
    row = table_row(reference, BASE_IMAGES)
    return BaseImage(reference, *row[1:]) if row is not None else None
