"""Files → models → start-up → rules → findings. Knows nothing about output formats."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from privlint.context import candidate_paths, resolve_in_context, workdir_at
from privlint.dockerfile import parse_dockerfile
from privlint.finding import Finding, InputError, Note
from privlint.flow import ScriptAnalysis
from privlint.rules import RULES
from privlint.run_shell import _SHELLS
from privlint.shell import parse_script
from privlint.source import UnreadableFile, read_source
from privlint.startup import Startup, StartupScript, looks_like_script


@dataclass
class Job:
    """One container start-up to lint: a Dockerfile, a script, or both."""

    dockerfile: str | None = None
    script: str | None = None  # an explicitly paired entrypoint script
    context: str | None = None
    helpers: list[str] = field(default_factory=list)


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    files: int = 0
    scripts_read: list[str] = field(default_factory=list)  # real paths of entrypoints found by resolution
    sources: dict[str, list[str]] = field(default_factory=dict)  # lines of each file read, for reporters

    def extend(self, other: "Result") -> None:
        self.findings += other.findings
        self.errors += other.errors
        self.notes += other.notes
        self.files += other.files
        self.scripts_read += other.scripts_read
        self.sources.update(other.sources)


def lint_job(job: Job) -> Result:
    result = Result()
    dockerfile = None
    if job.dockerfile is not None:
        source = _read(job.dockerfile, result)
        if source is None and job.script is None:
            return result
        if source is not None:
            dockerfile = parse_dockerfile(job.dockerfile, source.text)
    startup = Startup(dockerfile)
    if job.script is not None:
        startup.script = _load_script(job.script, True, result)
    elif dockerfile is not None:
        _resolve_entrypoint(startup, job.context or os.path.dirname(job.dockerfile) or ".", result)
    for helper in job.helpers:
        loaded = _load_script(helper, False, result)
        if loaded is not None:
            startup.helpers.append(loaded)
    for module in RULES.values():
        result.findings.extend(module.check(startup))
    return result


def _read(path: str, result: Result, named: bool = True):
    """The file's text; an unreadable file named by the user is an error, a resolved one a note."""
    try:
        source = read_source(path)
    except UnreadableFile as error:
        if named:
            result.errors.append(InputError(path, str(error)))
        else:
            result.notes.append(Note(path, f"entrypoint not read: {error}"))
        return None
    result.files += 1
    result.sources[path] = source.text.splitlines()
    if source.decode_warning:
        result.notes.append(Note(path, source.decode_warning))
    return source


def _load_script(path: str, is_entrypoint: bool, result: Result, text: str | None = None,
                 line_offset: int = 0) -> StartupScript | None:
    if text is None:
        source = _read(path, result)
        if source is None:
            return None
        text = source.text
    script = parse_script(path, text, line_offset)
    return StartupScript(script, ScriptAnalysis(script), is_entrypoint)


def _resolve_entrypoint(startup: Startup, context: str, result: Result) -> None:
    dockerfile = startup.dockerfile
    reference = startup.program_reference()
    if reference is None or startup.final_stage is None:
        return
    startup.script_reference = reference
    workdir = workdir_at(dockerfile, startup.final_stage)
    resolved = resolve_in_context(dockerfile, startup.final_stage, candidate_paths(reference, workdir), context)
    if resolved is None:
        if looks_like_script(reference):
            startup.script_missing = True
            result.notes.append(Note(dockerfile.path, f"entrypoint {reference} is not copied from the build "
                                     f"context ({context}): linted the Dockerfile only"))
        return
    if resolved.outside_context:
        startup.script_missing = True
        result.notes.append(Note(dockerfile.path, f"entrypoint {reference} resolves outside the build "
                                 "context: not read"))
        return
    if resolved.heredoc is not None:
        heredoc = resolved.heredoc
        startup.script = _load_script(dockerfile.path, True, result, heredoc.body, heredoc.line - 1)
        return
    result.scripts_read.append(os.path.realpath(resolved.file))
    source = _read(resolved.file, result, named=False)
    if source is None:
        startup.script_missing = True
        return
    if not _is_shell(source.text, resolved.file):
        startup.script_missing = True
        result.notes.append(Note(resolved.file, "the entrypoint is not a shell script: not analysed"))
        return
    startup.script = _load_script(resolved.file, True, result, source.text)


def _is_shell(text: str, path: str) -> bool:
    first = text.split("\n", 1)[0]
    if not first.startswith("#!"):
        return not path.endswith((".py", ".js", ".rb", ".pl"))
    words = first[2:].split()
    names = [word.rsplit("/", 1)[-1] for word in words[:2]]
    return any(name in _SHELLS for name in names)


def plan_and_lint(paths: list[str], forced_dockerfiles: list[str], context: str | None) -> Result:
    """Sort the command line's paths into start-ups and lint each, Dockerfiles first."""
    from privlint.discover import find_dockerfiles, is_dockerfile_name

    result = Result()
    dockerfiles: list[str] = []
    scripts: list[str] = []
    problems: list[tuple[str, str]] = []
    for path in forced_dockerfiles:
        dockerfiles.append(path)
    for path in paths:
        if os.path.isdir(path):
            dockerfiles += find_dockerfiles(path, problems)
        elif is_dockerfile_name(path):
            dockerfiles.append(path)
        elif not os.path.lexists(path):
            result.errors.append(InputError(path, "no such file or directory"))
        else:
            scripts.append(path)
    result.errors += [InputError(path, message) for path, message in problems]
    dockerfiles = list(dict.fromkeys(dockerfiles))
    scripts = list(dict.fromkeys(scripts))
    if len(dockerfiles) == 1 and scripts:
        result.extend(lint_job(Job(dockerfiles[0], scripts[0], context, helpers=scripts[1:])))
        return result
    for dockerfile in dockerfiles:
        result.extend(lint_job(Job(dockerfile, context=context)))
    for script in scripts:
        if os.path.realpath(script) not in result.scripts_read:
            result.extend(lint_job(Job(script=script)))
    return result
