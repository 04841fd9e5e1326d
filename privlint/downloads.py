"""Downloads in RUN/ADD and the verification steps that cover them, per stage (for PL004 and PL007)."""

from __future__ import annotations

import posixpath
import re

from privlint import shell_model as m
from privlint.dockerfile import Instruction, Stage, _split_words
from privlint.launch import basename
from privlint.programs import (
    CHECKSUM_TOOLS,
    FETCHERS,
    PIPE_INTERPRETERS,
    PRIVILEGE_TOOL_NAMES,
    SHELL_INTERPRETERS,
    SIGNATURE_SUFFIXES,
    family,
)
from privlint.record import record

PRIVILEGE_TOOLS = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, PRIVILEGE_TOOL_NAMES)) + r")(?![A-Za-z])")


@record
class Download:
    stage: Stage
    instruction: Instruction
    line: int
    column: int
    url: str
    output: str | None  # the file written, when known
    tool: str | None  # gosu, su-exec, tini or dumb-init
    text: str
    command: m.Command | None = None
    run_index: int = 0  # which parsed RUN source it came from
    path: str = ""  # the file the download is written in (the Dockerfile, or a script RUN executes)


@record
class Verification:
    stage: Stage
    text: str  # the verifying command, with the pipeline it sits in
    run_index: int


@record
class PipeToShell:
    instruction: Instruction
    command: m.Command  # the fetching command
    shell: str


class StageDownloads:
    """Every fetch, verification, chmod and pipe-to-shell of the Dockerfile."""

    def __init__(self, startup):
        self.downloads: list[Download] = []
        self.verifications: list[Verification] = []
        self.executables: list[tuple[Stage, int, str]] = []  # (stage, run index, chmod'ed path text)
        self.pipes: list[PipeToShell] = []
        self.path = startup.dockerfile.path if startup.dockerfile is not None else ""
        if startup.dockerfile is None:
            return
        for index, (stage, instruction, script) in enumerate(startup.all_build_scripts):
            self._read_run(stage, instruction, startup.analyse(script), index)
        for stage in startup.dockerfile.stages:
            for instruction in stage.instructions:
                if instruction.keyword == "ADD":
                    self._read_add(stage, instruction)

    def _read_run(self, stage, instruction, analysis, index):
        for node in _pipelines_and_commands(analysis.script.body):
            commands = [node] if isinstance(node, m.Command) else \
                [c for item in node.items for c in m.iter_commands(item, into_nested=False)]
            pipeline_text = " | ".join(c.text for c in commands)
            for position, command in enumerate(commands):
                launch = analysis.launches(command)[0]
                name = launch.program_name
                if name in FETCHERS:
                    self._fetch(stage, instruction, command, launch.program, index)
                    later = [analysis.launches(c)[0] for c in commands[position + 1:]]
                    shells = [r.program_name for r in later if _runs_stdin(r)]
                    if shells:
                        self.pipes.append(PipeToShell(instruction, command, shells[0]))
                elif name in SHELL_INTERPRETERS:
                    for nested in command.nested:
                        for inner in m.iter_commands(nested):
                            if analysis.launches(inner)[0].program_name in FETCHERS:
                                self.pipes.append(PipeToShell(instruction, inner, name))
                if _verifies(launch.program):
                    self.verifications.append(Verification(stage, pipeline_text, index))
                if name == "chmod" or name == "install":
                    if any(_grants_exec(w.value or "") for w in launch.program[1:]):
                        self.executables.append((stage, index, command.text))

    def _fetch(self, stage, instruction, command, program, index):
        values = [w.value if w.kind == m.LITERAL else w.text for w in program[1:]]
        url = next((v for v in values if "://" in v), None)
        if url is None:
            return
        output = _output_of(program[0].value, values, url)
        target = " ".join(v for v in (url, output) if v)
        match = PRIVILEGE_TOOLS.search(target)
        if _is_signature(url) and (output is None or _is_signature(output)):
            return
        self.downloads.append(Download(stage, instruction, command.line, command.column, url, output,
                                       match.group(1) if match else None, command.text, command, index,
                                       command.path))

    def _read_add(self, stage, instruction):
        words = instruction.exec_form or _split_words(instruction.args)
        if len(words) < 2:
            return
        for url in words[:-1]:
            if "://" not in url or _is_signature(url):
                continue
            match = PRIVILEGE_TOOLS.search(url + " " + words[-1])
            self.downloads.append(Download(stage, instruction, instruction.line, 1, url, words[-1],
                                           match.group(1) if match else None, instruction.value, None, -1,
                                           self.path))

    def is_verified(self, download: Download) -> bool:
        """A check in the stage that names the file, or an unnamed one (`-c SHA256SUMS`) in its RUN."""
        if download.instruction.keyword == "ADD" and "checksum" in download.instruction.flags:
            return True
        names = _names(download)
        all_names = {name for other in self.downloads if other.stage is download.stage for name in _names(other)}
        for verification in self.verifications:
            if verification.stage is not download.stage:
                continue
            tokens = _tokens(verification.text)
            if names & tokens:
                return True
            if verification.run_index == download.run_index >= 0 and not all_names & tokens:
                return True
        return False

    def is_made_executable(self, download: Download) -> bool:
        names = _names(download)
        if not hasattr(self, "_executable_tokens"):
            self._executable_tokens = [(stage, _tokens(text)) for stage, _, text in self.executables]
        return any(stage is download.stage and names & tokens for stage, tokens in self._executable_tokens)


def _names(download: Download) -> set[str]:
    """How later commands may refer to the downloaded file: tool name, output path, basenames."""
    names = {download.tool} if download.tool else set()
    for path in (download.output, download.url):
        path = (path or "").strip("\"'")
        if path and "$" not in path:
            clean = path.split("?", 1)[0].rstrip("/")
            names.add(clean)
            names.add(posixpath.basename(clean))
    output = (download.output or "").strip("\"'")
    if "$" in output:
        names.add(output)
    names.discard("")
    return names


def _tokens(text: str) -> set[str]:
    """Words of a command line, with their basenames, quotes stripped."""
    tokens = set()
    for raw in re.split(r"[\s|;&]+", text):
        token = raw.strip("\"'()")
        if token:
            tokens.add(token)
            tokens.add(posixpath.basename(token))
            match = PRIVILEGE_TOOLS.search(token)
            if match:
                tokens.add(match.group(1))
    return tokens


def _pipelines_and_commands(node: m.Node):
    """Pipelines as wholes, and simple commands outside pipelines (nested ones included)."""
    for current in m.walk(node, stop=lambda n: isinstance(n, m.Pipeline)):
        if isinstance(current, m.Pipeline):
            yield current
            for command in m.iter_commands(current, into_nested=False):
                for nested in command.nested:
                    yield from _pipelines_and_commands(nested)
        elif isinstance(current, m.Command):
            yield current


def _runs_stdin(reading) -> bool:
    """`| sh`, `| bash -s --`, `| php`, `| python3 -`: an interpreter reading its program from the pipe."""
    name = family(reading.program_name or "")
    if name not in PIPE_INTERPRETERS:
        return False
    arguments = [w.value or w.text for w in reading.program[1:]]
    if name in SHELL_INTERPRETERS:
        return "-c" not in arguments
    return all(a.startswith("-") for a in arguments[:1]) or arguments[:1] == ["-"]


def _output_of(fetcher: str | None, values: list[str], url: str) -> str | None:
    name = basename(fetcher)
    for i, value in enumerate(values):
        if name == "curl":
            if value in ("-o", "--output") and i + 1 < len(values):
                return values[i + 1]
            if value.startswith("--output="):
                return value.split("=", 1)[1]
            if value in ("-O", "--remote-name"):
                return posixpath.basename(url.split("?", 1)[0])
        else:
            if value in ("-O", "--output-document") and i + 1 < len(values):
                return values[i + 1]
            if value.startswith(("--output-document=", "-O")) and len(value) > 2:
                return value.split("=", 1)[1] if "=" in value else value[2:]
    if name == "wget":
        return posixpath.basename(url.split("?", 1)[0])
    return None


def _verifies(program: list[m.Word]) -> bool:
    if not program or program[0].kind != m.LITERAL:
        return False
    name = basename(program[0].value)
    values = [w.value or w.text for w in program[1:]]
    if name in ("gpg", "gpg2"):
        return "--verify" in values
    if name == "gpgv":
        return True
    if name in CHECKSUM_TOOLS:  # `-c` checks a list; a bare digest is compared by the script itself
        return True
    if name == "openssl":
        return bool(values) and (values[0] == "dgst" or values[0].startswith(("sha", "md")))
    if name == "cosign":
        return any(v.startswith("verify") for v in values)
    if name == "minisign":
        return "-V" in values
    return False


def _grants_exec(mode: str) -> bool:
    if re.fullmatch(r"[ugoa]*[+=][rwxXst]*x[rwxXst]*(,.*)?", mode):
        return True
    if re.fullmatch(r"-?m?[0-7]{3,4}", mode.lstrip("-m")):
        digits = mode.lstrip("-m")[-3:]
        return any(int(d) & 1 for d in digits)
    return False


def _is_signature(path: str | None) -> bool:
    if not path:
        return False
    lowered = path.split("?", 1)[0].lower()
    return lowered.endswith(SIGNATURE_SUFFIXES)
