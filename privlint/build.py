"""One builder for a start-up: a job's files → Dockerfile model and file map → the scripts that run.

It finds, through the image file map (imagefs), the script ENTRYPOINT/CMD start, the files that script
sources, the scripts PID 1 hands over to next (`exec "$@"` with a CMD naming a script of the image, or
`exec /next.sh`), the scripts it runs in the foreground, and the scripts RUN executes at build time.
Files are read through a Reader, which records what was read and what could not be. lint.py only plans
jobs and runs rules over the finished Startup.
"""

from __future__ import annotations

import fnmatch
import glob as _glob
import os
import posixpath
import re

from privlint import shell_model as m
from privlint.dockerfile import expand, stage_scope, workdir_at
from privlint.filekind import SHELL, head_of, kind_of, surely_shell
from privlint.finding import InputError, Note, Related
from privlint.flow import Variables
from privlint.imagefs import (
    CONTEXT,
    DELETED,
    DOWNLOAD,
    GENERATED,
    HEREDOC,
    MOUNTED,
    OUTSIDE,
    changed_directory,
    has_glob,
    norm,
    run_bind_mounts,
    word_value,
)
from privlint.launch import shell_c_word
from privlint.programs import ENVIRONMENT_FILES, S6_SCRIPTS, SHELLS
from privlint.shell import parse_script, pin_lines
from privlint.source import SourceText, UnreadableFile, read_source
from privlint.startup import Startup, StartupScript, looks_like_script, script_of
from privlint.trail import chain_step

#: How many scripts one start-up may read through sources, hops and RUN (bounds hostile input).
MAX_SCRIPTS = 64
MAX_HOPS = 4
MAX_SOURCE_DEPTH = 8
MAX_BUILD_DEPTH = 3

#: `$(dirname "$0")`, `${BASH_SOURCE%/*}`, `$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)`: the script's folder.
_SELF_DIR = re.compile(
    r"""^(?:\$\(\s*(?:cd\s+)?["']?\$\(\s*dirname\s+["']?\$(?:0|\{0\}|\{?BASH_SOURCE(?:\[0\])?\}?)["']?\s*\)["']?"""
    r"""(?:\s*(?:&&|;)\s*pwd(?:\s+-P)?)?\s*\)"""
    r"""|\$\(\s*dirname\s+["']?\$(?:0|\{0\}|\{?BASH_SOURCE(?:\[0\])?\}?)["']?\s*\)"""
    r"""|\$\{(?:0|BASH_SOURCE(?:\[0\])?)%/\*\})""")


class Reader:
    """Reads files for one job into its Result: texts for reporters, errors and notes for the user."""

    def __init__(self, result, max_bytes: int):
        self.result = result
        self.max_bytes = max_bytes

    def read(self, path: str, named: bool = True, preset: SourceText | None = None) -> SourceText | None:
        """The file's text; an unreadable file named by the user is an error, a resolved one a note."""
        try:
            source = preset if preset is not None else read_source(path, self.max_bytes)
        except UnreadableFile as error:
            if named:
                self.result.errors.append(InputError(path, str(error)))
            else:
                self.note(path, f"not read: {error}")
            return None
        if path not in self.result.sources:
            self.result.files += 1
        self.result.sources[path] = source.text.splitlines()
        if source.decode_warning:
            self.note(path, source.decode_warning)
        return source

    def note(self, path: str, message: str) -> None:
        note = Note(path, message)
        if note not in self.result.notes:
            self.result.notes.append(note)


class Builder:
    """Fills a Startup with the scripts of its start-up."""

    def __init__(self, startup: Startup, reader: Reader):
        self.startup = startup
        self.reader = reader
        self.parsed: dict[tuple[str, int], m.Script] = {}
        self.count = 0

    # -- scripts ------------------------------------------------------------------------------
    def load(self, path: str, role: str, text: str | None = None, line_offset: int = 0, image_path: str | None = None,
             named: bool = False) -> StartupScript | None:
        """Parse a script (once per file), follow what it sources, and analyse it."""
        script = self._parse(path, text, line_offset, named)
        if script is None:
            return None
        return self.load_parsed(script, role, image_path)

    def load_parsed(self, script: m.Script, role: str, image_path: str | None) -> StartupScript:
        """Follow what a parsed script sources, and analyse it."""
        sourced: dict[int, m.Script] = {}
        unread: list[m.Command] = []
        self._follow_sources(script, image_path, sourced, unread, 0)
        analysis = self.startup.analyse(script, sourced)
        analysis.unread_sources = unread
        editable = not script.generated and not script.damage and surely_shell(
            script.path if not script.line_offset else "script.sh", "\n".join(script.lines))
        return StartupScript(script, analysis, role in ("entrypoint", "hop", "alone"), editable, role, image_path)

    def _parse(self, path: str, text: str | None, line_offset: int, named: bool = False) -> m.Script | None:
        key = (os.path.realpath(path) if text is None else path, line_offset)
        if key in self.parsed:
            return self.parsed[key]
        if self.count >= MAX_SCRIPTS:
            return None
        if text is None:
            source = self.reader.read(path, named=named)
            if source is None:
                return None
            if not is_shell(source.text, path):
                self.reader.note(path, "not a shell script: not analysed")
                return None
            text = source.text
        self.count += 1
        script = parse_script(path, text, line_offset)
        self.parsed[key] = script
        return script

    def _follow_sources(self, script: m.Script, image_path: str | None, sourced: dict, unread: list,
                        depth: int) -> None:
        """Map each `. FILE` / `source FILE` of the script (and of what it sources) to the script it reads."""
        if depth > MAX_SOURCE_DEPTH:
            return
        constants = {**self._image_scope(), **_constants(script, image_path)}
        for command in m.iter_commands(script.body):
            if command.name not in (".", "source") or len(command.words) < 2 or id(command) in sourced:
                continue
            target = self._source_target(command.words[1], constants)
            loaded = self._locate(target, script.path, image_path) if target else None
            shown_target = command.words[1].value or command.words[1].text
            if loaded is None and any(fnmatch.fnmatchcase(target or shown_target, pattern)
                                      for pattern in ENVIRONMENT_FILES):
                continue  # a virtualenv's activate, /etc/os-release: environment, no programs
            if loaded is None and (target or shown_target) in self.startup.base_entrypoints:
                continue  # `. /usr/local/bin/docker-entrypoint.sh vault server`: the base's start-up, known
            if loaded is None:
                unread.append(command)
                shown = " ".join(w.text for w in command.words[:2])
                why = "not in the build context" if target else "its path is not a constant"
                self.reader.note(script.path, f"line {command.line}: `{shown}` could not be followed ({why}): its "
                                              "functions are unknown")
                continue
            inner, inner_image_path = loaded
            if inner is script:
                continue
            sourced[id(command)] = inner
            self._follow_sources(inner, inner_image_path, sourced, unread, depth + 1)

    def _image_scope(self) -> dict:
        """ENV (and ARG) values of the final stage: what the start-up's scripts see in their environment."""
        startup = self.startup
        if startup.dockerfile is None or startup.final_stage is None:
            return {}
        return stage_scope(startup.dockerfile, startup.final_stage)

    def _source_target(self, word: m.Word, constants: dict) -> str | None:
        if word.kind == m.LITERAL:
            return word.value
        text = word.text
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
        text = _replace_self_dir(text, constants.get("\0dir"))
        if text is None:
            return None
        return expand(text, constants)

    def _locate(self, target: str, from_path: str, image_path: str | None):
        """(script, its in-image path) for a path named by a script: through the image, else beside it on disk."""
        startup = self.startup
        if startup.dockerfile is not None and startup.final_stage is not None and startup.context is not None:
            stage = startup.final_stage
            workdir = posixpath.dirname(image_path) if image_path and target.startswith("./") else \
                workdir_at(startup.dockerfile, stage)
            origin = startup.image.resolve(stage, target, workdir)
            return self._load_origin(origin)
        if target.startswith("/"):
            return None
        candidate = os.path.normpath(os.path.join(os.path.dirname(from_path), target))
        if os.path.isfile(candidate):
            script = self._parse(candidate, None, 0)
            return (script, None) if script is not None else None
        return None

    def _load_origin(self, origin):
        if origin is DELETED:
            return None
        if origin.kind == HEREDOC:
            heredoc = origin.heredoc
            script = self._parse(self.startup.dockerfile.path, heredoc.body, heredoc.line - 1)
        elif origin.kind == GENERATED:
            script = self._generated(origin)
        elif origin.kind == CONTEXT:
            script = self._parse(origin.file, None, 0)
        else:
            return None
        return (script, origin.image_path) if script is not None else None

    # -- the start-up ---------------------------------------------------------------------------
    def entrypoint(self) -> None:
        """The script ENTRYPOINT/CMD start, then the hops after it and the scripts it runs in the foreground."""
        startup = self.startup
        dockerfile = startup.dockerfile
        reference = startup.program_reference()
        if reference is None or startup.final_stage is None or startup.context is None:
            return
        if reference == "/init":
            self._s6_scripts()
        seen: set = set()
        for _, script in startup.chain_scripts:  # `ENTRYPOINT /entrypoint.sh; java -jar app.jar`: the string's
            self._foreground(_Chain(script, startup.analyse(script)), seen)  # scripts run at every start
        workdir = workdir_at(dockerfile, startup.final_stage)
        origin = startup.image.resolve(startup.final_stage, reference, workdir)
        if not origin.readable and origin.kind != OUTSIDE:
            origin = self._in_unknown_workdir(reference) or origin
        if origin.kind == OUTSIDE:
            startup.script_missing = True
            self.reader.note(dockerfile.path, f"entrypoint {reference} resolves outside the build context: not read")
            return
        if origin.kind == MOUNTED:
            startup.script_missing = True
            where = f"{origin.url}, which is not in the repository" if origin.url else "outside the repository"
            self.reader.note(dockerfile.path, f"entrypoint {reference} is bind-mounted by compose from {where}: "
                                              "not read")
            return
        if not origin.readable:
            if startup.is_base_program(reference):
                return  # the base image's own program (tomcat's catalina.sh): known from its start-up
            if origin.kind == DOWNLOAD and origin.url and looks_like_script(origin.url.split("?", 1)[0]):
                startup.script_missing = True  # `ADD https://.../run-non-root.sh /usr/local/bin/run-non-root`
                self.reader.note(dockerfile.path, f"{reference}, which ENTRYPOINT/CMD start, is a script downloaded "
                                                  f"at build time ({origin.url}): not read")
                return
            if looks_like_script(reference):
                startup.script_missing = True
                self.reader.note(dockerfile.path, f"{reference}, which ENTRYPOINT/CMD start, is not copied from the "
                                                  f"build context ({startup.context}): linted the Dockerfile only")
            return
        if origin.kind == CONTEXT:
            self.reader.result.scripts_read.append(os.path.realpath(origin.file))
        entry = self._script_at(origin, "entrypoint")
        if entry is None:
            startup.script_missing = True
            return
        step = chain_step(startup)
        if step is not None:
            entry.via = Related(step.path, step.line, step.column, f"{step.message}: starts {reference}")
        startup.script = entry
        self._hops_and_helpers(entry)

    def _in_unknown_workdir(self, reference: str):
        """`CMD ["api/entrypoint.sh"]` on a base privlint does not know, with no WORKDIR of the Dockerfile's own: the
        base's WORKDIR is unknown, so the relative path is the one file a COPY put at `*/api/entrypoint.sh`."""
        startup = self.startup
        user = startup.user
        if reference.startswith(("/", "~", "$")) or "/" not in reference.strip("./") or user is None or \
                user.base_known or any(i.keyword == "WORKDIR" for stage in startup.final_stage.chain()
                                       for i in stage.instructions):
            return None
        found = startup.image.matching(startup.final_stage, "*/" + norm(reference).lstrip("/"), limit=2)
        if len(found) != 1:
            return None
        origin = startup.image.files(startup.final_stage).lookup(found[0], None)
        if origin is DELETED or not origin.readable:
            return None
        self.reader.note(startup.dockerfile.path, f"{reference} is read as {found[0]}, the one file of that name the "
                                                  "Dockerfile copies: the unknown base image sets the WORKDIR")
        return origin

    def _script_at(self, origin, role: str) -> StartupScript | None:
        if origin.kind == HEREDOC:
            heredoc = origin.heredoc
            return self.load(self.startup.dockerfile.path, role, heredoc.body, heredoc.line - 1, origin.image_path)
        if origin.kind == GENERATED:
            script = self._generated(origin)
            return None if script is None else self.load_parsed(script, role, origin.image_path)
        return self.load(origin.file, role, image_path=origin.image_path)

    def _generated(self, origin) -> m.Script | None:
        """A script a RUN wrote: a quoted heredoc's lines are the Dockerfile's own; other text (echoed, or expanded
        as it was written) is read whole, each command points at the line that wrote it, and nothing is edited."""
        lines = origin.line_map
        if origin.as_written:
            return self._parse(self.startup.dockerfile.path, origin.text, lines[0] - 1)
        key = (self.startup.dockerfile.path, "generated", origin.image_path, lines)
        if key not in self.parsed:
            script = pin_lines(parse_script(self.startup.dockerfile.path, origin.text, 0),
                               lambda line: lines[min(line, len(lines)) - 1])
            script.generated = True
            self.parsed[key] = script
        return self.parsed[key]

    def _hops_and_helpers(self, entry: StartupScript) -> None:
        """Follow PID 1 through `exec "$@"` into a CMD script, or `exec /next.sh`; collect foreground scripts."""
        startup = self.startup
        seen = {id(entry.script)}
        current = entry
        cmd_words = startup.chain.cmd.exec_form if startup.chain.cmd is not None and \
            startup.chain.entrypoint is not None else None
        for _ in range(MAX_HOPS):
            self._foreground(current, seen)
            cwd = self._cwd(current)
            nxt = None
            for end in current.analysis.path_ends():
                command = end.command
                if not isinstance(command, m.Command) or end.how == "exit":
                    continue
                for launch in current.analysis.launches(command):
                    reference = hop = None
                    if launch.runs_args and cmd_words:
                        cmd_launch = startup.read(cmd_words)
                        reference = script_of(cmd_launch.program)
                        inline = _shell_string(cmd_launch)
                        if inline is not None:  # `exec "$@"` given `sh -c "rm -f x.pid && rails s"`
                            reference, hop = "its `sh -c` string", self._inline_hop(inline)
                    elif launch.exec_ and launch.program:
                        reference = script_of(launch.program)
                    if hop is None:
                        hop = self._script_named(reference, "hop", cwd) if reference else None
                    if hop is not None and id(hop.script) not in seen:
                        hop.via = _via(command, f"hands over to {reference}")
                        nxt = hop
                        break
                if nxt is not None:
                    break
            if nxt is None:
                return
            seen.add(id(nxt.script))
            startup.hops.append(nxt)
            current = nxt
            cmd_words = None  # "$@" past the first hop is what the hop was given: not followed further

    def _inline_hop(self, text: str) -> StartupScript | None:
        """The `sh -c` string CMD (or a compose `command:`) hands to an entrypoint that ends in `exec "$@"`: it runs
        as PID 1 next, at the line that gives it (a string of several lines is reported at that line)."""
        owner = self.startup.chain.cmd
        if owner is None or self.count >= MAX_SCRIPTS:
            return None
        self.count += 1
        script = self.startup.parse_string(owner, text)
        script.generated = True  # text inside a JSON or YAML string: never edited
        hop = self.load_parsed(script, "hop", None)
        hop.string_of = owner
        return hop

    def _s6_scripts(self) -> None:
        """s6-overlay's `/init` runs the image's init scripts (`/etc/cont-init.d/*`, v3 oneshots) before the
        services and supervises each service's `run` script: read them like scripts PID 1 runs (for sudo/su and
        start-time downloads), not as PID 1."""
        startup = self.startup
        seen = {id(s.script) for s in startup.foreground}
        for pattern in S6_SCRIPTS:
            for path in startup.image.matching(startup.final_stage, pattern)[:MAX_SCRIPTS]:
                origin = startup.image.files(startup.final_stage).lookup(path)
                if origin is DELETED or not origin.readable:
                    continue
                if origin.kind == CONTEXT and not _shell_file(origin.file):
                    continue  # an execline run script (`#!/command/execlineb -P`): not shell, nothing to read
                helper = self._script_at(origin, "foreground")
                if helper is not None and id(helper.script) not in seen:
                    seen.add(id(helper.script))
                    helper.via = Related(startup.dockerfile.path, startup.chain.entrypoint.line
                                         if startup.chain.entrypoint is not None else 1, 1,
                                         f"s6-overlay's /init runs {path}")
                    startup.foreground.append(helper)

    def _foreground(self, script: StartupScript, seen: set, depth: int = 0) -> None:
        """Scripts of the image a PID 1 script runs, waiting for them or in the background (`setsid /setup.sh &`),
        and the scripts those run in turn: read for sudo/su and downloads, which run at every start either way."""
        ends = {id(end.command) for end in script.analysis.path_ends() if end.how == "exec"}
        startup = self.startup
        if startup.final_stage is not None and startup.dockerfile is not None:
            # `for f in /docker-entrypoint.d/*.sh; do "$f"; done`: each hook the image holds there
            workdir = workdir_at(startup.dockerfile, startup.final_stage)
            hooks = self._looped_scripts(startup.final_stage, None, script.script, self._image_scope(), workdir)
            for command in script.analysis.reachable_commands():  # `run-parts /docker-entrypoint.d`: each file
                if command.name == "run-parts":
                    hooks += self._run_parts(command, workdir)
            for path in hooks:
                helper = self._script_named(path, "foreground")
                if helper is not None and id(helper.script) not in seen:
                    seen.add(id(helper.script))
                    startup.foreground.append(helper)
        for command in script.analysis.reachable_commands():
            if id(command) in ends or command.is_test or command.name in (".", "source"):
                continue
            for launch in script.analysis.launches(command)[:1]:
                reference = script_of(launch.program) if launch.program else None
                if not reference or ("/" not in reference and not reference.endswith((".sh", ".bash"))):
                    continue
                if reference.startswith("~/"):  # `~/scripts/install.sh`: under the HOME the image sets
                    home = self._image_scope().get("HOME")
                    if not home or not home.startswith("/"):
                        continue
                    reference = posixpath.join(home, reference[2:])
                helper = self._script_named(reference, "foreground")
                if helper is not None and id(helper.script) not in seen:
                    helper.via = _via(command, f"runs {reference} in the background" if command.background
                                      else f"runs {reference} and waits")
                    seen.add(id(helper.script))
                    self.startup.foreground.append(helper)
                    if depth < MAX_HOPS:
                        self._foreground(helper, seen, depth + 1)

    def _run_parts(self, command: m.Command, workdir: str) -> list[str]:
        """The files `run-parts [--regex RE] DIR` runs: names of letters, digits, `_` and `-` only, or the ones
        its `--regex` matches (none when privlint cannot read the pattern)."""
        words = [w.value if w.kind == m.LITERAL else None for w in command.words[1:]]
        pattern, operands, index = r"^[A-Za-z0-9_-]+$", [], 0
        while index < len(words):
            word = words[index]
            if word is None:
                return []
            if word == "--regex" or word.startswith("--regex="):
                pattern = word.split("=", 1)[1] if "=" in word else (words[index + 1] if index + 1 < len(words)
                                                                     else None)
                index += 1 if "=" in word else 2
                if pattern is None:
                    return []
                continue
            if word == "--lsbsysinit":
                return []
            if not word.startswith("-"):
                operands.append(word)
            index += 1
        if not operands:
            return []
        try:
            accepts = re.compile(pattern)
        except re.error:
            return []
        folder = norm(posixpath.join(workdir, operands[0]))
        startup = self.startup
        return [path for path in startup.image.matching(startup.final_stage, folder + "/*")
                if accepts.search(posixpath.basename(path))][:MAX_SCRIPTS]

    def _script_named(self, reference: str, role: str, cwd: str | None = None) -> StartupScript | None:
        """The readable shell script a command names (through PATH, the WORKDIR or `cd`), loaded, or None."""
        origin = self._resolve(reference, cwd)
        if origin is None or not origin.readable:
            return None
        return self._script_at(origin, role)

    def _resolve(self, reference: str, cwd: str | None = None):
        startup = self.startup
        if startup.final_stage is None or startup.context is None:
            return None
        return startup.image.resolve(startup.final_stage, reference,
                                     cwd or workdir_at(startup.dockerfile, startup.final_stage))

    def _cwd(self, script: StartupScript) -> str | None:
        """The folder a script runs its last commands in: WORKDIR, moved by its top-level `cd DIR`."""
        startup = self.startup
        if startup.final_stage is None:
            return None
        cwd = workdir_at(startup.dockerfile, startup.final_stage)
        constants = {**self._image_scope(), **_constants(script.script, script.image_path)}
        for item in script.script.body.items:
            if isinstance(item, m.Command) and item.name == "cd" and len(item.words) == 2:
                target = self._source_target(item.words[1], constants)
                if not target:
                    return None  # somewhere privlint cannot tell
                cwd = posixpath.normpath(posixpath.join(cwd, target))
        return cwd

    # -- build time -----------------------------------------------------------------------------
    def build_scripts(self) -> None:
        """Scripts of the build context that a RUN executes (`RUN ./install.sh`, `RUN bash /tmp/get.sh`)."""
        startup = self.startup
        if startup.dockerfile is None or startup.context is None:
            return
        for stage, instruction, script in startup.run_scripts:
            self._run_by(stage, instruction, script, 0)

    def _looped_scripts(self, stage, line: int | None, script: m.Script, scope: dict, workdir: str) -> list[str]:
        """`for f in /tmp/setup_*.sh; do . "$f"; done`: the image files the loop's globs match, when its body runs
        or sources the loop variable."""
        found: list[str] = []
        for node in m.walk(script.body, into_functions=False):
            if not isinstance(node, m.Loop) or node.variable is None or not node.items:
                continue
            if not any(_runs_variable(command, node.variable) for command in m.iter_commands(node.body)):
                continue
            for item in node.items:
                value = word_value(item, scope)
                if not value:
                    continue
                path = norm(posixpath.join(workdir, value))
                if has_glob(value):
                    found += self.startup.image.matching(stage, path, line)
                else:
                    found.append(path)
        return found[:MAX_SCRIPTS]

    def _run_by(self, stage, instruction, script: m.Script, depth: int, workdir: str | None = None) -> None:
        if depth >= MAX_BUILD_DEPTH:
            return
        files = self.startup.image.files(stage)
        workdir = workdir or workdir_at(self.startup.dockerfile, stage, instruction.line)
        scope = stage_scope(self.startup.dockerfile, stage, instruction.line)
        analysis = self.startup.analyse(script)
        for path in self._looped_scripts(stage, instruction.line, script, scope, workdir):
            loaded = self._load_origin(files.lookup_at(path, instruction.line))
            if loaded is not None and not any(loaded[0] is other for _, _, other in self.startup.build_scripts):
                self.startup.build_scripts.append((stage, instruction, loaded[0]))
                self._run_by(stage, instruction, loaded[0], depth + 1)
        for command in analysis.reachable_commands():
            reference = None
            if command.name == "cd" and not analysis.place(command).subshell:  # `cd /tmp/src && ./setup.sh`
                workdir = changed_directory(workdir, [word_value(w, scope) for w in command.words[1:]], scope)
                continue
            if command.name in (".", "source") and len(command.words) > 1:
                reference = self._source_target(command.words[1], scope)
            else:
                launch = analysis.launches(command)[0]
                inline = _shell_string(launch)
                if inline is not None and self.count < MAX_SCRIPTS:  # `RUN sh -c "./install.sh && ..."`
                    self.count += 1
                    inner = parse_script(command.path, _one_script_line_per_line(inline), command.line - 1)
                    self.startup.build_scripts.append((stage, instruction, inner))
                    self._run_by(stage, instruction, inner, depth + 1, workdir)
                    continue
                program = [w if w.kind == m.LITERAL or (value := word_value(w, scope)) is None
                           else m.Word(value, m.LITERAL, w.text) for w in launch.program]  # `/home/$USER/x.sh`
                reference = script_of(program) if program else None
                if reference and "/" not in reference and not reference.endswith((".sh", ".bash")):
                    reference = None
            if not reference:
                continue
            reference = expand(reference, scope) if "$" in reference else reference
            if not reference:
                continue
            if "/" in reference:
                path = posixpath.normpath(posixpath.join(workdir, reference))
                origin = self.startup.image.run_mounted(instruction, path) or files.lookup_at(path, instruction.line)
            else:  # `RUN install-tools.sh`: found on PATH (or in the WORKDIR) as the RUN sees the files
                origin = self.startup.image.resolve(stage, reference, workdir, instruction.line)
            loaded = self._load_origin(origin)
            if loaded is None:
                continue
            inner, _ = loaded
            if any(inner is other for _, _, other in self.startup.build_scripts):
                continue
            self.startup.build_scripts.append((stage, instruction, inner))
            self._run_by(stage, instruction, inner, depth + 1)


class _Chain:
    """A shell-form ENTRYPOINT/CMD (or `sh -c` string) as `_foreground` reads it: its script and analysis."""

    def __init__(self, script: m.Script, analysis):
        self.script = script
        self.analysis = analysis


def _shell_file(path: str) -> bool:
    head = head_of(path)
    return head is not None and kind_of(path, head) == SHELL


def _runs_variable(command: m.Command, variable: str) -> bool:
    """`. $f`, `source "$f"`, `sh $f`, `bash "$f"`, `"$f"`: the command runs the file the variable names."""
    words = command.words
    if not words:
        return False
    names = lambda word: word.kind == m.VAR and word.var == variable  # noqa: E731 - a local shorthand
    if names(words[0]):
        return True
    first = words[0].value if words[0].kind == m.LITERAL else None
    operands = [w for w in words[1:] if not (w.kind == m.LITERAL and (w.value or "").startswith("-"))]
    return (first in (".", "source") or (first is not None and posixpath.basename(first) in SHELLS)) and \
        bool(operands) and names(operands[0])


def _via(command, what: str) -> Related:
    return Related(command.path, command.line, command.column, f"`{' '.join(command.text.split())[:60]}` {what}")


def _one_script_line_per_line(text: str) -> str:
    """An inline `sh -c` string, read as one command line (as before) but parsed at the lines it is written on:
    each newline becomes a continuation, so findings inside it keep their own line."""
    lines = text.split("\n")
    joined = lines[0]
    for line in lines[1:]:
        joined += ("\n" if joined.endswith("\\") else " \\\n") + line
    return joined


def _shell_string(launch) -> str | None:
    """The text of `sh -c "TEXT"` (bash, ash... too): a script given inline."""
    if launch.program_name not in SHELLS:
        return None
    text = shell_c_word(launch.program)
    return text.value if text is not None and text.kind == m.LITERAL else None


def find_context(dockerfile, folder: str) -> tuple[str, bool]:
    """The build context: the Dockerfile's folder, or the nearest folder above it (up to the repository
    root, the folder holding .git) where more of the COPY/ADD sources exist. (context, moved up)."""
    sources = _context_sources(dockerfile)
    if not sources:
        return folder, False

    def found(directory: str) -> int:
        return sum(1 for source in sources if (_glob.glob(os.path.join(_glob.escape(directory), source))
                                               if has_glob(source) else os.path.lexists(os.path.join(directory,
                                                                                                      source))))

    best, best_count = folder, found(folder)
    if best_count == len(sources):
        return folder, False
    top = _repository_top(folder)
    if top is None:
        return folder, False
    current = os.path.abspath(folder)
    for _ in range(32):
        if current == top:
            break
        current = os.path.dirname(current)
        count = found(current)
        if count > best_count:
            best, best_count = current, count
            if count == len(sources):
                break
    if best == folder:
        return folder, False
    return os.path.relpath(best), True


def _context_sources(dockerfile) -> list[str]:
    """The build-context paths COPY/ADD name (no --from, URL or heredoc), as written: `docker/*.sh` too."""
    from privlint.imagefs import _copy_words

    sources = []
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            scope = stage_scope(dockerfile, stage, instruction.line)
            if instruction.keyword == "RUN":  # `RUN --mount=type=bind,source=scripts/setup.sh,...`
                sources += [posixpath.normpath(value.lstrip("/")) for source, _ in run_bind_mounts(instruction)
                            if (value := expand(source, scope)) and value not in (".", "./")]
                continue
            if instruction.keyword not in ("COPY", "ADD") or "from" in instruction.flags or instruction.heredocs:
                continue
            for word in _copy_words(instruction)[:-1]:
                value = expand(word, scope)
                if not value or "://" in value or value in (".", "./", "*"):
                    continue
                sources.append(posixpath.normpath(value.lstrip("/")))
    return sources


_ACTION_FILES = ("action.yml", "action.yaml")
_ACTION_USING = re.compile(r"""^\s*using:\s*['"]?docker['"]?\s*(?:#.*)?$""", re.MULTILINE)
_ACTION_IMAGE = re.compile(r"""^\s*image:\s*['"]?([^'"#\s]+)""", re.MULTILINE)


def github_action(dockerfile_path: str) -> str | None:
    """The action.yml (beside the Dockerfile or in a folder above it, up to the repository root) whose
    `runs: using: docker` builds this Dockerfile: GitHub runs that image, as root by design."""
    target = os.path.abspath(dockerfile_path)
    folder = os.path.dirname(target)
    top = _repository_top(folder)
    for _ in range(8):
        for name in _ACTION_FILES:
            path = os.path.join(folder, name)
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read(65536)
            except OSError:
                continue
            image = _ACTION_IMAGE.search(text)
            if _ACTION_USING.search(text) and image and "://" not in image.group(1) \
                    and os.path.normpath(os.path.join(folder, image.group(1))) == target:
                return os.path.relpath(path)
        if top is None or folder == top or os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)
    return None


def _repository_top(folder: str) -> str | None:
    """The folder holding .git above `folder`; without one, the working directory when `folder` is below it."""
    current = os.path.abspath(folder)
    here = os.getcwd()
    fallback = here if current == here or current.startswith(here.rstrip(os.sep) + os.sep) else None
    for _ in range(64):
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return fallback
        current = parent
    return fallback


def _constants(script: m.Script, image_path: str | None) -> dict:
    """Variables assigned one constant (or the script's own folder) anywhere in the script."""
    folder = posixpath.dirname(image_path) if image_path else None
    constants: dict = {}
    for name, words in Variables([script]).values.items():
        found = set()
        for word in words:
            if word is None or word.kind == m.LITERAL:
                found.add(word.value if word is not None else "")
                continue
            text = word.text[1:-1] if word.text[:1] == word.text[-1:] == '"' else word.text
            replaced = _replace_self_dir(text, folder)
            found.add(replaced if replaced != text else None)
        if len(found) == 1:
            constants[name] = next(iter(found))
    constants["\0dir"] = folder
    return constants


def _replace_self_dir(text: str, folder: str | None) -> str | None:
    """The text with a leading `$(dirname "$0")`-like expression replaced by the script's folder."""
    match = _SELF_DIR.match(text)
    if not match:
        return text
    if folder is None:
        return None
    return folder + text[match.end():]


def is_shell(text: str, path: str) -> bool:
    """A shell script by its shebang, or with none and a name that is not another language's."""
    first = text.split("\n", 1)[0]
    if not first.startswith("#!"):
        return not path.endswith((".py", ".js", ".rb", ".pl"))
    words = first[2:].split()
    names = [word.rsplit("/", 1)[-1] for word in words[:2]]
    return any(name in SHELLS for name in names)

