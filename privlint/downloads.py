"""Downloads, and what becomes of each fetched file: run, installed, or left alone (for PL004 and PL007).

Every stage whose files reach the final image is read in order (its RUNs, the scripts they execute, its
ADDs), and so are the scripts of the start-up path (downloads at every container start). A fetch is
`curl`/`wget` (with its output file: `-fsSLo F`, `-qO F`, `-O`, `--output=F`, `> F`, or its pipe:
`| tar -xz -C DIR`, `| gunzip > F`, `| sh`), a shell fed from the network (`bash <(curl ...)`,
`sh -c "$(curl ...)"`), or `ADD <url>`. Later commands that name the file (through variables, renames
and the stage's ENV) say what becomes of it: made executable, moved into bin/lib/opt, extracted,
installed as a package, run by an interpreter, compiled; or verified: `sha256sum -c` naming it, a digest
compared with a pinned value, `gpg --verify`, `gpgv`, `cosign verify-blob`, `minisign -V`, `rpm -K`,
`dpkg-sig --verify`, `ADD --checksum`. A bare `sha256sum F` only prints: it verifies nothing.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re

from privlint import shell_model as m
from privlint.dockerfile import Instruction, Stage, _split_words, expand, stage_scope, workdir_at
from privlint.finding import Related
from privlint.imagefs import brace_expanded, changed_directory, has_glob, norm, word_value
from privlint.launch import basename
from privlint.programs import (
    ARCHIVERS,
    BIN_FOLDERS,
    CHECKSUM_TOOLS,
    CODE_FOLDERS,
    COMPILERS,
    DATA_FOLDERS,
    DATA_SUFFIXES,
    DATA_WORDS,
    FETCHERS,
    FILE_RUNNERS,
    IMAGE_DIRECTORIES,
    LOADED_FOLDERS,
    LOADED_SUFFIXES,
    PACKAGE_INSTALLERS,
    PATH_DIRS,
    PIPE_INTERPRETERS,
    PRIVILEGE_TOOL_NAMES,
    SHELL_INTERPRETERS,
    SHELLS,
    SIGNATURE_SUFFIXES,
    family,
)
from privlint.record import factory, record

PRIVILEGE_TOOLS = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, PRIVILEGE_TOOL_NAMES))
                             + r")(?![A-Za-z])")
_CURL_VALUES = set("HAdeEKmruTXbcCFUYyzwxQPtiL") - {"L", "i"}  # short options of curl that take a value
_CURL_LONG_VALUES = {"--header", "--user-agent", "--data", "--data-raw", "--data-binary", "--user", "--proxy",
                     "--referer", "--write-out", "--config", "--max-time", "--range", "--upload-file", "--request",
                     "--cookie", "--cookie-jar", "--form", "--cert", "--continue-at", "--retry", "--retry-delay",
                     "--retry-max-time", "--connect-timeout", "--cacert", "--capath", "--proto", "--proto-redir",
                     "--resolve", "--limit-rate", "--max-filesize", "--output-dir", "--create-dirs-mode",
                     "--keepalive-time", "--dns-servers", "--interface", "--netrc-file", "--oauth2-bearer",
                     "--tls-max", "--ciphers", "--pinnedpubkey", "--hsts", "--alt-svc", "--variable", "--expand-url"}
_WGET_VALUES = set("OoaPtTwUeiBQlARDIXY")
_WGET_LONG_VALUES = {"--output-document", "--output-file", "--append-output", "--directory-prefix", "--tries",
                     "--timeout", "--wait", "--user-agent", "--header", "--execute", "--input-file", "--user",
                     "--password", "--ca-certificate", "--post-data", "--quota", "--level", "--accept",
                     "--reject", "--domains", "--method", "--body-data"}


@record
class Download:
    """One fetch and what becomes of the file."""

    path: str  # the file the command is written in
    line: int
    column: int
    url: str
    text: str  # the command (or pipeline) as written
    stage: Stage | None = None
    instruction: Instruction | None = None
    output: str | None = None  # where it is written in the image, when it is
    names: set = factory(set)  # how later commands name the file
    tool: str | None = None  # a privilege or init tool (PL004)
    uses: list = factory(list)  # what becomes of it: "run by sh", "made executable", "extracted into /opt" ...
    verified: bool = False
    key: bool = False  # a signing key or signature: not code
    start_time: bool = False  # fetched by the start-up path, at every container start
    read_as_data: bool = False  # sent to a pipe that only reads it (`| grep tag_name`, `| jq`): metadata, not code
    script: object = None  # the m.Script it came from (for checks that name no file)
    steps: list = factory(list)  # finding.Related: where the file goes and how it is used

    @property
    def shown(self) -> str:
        return self.output or self.url.split("?", 1)[0]

    @property
    def is_data(self) -> bool:
        """Only unpacked or moved, and named like data or put where data lives."""
        if any(not use.startswith(("extracted", "moved")) for use in self.uses):
            return False
        target = (self.output or self.url.split("?", 1)[0]).lower()
        places = [use.split(" into ", 1)[1] for use in self.uses if " into " in use]
        if target.endswith(DATA_SUFFIXES) or DATA_WORDS.search(self.url.split("?", 1)[0]) or \
                DATA_WORDS.search(self.url.split("?", 1)[-1]) or DATA_WORDS.search(self.output or ""):
            return True
        return bool(places) and all(p.startswith(DATA_FOLDERS) or DATA_WORDS.search(p) for p in places)

    @property
    def reportable(self) -> bool:
        """Code from the network that runs or is installed, with nothing that checks it."""
        return bool(self.uses) and not self.verified and not self.key and not self.is_data


class StageDownloads:
    """Every download of the build (stages that reach the final image) and of the start-up path."""

    def __init__(self, startup):
        self.startup = startup
        self.downloads: list[Download] = []
        self._kept: set[int] = set()
        self._by_stage: dict[int, list[Download]] = {}
        dockerfile = startup.dockerfile
        if dockerfile is not None:
            scripts_by_instruction: dict[int, list] = {}
            for stage, instruction, script in startup.all_build_scripts:
                scripts_by_instruction.setdefault(id(instruction), []).append(script)
            for stage in _stages_in_image(startup):
                self._stage(stage, scripts_by_instruction)
        elif startup.script is None:
            return
        stage = startup.final_stage
        # what the build leaves in the image: a file fetched at build time and run at start is run unverified
        built = self._by_stage.get(stage.index, []) if stage is not None else []
        cwd = workdir_at(dockerfile, stage) if stage is not None else "/"
        scope = startup.environment
        helpers = startup.foreground if startup.script is None and startup.chain_scripts else []
        for each in startup.startup_scripts:
            if any(each is helper for helper in helpers):
                continue  # read with the string that runs it, below
            pending = _Pending(built)
            self._script(each.script, each.analysis, stage, None, scope, cwd, pending, start_time=True)
            for script in each.analysis.scripts[1:]:  # what it sources
                self._script(script, startup.analyse(script), stage, None, scope, cwd, pending, start_time=True)
            self._keep(pending)
        for _instruction, script in startup.chain_scripts:  # a shell-form ENTRYPOINT/CMD, `["sh", "-c", "..."]`
            pending = _Pending(built)
            for each in helpers:  # `ENTRYPOINT /entrypoint.sh; java -jar app.jar`: what the script fetched, run next
                for part in each.analysis.scripts:
                    self._script(part, startup.analyse(part), stage, None, scope, cwd, pending, start_time=True)
            self._script(script, startup.analyse(script), stage, None, scope, cwd, pending, start_time=True)
            self._keep(pending)
        if built:
            self._started(startup, _Pending(built))

    def _started(self, startup, pending: _Pending) -> None:
        """The exec-form start command runs a file the build downloaded (`CMD ["java", "-jar", "server.jar"]`),
        directly or through an entrypoint script's `exec "$@"`."""
        commands = []
        launch = startup.chain_launch
        if launch is not None and launch.program:
            commands.append(([w.value or "" for w in launch.program], startup.chain.entrypoint or startup.chain.cmd))
        cmd = startup.chain.cmd
        if cmd is not None and cmd.exec_form and startup.chain.entrypoint is not None:
            commands.append((list(cmd.exec_form), cmd))
        cwd = workdir_at(startup.dockerfile, startup.final_stage)
        for words, instruction in commands:
            name = basename(words[0]) if words else ""
            for download in pending.named(set(words) | {posixpath.basename(w) for w in words}):
                if not _resolves(download, words, cwd):
                    continue
                if _names_file(download, words[0]):
                    use = "run at container start"
                elif (runner := family(name)) in FILE_RUNNERS and any(_names_file(download, w)
                                                                      for w in _run_files(runner, words[1:])):
                    use = f"run by {FILE_RUNNERS[runner]} at container start"
                else:
                    continue
                _use(download, use, None if instruction is None else _Place(
                    instruction.path or startup.dockerfile.path, instruction.line, 1,
                    f"{instruction.keyword} {instruction.value}"))

    # -- reading ------------------------------------------------------------------------------------
    def _stage(self, stage: Stage, scripts_by_instruction: dict) -> None:
        dockerfile = self.startup.dockerfile
        pending = _Pending(self._by_stage.get(stage.parent.index, []) if stage.parent else [])
        self._by_stage[stage.index] = pending
        for instruction in stage.instructions:
            if instruction.keyword in ("COPY", "ADD") and "from" in instruction.flags:
                self._copied(stage, instruction, pending)
            elif instruction.keyword == "ADD":
                scope = stage_scope(dockerfile, stage, instruction.line)
                self._add(stage, instruction, scope, workdir_at(dockerfile, stage, instruction.line), pending)
            elif instruction.keyword == "RUN":
                scope = stage_scope(dockerfile, stage, instruction.line)
                cwd = workdir_at(dockerfile, stage, instruction.line)
                for script in scripts_by_instruction.get(id(instruction), []):
                    self._script(script, self.startup.analyse(script), stage, instruction, scope, cwd, pending)
        self._keep(pending)

    def _keep(self, pending: list[Download]) -> None:
        for download in pending:
            if id(download) not in self._kept:
                self._kept.add(id(download))
                self.downloads.append(download)

    def _copied(self, stage, instruction, pending) -> None:
        """COPY --from=builder: the builder's downloads under the copied paths are in this stage too."""
        dockerfile = self.startup.dockerfile
        scope = stage_scope(dockerfile, stage, instruction.line)
        source = dockerfile.stage_named(expand(instruction.flags["from"], scope) or instruction.flags["from"])
        if source is None:
            return
        words = [expand(w, scope) or w for w in (instruction.exec_form or _split_words(instruction.args))]
        if len(words) < 2:
            return
        dest = norm(posixpath.join(workdir_at(dockerfile, stage, instruction.line), words[-1]))
        for download in self._by_stage.get(source.index, []):
            for copied in words[:-1]:
                copied = norm(posixpath.join("/", copied))
                output = download.output or ""
                if output == copied or output.startswith(copied.rstrip("/") + "/"):
                    inner = output[len(copied):].lstrip("/") or posixpath.basename(output)
                    download.names |= _names_of(posixpath.join(dest, inner))
                    pending.add(download)

    def _add(self, stage, instruction, scope, workdir, pending) -> None:
        words = instruction.exec_form or _split_words(instruction.args)
        words = [expand(w, scope) or w for w in words]
        if len(words) < 2:
            return
        dest = words[-1]
        for url in words[:-1]:
            if "://" not in url:
                continue
            name = posixpath.basename(url.split("?", 1)[0].rstrip("/"))
            output = norm(posixpath.join(workdir, dest))
            if dest.endswith("/") or len(words) > 2 or output in IMAGE_DIRECTORIES:
                output = posixpath.join(output, name)  # `ADD <url> /tmp`: /tmp is a directory of every image
            download = Download(self.startup.dockerfile.path, instruction.line, 1, url, f"ADD {url}", stage,
                                instruction, output, verified="checksum" in instruction.flags)
            download.names = _names_of(output) | _names_of(url)
            download.tool = _tool(url, output)
            download.key = _is_signature(url)
            mode = instruction.flags.get("chmod", "")
            if mode and _grants_exec(mode):
                download.uses.append("made executable")
            pending.add(download)

    def _script(self, script: m.Script, analysis, stage, instruction, scope: dict, cwd: str, pending: list,
                start_time: bool = False) -> None:
        if not pending and not _may_fetch(script):
            return  # nothing fetched yet in this stage, and no fetcher in this script: nothing to follow
        values = {**scope, **_constants(analysis)}
        compared = _compared_commands(script)
        for node in _pipelines_and_commands(script.body):
            commands = [node] if isinstance(node, m.Command) else \
                [c for item in node.items for c in m.iter_commands(item, into_nested=False)]
            text = " | ".join(c.text for c in commands)
            for position, command in enumerate(commands):
                launches = analysis.launches(command)
                launch = launches[0] if launches else None
                program = launch.program if launch is not None else command.words
                words = [_value(w, values) for w in program]
                words[1:] = [part for word, value in zip(program[1:], words[1:])
                             for part in brace_expanded(word.text, value)]
                name = basename(words[0]) if words and words[0] else None
                if name == "cd":
                    cwd = changed_directory(cwd, words[1:], values)
                    continue
                if name in FETCHERS:
                    download = self._fetch(command, name, words, commands[position + 1:], analysis, values, cwd,
                                           text if len(commands) > 1 else command.text)
                    if download is not None:
                        download.stage, download.instruction, download.start_time = stage, instruction, start_time
                        download.script = script
                        pending.add(download)
                    continue
                if name in SHELLS:
                    self._shell_fed_from_network(command, name, analysis, values, stage, instruction, start_time,
                                                 script, pending)
                tokens = _command_tokens(command, name, words, text) | _globbed_checks(pending, name, words, cwd)
                for word in program[1:]:
                    if word.kind == m.VAR:  # `unzip "$zip"` with `zip` set in each branch: any of its values
                        tokens |= {part for value in _alternatives_of("$" + (word.var or ""), analysis, values)
                                   for part in _names_of(value)}
                globbed = any(has_glob(w or "") for w in words[1:])  # `rpm -i oracle-*.rpm`
                builds = name in COMPILERS or (bool(words) and words[0] in ("./configure", "configure"))
                # the downloads the command names, through the index (all of them for a glob or a build)
                candidates = list(pending) if globbed or builds else pending.named(tokens)
                if name == "chmod":
                    _unpacked_made_executable(pending, command, words, cwd, start_time)
                elif name in ("mv", "cp", "install", "ln"):
                    _unpacked_moved(pending, command, words, cwd, start_time)
                for download in candidates:
                    if start_time and not download.start_time and not _resolves(download, words, cwd):
                        continue  # a start-up command meets a build-time file only by its real path
                    before = (len(download.uses), len(download.steps))
                    _effect(download, command, name, words, commands, position, id(command) in compared, cwd,
                            tokens)
                    if start_time and not download.start_time:  # fetched by the build, used at every start
                        _at_start(download, before)
                    pending.reindex(download)
        for download in pending:  # `sha256sum -c SHA256SUMS` in the same script: a check that names no file
            if not download.verified and download.script is script and _unnamed_check(script, analysis, pending):
                download.verified = True

    def _fetch(self, command, name, words, after, analysis, values, cwd, text) -> Download | None:
        url, output, to_stdout = _read_fetch(name, words[1:])
        if url is None:
            return None
        download = Download(command.path, command.line, command.column, url, text)
        if output is None and to_stdout:
            stdout = command.stdout_file()
            if stdout is not None:
                output = _value(stdout, values)
            elif after:
                _consume(download, after, analysis, values, cwd)
        elif output is None:
            output = posixpath.basename(url.split("?", 1)[0].rstrip("/")) if name == "wget" else None
        if output:
            download.output = output if output.startswith("$") else norm(posixpath.join(cwd, output))
            download.names |= _names_of(download.output) | {output}
            folder = posixpath.dirname(download.output)
            if BIN_FOLDERS.search(folder) or LOADED_FOLDERS.search(folder) and \
                    download.output.lower().endswith(LOADED_SUFFIXES):
                download.uses.append(f"written into {folder}")
        raw = [w.text for w in command.words]
        written = {t.strip("\"'") for t in raw if "$" in t and t.strip("\"'") != url}
        download.names |= written | {posixpath.basename(t) for t in written} | {posixpath.basename(url)}
        if url.startswith("$") and download.output and \
                posixpath.basename(download.output) == posixpath.basename(url.split("?", 1)[0]):
            # `curl -O "$link"` with `link` set in each branch: the file is named after whichever URL it holds
            for alternative in _alternatives_of(url, analysis, values):
                download.names |= _names_of(posixpath.basename(alternative.split("?", 1)[0]))
        download.names.discard("")
        download.names -= {"-", "/dev/null", "/dev/stdout"}
        download.tool = _tool(url, download.output or "")
        download.key = _is_signature(url) or _is_signature(download.output)
        return download

    def _shell_fed_from_network(self, command, name, analysis, values, stage, instruction, start_time, script,
                                pending) -> None:
        """`bash <(curl URL)`, `sh -c "$(curl URL)"`: a shell runs what the network sends."""
        for nested in command.nested:
            for inner in m.iter_commands(nested):
                launch = analysis.launches(inner)[0]
                if launch.program_name not in FETCHERS:
                    continue
                words = [_value(w, values) for w in launch.program]
                url, _, _ = _read_fetch(launch.program_name, words[1:])
                if url is None:
                    continue
                download = Download(inner.path, inner.line, inner.column, url, command.text, stage, instruction,
                                    start_time=start_time, script=script)
                download.uses.append(f"run by {name}")
                download.tool = _tool(url, "")
                pending.add(download)


# -- what a command does to a downloaded file ---------------------------------------------------------
class _Pending(list):
    """The downloads of a stage so far, with an index name -> downloads kept up to date as they are added
    and as commands name them (only a named download can gain names), so each command costs what it names."""

    def __init__(self, downloads=()):
        super().__init__()
        self.index: dict[str, dict[int, Download]] = {}
        self.unpacked: dict[str, dict[int, Download]] = {}  # folder -> the downloads unpacked into it
        self.ids: set[int] = set()
        for download in downloads:
            self.add(download)

    def add(self, download: Download) -> None:
        if id(download) not in self.ids:
            self.ids.add(id(download))
            self.append(download)
        self.reindex(download)

    def reindex(self, download: Download) -> None:
        for name in download.names:
            self.index.setdefault(name, {})[id(download)] = download
        for use in download.uses:
            if use.startswith("extracted into "):
                folder = use.split(" into ", 1)[1].rstrip("/")
                if folder:  # unpacked into /: every path would be "from it"
                    self.unpacked.setdefault(folder, {})[id(download)] = download

    def unpacked_under(self, paths) -> list[Download]:
        """The downloads unpacked into a folder that holds one of the paths (looked up by each path's folders)."""
        found: dict[int, Download] = {}
        for path in paths:
            folder = posixpath.dirname(path)
            while folder not in ("", "/"):
                found.update(self.unpacked.get(folder, {}))
                folder = posixpath.dirname(folder)
        return list(found.values())

    def named(self, tokens) -> list[Download]:
        found: dict[int, Download] = {}
        for token in tokens:
            found.update(self.index.get(token, {}))
        return list(found.values())


def _command_tokens(command, name, words, pipeline_text: str) -> set[str]:
    """The names a command mentions (and for a check, its whole pipeline: `echo "$SUM  f" | sha256sum -c`)."""
    tokens = _tokens(command.text) | {w for w in words if w}
    tokens |= {posixpath.basename(w) for w in words if w}
    if name == "unzip":  # `unzip sonar-scanner-4.8`: unzip adds the .zip itself
        tokens |= {w + ".zip" for w in list(tokens) if w and not w.startswith("-") and not w.endswith(".zip")}
    if name in CHECKSUM_TOOLS or name in ("md5sum", "gpg", "gpg2", "gpgv"):
        tokens |= _tokens(pipeline_text)
        # `gpg --verify gosu.asc`, `sha256sum -c app.tgz.sha256`, `echo "$(cat tini.sha256sum)" | sha256sum -c`:
        # a signature or digest file names what it checks
        signed = {w[: -len(suffix)] for w in tokens if w for suffix in _CHECK_FILE_SUFFIXES if w.endswith(suffix)}
        tokens |= signed | {posixpath.basename(w) for w in signed}
    return tokens


_CHECK_FILE_SUFFIXES = (".asc", ".sig", ".sign", ".gpg", ".sha256", ".sha256sum", ".sha512", ".sha512sum", ".sha1",
                        ".md5")


def _globbed_checks(pending, name, words, cwd) -> set[str]:
    """`cd /tmp && sha256sum -c *.sha256`: the downloads whose digest file the glob takes in."""
    if name not in CHECKSUM_TOOLS and name != "md5sum" or not any(_is_check_option(w or "") for w in words[1:]):
        return set()
    patterns = [norm(posixpath.join(cwd, w)) for w in words[1:] if w and has_glob(w)]
    return {download.output for download in pending if download.output for pattern in patterns
            for suffix in _CHECK_FILE_SUFFIXES if fnmatch.fnmatchcase(download.output + suffix, pattern)}


def _effect(download: Download, command, name, words, commands, position, compared: bool, cwd,
            tokens: set[str]) -> None:
    """Record what `command` does to the download when it names the file (its uses, or its verification)."""
    if not download.names:
        return
    if name == "chmod" and download.output and any(
            has_glob(word) and fnmatch.fnmatchcase(download.output, norm(posixpath.join(cwd, word)))
            for word in words[1:] if word):
        _use(download, "made executable", command)  # chmod +x /usr/local/bin/*
        return
    if not (download.names & tokens) and not any(
            _names_file(download, w) for w in words[1:] if w and has_glob(w)):
        if name in COMPILERS or (words and words[0] in ("./configure", "configure")):
            folders = [use.split(" into ", 1)[1] for use in download.uses if use.startswith("extracted into ")]
            if any(cwd == folder or cwd.startswith(folder.rstrip("/") + "/") for folder in folders):
                _use(download, "compiled", command)
        return
    arguments = words[1:]
    if _verifies(name, arguments, command, commands, position, compared):
        download.verified = True
        return
    if name in ("gpg", "gpg2") and any(a in ("--dearmor", "--import", "--enarmor") for a in arguments) or \
            name == "apt-key":
        download.key = True
        return
    if name == "chmod" and any(_grants_exec(a) for a in arguments if not _names_file(download, a)):
        _use(download, "made executable", command)
    elif name == "install" and not any(a.startswith("-d") for a in arguments):
        dest = [a for a in arguments if not a.startswith("-")][-1:] or [""]
        _use(download, f"installed into {posixpath.dirname(norm(posixpath.join(cwd, dest[0])))}", command)
    elif name in ("mv", "cp", "ln"):
        operands = [a for a in arguments if not a.startswith("-")]
        if len(operands) >= 2 and not _names_file(download, operands[-1]):
            dest = norm(posixpath.join(cwd, operands[-1]))
            download.names |= _names_of(dest) | _names_of(posixpath.join(dest, posixpath.basename(
                download.output or "")))
            if CODE_FOLDERS.search(dest):
                folder = dest if dest.endswith(("bin", "lib", "opt")) else posixpath.dirname(dest)
                _use(download, f"moved into {folder}", command)
    elif name == "tar" and _tar_extracts(arguments):
        _use(download, f"extracted into {_option_value(arguments, ('-C', '--directory')) or cwd}", command)
    elif name == "ar" and arguments and "x" in arguments[0].lstrip("-"):  # `ar x pkg.deb`: a package's parts
        _use(download, f"extracted into {cwd}", command)
    elif name in ARCHIVERS:
        _use(download, f"extracted into {_option_value(arguments, ('-d',)) or cwd}", command)
    elif name in ("gunzip", "gzip", "xz", "unxz", "bunzip2", "zstd", "unzstd"):
        stripped = re.sub(r"\.(gz|xz|bz2|zst|tgz)$", "", download.output or "")
        if stripped:
            download.names |= _names_of(stripped)
    elif name in PACKAGE_INSTALLERS and _installs(name, arguments, download):
        _use(download, f"installed as a package with {name}", command)
    elif name == "apk" and "--allow-untrusted" in arguments:
        _use(download, "installed as a package with apk --allow-untrusted", command)
    elif (runner := family(name)) in FILE_RUNNERS and any(_names_file(download, a)
                                                          for a in _run_files(runner, arguments)):
        _use(download, f"run by {FILE_RUNNERS[runner]}", command)  # python2, python3.11 too
    elif name in COMPILERS:
        _use(download, "compiled", command)
    elif words and _names_file(download, words[0]):
        _use(download, "run", command)


def _consume(download: Download, after, analysis, values, cwd) -> None:
    """What the pipe after a fetch does with the bytes: run them, unpack them, or write them to a file."""
    while True:
        launch = analysis.launches(after[0])[0]
        words = [_value(w, values) for w in launch.program]
        name = basename(words[0]) if words and words[0] else None
        if name != "cd" or len(after) == 1:
            break
        cwd = changed_directory(cwd, words[1:], values)  # `curl URL | (cd /usr/local/bin && tar xz)`
        after = after[1:]
    if name is None:
        return
    if _runs_stdin(launch, name):
        download.uses.append(f"run by {family(name)}")
    elif name in ("tar", "bsdtar") and _tar_extracts(words[1:]):  # `curl URL | bsdtar -xf - dir`
        download.uses.append(f"extracted into {_option_value(words[1:], ('-C', '--directory')) or cwd}")
        download.output = None
    elif name in ("gunzip", "gzip", "zcat", "xz", "bunzip2", "zstd", "tee", "cat", "dd") or (
            name in ("sed", "tr") and after[-1].stdout_file() is not None):  # `| sed '1,/^#/d' >> backup.sh`
        target = after[-1].stdout_file()
        if target is not None:
            output = _value(target, values)
            if output:
                download.output = norm(posixpath.join(cwd, output))
                download.names |= _names_of(download.output)
        elif name == "tee" and len(words) > 1 and words[1]:
            download.output = norm(posixpath.join(cwd, words[1]))
            download.names |= _names_of(download.output)
    elif name in ("dpkg", "rpm") or name == "apt-key" or (name in ("gpg", "gpg2") and "--verify" not in words):
        download.key = name in ("apt-key", "gpg", "gpg2")
    elif name in _READERS:
        download.read_as_data = True  # `curl .../releases | grep tag_name | cut ...`: it looks for a version


#: Programs that only read what is piped into them: a fetch piped to one is metadata, not a program.
_READERS = {"grep", "egrep", "jq", "yq", "cut", "awk", "gawk", "sed", "head", "tail", "sort", "tr", "wc", "python",
            "python3"}


def _verifies(name, arguments, command, commands, position, compared: bool) -> bool:
    """Whether this command compares the file with something pinned (a bare digest only prints it)."""
    if name in ("gpg", "gpg2"):
        return "--verify" in arguments
    if name == "gpgv":
        return True
    if name in CHECKSUM_TOOLS or name == "md5sum":
        if any(_is_check_option(a) for a in arguments):
            return True
        later = [c.name for c in commands[position + 1:]]
        return any(n in ("grep", "cmp", "diff") for n in later) or compared
    if name == "openssl":
        return (bool(arguments) and (arguments[0] == "dgst" or arguments[0].startswith(("sha", "md")))
                and ("-verify" in arguments or "-signature" in arguments or compared))
    if name == "cosign":
        return any(a.startswith("verify") for a in arguments)
    if name == "minisign":
        return "-V" in arguments
    if name == "rpm":
        return any(a in ("-K", "--checksig") for a in arguments)
    if name == "dpkg-sig":
        return "--verify" in arguments
    if name in ("[", "[[", "test") or command.is_test:
        return bool(re.search(r"\b(sha(1|224|256|384|512)sum|shasum|md5sum|b2sum|openssl)\b", command.text))
    return False


def _unpacked_made_executable(pending, command, words, cwd, start_time: bool) -> None:
    """`unzip app.zip && chmod +x bin/tool`: a file the archive put in place is made executable, so the archive
    is code, wherever it was unpacked."""
    arguments = [w for w in words[1:] if w]
    if not any(_grants_exec(a) for a in arguments) or any(a in ("-R", "--recursive") for a in arguments):
        return  # `chmod -R 755 /var/www`: permissions of a tree, not a program
    paths = [norm(posixpath.join(cwd, a)) for a in arguments if not a.startswith(("-", "+")) and not _grants_exec(a)]
    for download in pending.unpacked_under(paths):
        if start_time and not download.start_time:
            continue  # the build's archives are matched by real paths only (`_resolves`)
        _use(download, "a file from it made executable", command)


def _unpacked_moved(pending, command, words, cwd, start_time: bool) -> None:
    """`unzip rclone.zip && mv rclone-*/rclone /usr/local/bin`: a file the archive unpacked is moved into a
    bin/lib/opt folder, so the archive is code, wherever it was unpacked."""
    operands = [w for w in words[1:] if w and not w.startswith("-")]
    if len(operands) < 2:
        return
    dest = norm(posixpath.join(cwd, operands[-1]))
    if not CODE_FOLDERS.search(dest):
        return
    sources = [norm(posixpath.join(cwd, operand)) for operand in operands[:-1]]
    for download in pending.unpacked_under(sources):
        if start_time and not download.start_time:
            continue
        folder = dest if dest.endswith(("bin", "lib", "opt")) else posixpath.dirname(dest)
        verb = {"cp": "copied", "ln": "linked", "install": "installed"}.get(basename(words[0]) or "", "moved")
        _use(download, f"a file from it {verb} into {folder}", command)


def _run_files(name: str, arguments: list) -> list[str]:
    """The files an interpreter runs from its arguments: `java -jar X` / `-cp A:B`, `deno run X`, else the first
    operand (none for `python -m mod`, `sh -c '...'`); a later operand is the program's data, not code."""
    arguments = [a or "" for a in arguments]
    if name == "java":
        found = []
        for index, (option, value) in enumerate(zip(arguments, arguments[1:])):
            if option == "-jar":  # the jar is the first operand after it (`java -jar -Xmx1G $FLAGS server.jar`)
                operands = [a for a in arguments[index + 1:] if not a.startswith("-")]
                jars = [a for a in operands if a.endswith(".jar")]
                found += jars[:1] or operands[:1]
            elif option in ("-cp", "-classpath", "--class-path"):
                found += value.split(":")
        return found
    if name in ("deno", "bun") and arguments[:1] == ["run"]:
        arguments = arguments[1:]
    for argument in arguments:
        if argument in ("-m", "-c", "-e", "-r", "--eval", "--require"):
            return []
        if not argument.startswith("-"):
            return [argument]
    return []


def _is_check_option(argument: str) -> bool:
    """`-c`, `--check`, or `c` in a cluster of short options (`-cs`)."""
    return argument == "--check" or (argument.startswith("-") and not argument.startswith("--")
                                     and "c" in argument[1:])


def _may_fetch(script: m.Script) -> bool:
    """A cheap look at the text: can anything in the script fetch from the network?"""
    return any("curl" in line or "wget" in line or "://" in line or "$" in line for line in script.lines)


def _compared_commands(script: m.Script) -> set[int]:
    """Ids of the commands inside a `$(...)` of a test: `[ "$(sha256sum f | cut -c1-64)" = "$SUM" ]`."""
    found = set()
    for command in m.iter_commands(script.body):
        if command.is_test:
            for nested in command.nested:
                found |= {id(inner) for inner in m.iter_commands(nested)}
    return found


def _unnamed_check(script, analysis, pending) -> bool:
    """A `sha256sum -c SHA256SUMS`-style check in the script whose pipeline names no downloaded file."""
    names = {name for download in pending if not download.key for name in download.names}  # not SHA256SUMS itself
    for node in _pipelines_and_commands(script.body):
        commands = [node] if isinstance(node, m.Command) else \
            [c for item in node.items for c in m.iter_commands(item, into_nested=False)]
        text = " | ".join(c.text for c in commands)
        for command in commands:
            launch = analysis.launches(command)[0]
            name = launch.program_name
            values = [w.value or w.text for w in launch.program[1:]]
            # a digest list checked with -c covers the files it lists; a signature check covers only the file it
            # names (a SHA256SUMS.asc verifies SHA256SUMS, not gosu)
            checks = name in CHECKSUM_TOOLS and any(_is_check_option(v) for v in values)
            if checks and not (names & _tokens(text)):
                return True
    return False


# -- helpers ------------------------------------------------------------------------------------------
def _use(download: Download, use: str, command=None) -> None:
    if use not in download.uses:
        download.uses.append(use)
        if command is not None and (command.path, command.line) != (download.path, download.line):
            download.steps.append(Related(command.path, command.line, command.column,
                                          f"`{' '.join(command.text.split())[:60]}`: {use}"))


def _at_start(download: Download, before: tuple[int, int]) -> None:
    """Mark the uses a start-up script just gave a build-time download as happening at container start."""
    uses, steps = before
    for index in range(uses, len(download.uses)):
        download.uses[index] += " at container start"
    download.uses[uses:] = [use for position, use in enumerate(download.uses[uses:], start=uses)
                            if use not in download.uses[:position]]  # a second `java -jar` line: said once
    for index in range(steps, len(download.steps)):
        step = download.steps[index]
        download.steps[index] = Related(step.path, step.line, step.column, step.message + " at container start")


@record
class _Place:
    """Where a use happens, for a step, when it is not a shell command (an exec-form ENTRYPOINT/CMD)."""

    path: str
    line: int
    column: int
    text: str


def _resolves(download: Download, words: list, cwd: str) -> bool:
    """Whether a word of the command is the download's path in the image: the program through PATH (or its own
    path), any other word relative to the working directory."""
    program = words[0] if words else None
    if program and "/" not in program and any(posixpath.join(d, program) in download.names for d in PATH_DIRS):
        return True
    return any(word and ("/" in word or word is not program) and norm(posixpath.join(cwd, word)) in download.names
               for word in words)


def _names_file(download: Download, word: str) -> bool:
    if not word:
        return False
    if word in download.names or posixpath.basename(word) in download.names:
        return True
    if has_glob(word) and "$" not in word:  # `rpm -i oracle-*.rpm`: a glob taking the file in
        pattern = posixpath.basename(word)
        return any(fnmatch.fnmatchcase(posixpath.basename(name), pattern) for name in download.names if name)
    return False


#: `host.tld/path` with no scheme: curl and wget fetch it over http (`wget -N git.io/aria2.sh`). The last label
#: of the host is letters only, so `conf.d/x` or `v1.2/file` stay paths.
_SCHEMELESS_URL = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,6}(:[0-9]+)?/[^\s]*$")


def _read_fetch(name: str, arguments: list) -> tuple[str | None, str | None, bool]:
    """(url, output file, writes to stdout) of a curl or wget command's arguments."""
    url = output = prefix = None
    stdout = name == "curl"
    remote_name = False
    value_short = _CURL_VALUES if name == "curl" else _WGET_VALUES
    value_long = _CURL_LONG_VALUES if name == "curl" else _WGET_LONG_VALUES
    index = 0
    while index < len(arguments):
        argument = arguments[index] or ""
        following = arguments[index + 1] if index + 1 < len(arguments) else None
        index += 1
        if argument.startswith("--"):
            option, has_value, value = argument.partition("=")
            if option in ("--output", "--output-document"):
                output = value if has_value else following
                index += 0 if has_value else 1
            elif option == "--directory-prefix" and name == "wget":
                prefix = value if has_value else following
                index += 0 if has_value else 1
            elif option in ("--remote-name", "--remote-name-all"):
                remote_name = True
            elif option in value_long and not has_value:
                index += 1
            continue
        if argument.startswith("-") and len(argument) > 1:
            cluster = argument[1:]
            for position, letter in enumerate(cluster):
                flag_output = (letter == "o" and name == "curl") or (letter == "O" and name == "wget")
                if flag_output or letter in value_short:
                    attached = cluster[position + 1:]
                    value = attached if attached else following
                    if not attached:
                        index += 1
                    if flag_output:
                        output = value
                    elif letter == "P" and name == "wget":
                        prefix = value  # `wget URL -P DIR`: the file lands in DIR
                    break
                if letter == "O" and name == "curl":
                    remote_name = True
            continue
        if url is None and ("://" in argument or argument.startswith("$") or _SCHEMELESS_URL.match(argument)):
            url = argument  # curl and wget take `git.io/x.sh` as http://git.io/x.sh
    if url is None:
        return None, None, False  # a variable holding the URL (`"${SONARR_URL}"`) still names a download
    if remote_name and output is None:
        output = posixpath.basename(url.split("?", 1)[0].rstrip("/"))
    if prefix and output is None and name == "wget":
        output = posixpath.join(prefix, posixpath.basename(url.split("?", 1)[0].rstrip("/")))
    if output == "-":
        output, stdout = None, True
    elif output is not None:
        stdout = False
    return url, output, stdout


def _tar_extracts(arguments: list) -> bool:
    for argument in arguments:
        if argument in ("--extract", "--get"):
            return True
        if argument.startswith("--"):
            continue
        letters = argument.lstrip("-")
        if "x" in letters and (argument.startswith("-") or argument is arguments[0]):
            return True
    return False


def _option_value(arguments: list, options: tuple) -> str | None:
    for index, argument in enumerate(arguments):
        for option in options:
            if argument == option and index + 1 < len(arguments):
                return arguments[index + 1]
            if option.startswith("--") and argument.startswith(option + "="):
                return argument.split("=", 1)[1]
            if not option.startswith("--") and argument.startswith(option) and len(argument) > len(option):
                return argument[len(option):]
    return None


def _installs(name: str, arguments: list, download: Download) -> bool:
    """`dpkg -i F`, `apt-get install ./F`, `rpm -Uvh F`, `pip install F`: the package is the downloaded file
    (`pip install -r F` and `-c F` read a list of packages from it: F is no package)."""
    verbs = PACKAGE_INSTALLERS[name]
    if verbs and not any(a in verbs for a in arguments):
        return False
    lists = {b for a, b in zip(arguments, arguments[1:]) if a in ("-r", "--requirement", "-c", "--constraint")}
    return any(_names_file(download, a) for a in arguments
               if (not a.startswith("-") or a.startswith("./")) and a not in lists)


def _runs_stdin(reading, resolved: str | None = None) -> bool:
    """`| sh`, `| bash -s --`, `| php`, `| python3 -`: an interpreter reading its program from the pipe
    (`resolved`: the program's name with the stage's ARG/ENV expanded, `| python${PYTHON_VERSION}`)."""
    name = family(reading.program_name or resolved or "")
    if name not in PIPE_INTERPRETERS:
        return False
    arguments = [w.value or w.text for w in reading.program[1:]]
    if name in SHELL_INTERPRETERS:
        return "-c" not in arguments
    if any(a in ("-c", "-e", "-m", "-r", "--eval", "--print", "-p") for a in arguments):
        # `| python -c "json.load(sys.stdin)..."`: the program is given inline, the pipe is its data, unless the
        # inline program runs what it reads (`exec(sys.stdin.read())`, the calibre installer's idiom)
        return any("exec(" in a and "stdin" in a or "eval(" in a and "stdin" in a for a in arguments)
    return all(a.startswith("-") for a in arguments[:1]) or arguments[:1] == ["-"]


_TOKEN_SPLIT = re.compile(r"[\s|;&<>()=]+")
_SYMBOLIC_EXEC = re.compile(r"[ugoa]*[+=][rwxXst]*x[rwxXst]*(,.*)?")
_OCTAL_MODE = re.compile(r"-?m?[0-7]{3,4}")


def _grants_exec(mode: str) -> bool:
    if _SYMBOLIC_EXEC.fullmatch(mode):
        return True
    if _OCTAL_MODE.fullmatch(mode.lstrip("-m")):
        digits = mode.lstrip("-m")[-3:]
        return any(int(d) & 1 for d in digits)
    return False


def _is_signature(path: str | None) -> bool:
    if not path:
        return False
    lowered = path.split("?", 1)[0].lower()
    return lowered.endswith(SIGNATURE_SUFFIXES) or lowered.endswith((".gpg.key", "/gpg", "/key"))


def _tool(url: str, output: str) -> str | None:
    match = PRIVILEGE_TOOLS.search(output or "") or PRIVILEGE_TOOLS.search(url.split("?", 1)[0])
    return match.group(1) if match else None


def _names_of(path: str | None) -> set:
    if not path:
        return set()
    clean = path.split("?", 1)[0].rstrip("/")
    return {clean, posixpath.basename(clean)} - {""}


def _value(word: m.Word, values: dict) -> str | None:
    return word_value(word, values, keep_unknown=True)


def _alternatives_of(reference: str, analysis, values: dict) -> list[str]:
    """The literal values a variable is given in different branches (`$link`, `${link}`): [] for one value.
    `values` are the script's constants (and the scope), to expand each of them with."""
    match = _VARIABLE_REFERENCE.fullmatch(reference.strip("\"'"))
    if match is None:
        return []
    words = analysis.variables.values.get(match.group(1), [])
    if len(words) < 2 or any(w is None or "$(" in w.text or "`" in w.text for w in words):
        return []
    return [value for value in (word_value(w, values, keep_unknown=True) for w in words) if value]


_VARIABLE_REFERENCE = re.compile(r"\$\{?([A-Za-z_]\w*)\}?")


def _constants(analysis) -> dict:
    """Variables of the script (and what it sources) that hold one literal value."""
    found, templates = {}, {}
    for name, words in analysis.variables.values.items():
        if len(words) != 1 or words[0] is None:
            continue
        word = words[0]
        if word.kind == m.LITERAL:
            found[name] = word.value
        elif "$(" not in word.text and "`" not in word.text:
            templates[name] = word
    for name, word in templates.items():
        # `JAR=server.${VERSION}.jar`: expanded from the constants, else kept as written, so that it matches the
        # same text in a URL or a path
        found[name] = word_value(word, found, keep_unknown=True)
    return found


def _tokens(text: str) -> set[str]:
    """Words of a command line, with their basenames, quotes and trailing separators stripped."""
    tokens = set()
    for raw in _TOKEN_SPLIT.split(text):
        token = raw.strip("\"'{}").lstrip("*").rstrip("\\$")  # `HASH *file`; `grep " ${tarball}\$" SUMS`
        if token:
            tokens.add(token)
            tokens.add(posixpath.basename(token))
    return tokens


def _pipelines_and_commands(node: m.Node):
    """Pipelines as wholes, and simple commands outside pipelines (nested ones included), in order."""
    for current in m.walk(node, stop=lambda n: isinstance(n, m.Pipeline)):
        if isinstance(current, m.Pipeline):
            yield current
            for command in m.iter_commands(current, into_nested=False):
                for nested in command.nested:
                    yield from _pipelines_and_commands(nested)
        elif isinstance(current, m.Command):
            yield current


def _stages_in_image(startup) -> list[Stage]:
    """The final stage's chain, and every stage a stage of the image copies files from (COPY --from)."""
    dockerfile = startup.dockerfile
    final = startup.final_stage
    if final is None:
        return []
    wanted: list[Stage] = []
    queue = list(final.chain())
    while queue:
        stage = queue.pop()
        if stage in wanted:
            continue
        wanted.append(stage)
        for instruction in stage.instructions:
            source = instruction.flags.get("from") if instruction.keyword in ("COPY", "ADD") else None
            if source is not None:
                found = dockerfile.stage_named(expand(source, stage_scope(dockerfile, stage, instruction.line))
                                               or source)
                if found is not None:
                    queue += found.chain()
    return [stage for stage in dockerfile.stages if stage in wanted]
