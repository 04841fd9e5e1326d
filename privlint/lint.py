"""Files → models → start-up → rules → findings. Knows nothing about output formats."""

from __future__ import annotations

import fnmatch
import os

from privlint.config import Settings
from privlint.discover import is_dockerfile_name
from privlint.dockerfile import parse_dockerfile
from privlint.filekind import COMPOSE, DOCKERFILE, SHELL, UNKNOWN, YAML, head_of, is_compose_name, kind_of
from privlint.finding import Finding, InputError, Note
from privlint.record import factory, record, replace
from privlint.rules import RULES, pl901_unused_suppression
from privlint.source import MAX_FILE_BYTES, SourceText, UnreadableFile, read_source
from privlint.startup import Startup
from privlint.suppress import apply as apply_suppressions
from privlint.suppress import find_pragmas, malformed_pragmas


@record
class Job:
    """One container start-up to lint: a Dockerfile, a script, or both."""

    dockerfile: str | None = None
    script: str | None = None  # an explicitly paired entrypoint script
    context: str | None = None
    text: SourceText | None = None  # the file's text when it was not read from disk (standard input)
    service: object = None  # compose.Service: the image as this compose service runs it


@record
class Result:
    findings: list[Finding] = factory(list)
    errors: list[InputError] = factory(list)
    notes: list[Note] = factory(list)
    files: int = 0
    scripts_read: list[str] = factory(list)  # real paths of entrypoints found by resolution
    sources: dict[str, list[str]] = factory(dict)  # lines of each file read, for reporters
    startups: list = factory(list)  # `privlint startup`: one description per start-up

    def without_suppressed(self) -> "Result":
        """The same result with suppressed findings left out (all formats but SARIF)."""
        return replace(self, findings=[f for f in self.findings if f.suppressed is None])

    def summary(self) -> str:
        from privlint.finding import Severity, fix_summary, plural

        counts = {s: sum(1 for f in self.findings if f.severity == s and f.suppressed is None) for s in Severity}
        text = (f"{plural(self.files, 'file')} checked: {plural(counts[Severity.ERROR], 'error')}, "
                f"{plural(counts[Severity.WARNING], 'warning')}, {plural(counts[Severity.INFO], 'info')}")
        if self.errors:
            text += f"; {plural(len(self.errors), 'file')} not read"
        fixes = fix_summary(self.findings)
        return text + (f"; {fixes}" if fixes else "")

    def extend(self, other: "Result") -> None:
        self.findings += other.findings
        self.errors += other.errors
        seen = set(self.notes)
        self.notes += [note for note in other.notes if note not in seen]  # a script shared by several start-ups
        self.files += other.files
        self.scripts_read += other.scripts_read
        self.sources.update(other.sources)
        self.startups += other.startups


#: Below this many start-ups one process is faster than starting a pool.
PARALLEL_THRESHOLD = 48
MAX_WORKERS = 8

_WORKER_LINTER = None


def _start_worker(linter) -> None:
    global _WORKER_LINTER
    _WORKER_LINTER = linter


def _lint_in_worker(job):
    return _WORKER_LINTER.lint_job(job)


class Linter:
    """Lints start-ups under one set of settings (rule selection, severities, pragmas, limits)."""

    def __init__(self, settings: Settings | None = None, report_unused_ignores: bool = False,
                 stdin: SourceText | None = None, describe: bool = False):
        self.describe = describe  # `privlint startup`: describe each start-up instead of running rules
        self.stdin = stdin  # what `privlint -` read from standard input, named by --stdin-filename
        self.settings = settings or Settings()
        self.report_unused_ignores = report_unused_ignores
        self.rule_ids = self.settings.enabled_rules(list(RULES))
        self.max_bytes = self.settings.max_file_size or MAX_FILE_BYTES
        self.compose_lines: dict[str, list[str]] = {}  # compose files (and their overrides) read once, by path

    # -- planning --------------------------------------------------------------------------
    def lint_paths(self, paths: list[str], forced_dockerfiles: list[str],
                   find_dockerfiles_for_scripts: bool = False, entrypoint: str | None = None) -> Result:
        """Sort the command line's paths into start-ups and lint each, Dockerfiles first."""
        from privlint.discover import find_dockerfiles

        result = Result()
        dockerfiles: list[str] = list(forced_dockerfiles)
        scripts: list[str] = []
        composes: list[str] = []
        problems: list[tuple[str, str]] = []
        for path in paths:
            if path == "-" and self.stdin is not None:
                result.extend(self._lint_stdin())
            elif os.path.isdir(path):
                dockerfiles += find_dockerfiles(path, problems, composes)
            elif is_compose_name(path):
                composes.append(path)
            elif is_dockerfile_name(path):
                dockerfiles.append(path)
            elif not os.path.lexists(path):
                result.errors.append(InputError(path, "no such file or directory"))
            else:
                kind = _kind_of_file(path)
                if kind == DOCKERFILE:
                    dockerfiles.append(path)
                elif kind == COMPOSE:
                    composes.append(path)
                elif kind in (SHELL, None):  # None: unreadable, which reading it as a script will say
                    scripts.append(path)
                else:
                    result.notes.append(Note(path, _NOT_LINTED[kind]))
        result.errors += [InputError(path, message) for path, message in problems]
        dockerfiles = [p for p in dict.fromkeys(dockerfiles) if not self.excluded(p)]
        scripts = [p for p in dict.fromkeys(scripts) if not self.excluded(p)]
        service_jobs = self._compose_jobs([p for p in dict.fromkeys(composes) if not self.excluded(p)], result)
        # a Dockerfile a service builds is linted as the service runs it and also as `docker run` runs it: both ship
        for part in self.lint_jobs(service_jobs):
            result.extend(part)
        context = self.settings.context
        if find_dockerfiles_for_scripts:
            return self._lint_with_owning_dockerfiles(dockerfiles, scripts, result)
        if entrypoint is not None:  # `--entrypoint FILE`: paired explicitly with the one Dockerfile
            if len(dockerfiles) != 1:
                result.errors.append(InputError(entrypoint, "--entrypoint needs exactly one Dockerfile to pair with"))
                return result
            result.extend(self.lint_job(Job(dockerfiles[0], entrypoint, context)))
            dockerfiles = []
        elif len(dockerfiles) == 1 and scripts:  # `privlint Dockerfile entrypoint.sh [more.sh ...]`
            result.extend(self.lint_job(Job(dockerfiles[0], scripts[0], context)))
            scripts = scripts[1:]
            dockerfiles = []
        for part in self.lint_jobs([Job(dockerfile, context=context) for dockerfile in dockerfiles]):
            result.extend(part)
        alone = [Job(script=s) for s in scripts if os.path.realpath(s) not in result.scripts_read]
        for part in self.lint_jobs(alone):
            result.extend(part)
        # two compose services (or a service and `docker run`) reading one file report a place once: the first
        # reading (the compose service's) wins; PL9xx may report several things at one place (one unused id each)
        found: dict = {}
        for finding in result.findings:
            meta = finding.rule.startswith("PL9")
            found.setdefault((finding.rule, finding.path, finding.line, finding.column,
                              finding.message if meta else None), finding)
        result.findings = list(found.values())
        return result

    def _compose_jobs(self, composes: list[str], result: Result) -> list[Job]:
        """One job per distinct way a compose service runs an image it builds."""
        if not composes:
            return []
        from privlint.compose import ComposeError, merged_into, override_of, read_compose

        jobs: dict[tuple, Job] = {}
        for path in composes:
            base = merged_into(path)
            if base is not None:
                if base not in composes:
                    result.notes.append(Note(path, f"an override file: compose merges it into {base}, so it is "
                                                   f"linted with that file (`privlint {base}`)"))
                continue
            try:
                source = read_source(path, self.max_bytes)
                services = read_compose(path, source.text)
            except (UnreadableFile, ComposeError) as error:
                result.errors.append(InputError(path, str(error)))
                continue
            result.files += 1
            result.sources[path] = self.compose_lines[path] = source.text.splitlines()
            override = override_of(path)
            if override is not None:
                try:
                    self.compose_lines[override] = read_source(override, self.max_bytes).text.splitlines()
                except UnreadableFile:
                    pass  # its settings were not merged either (read_compose skips an unreadable override)
            for service in services:
                if service.dockerfile is None:
                    continue  # `image:` only: privlint cannot read the image
                if not os.path.isfile(service.dockerfile):
                    result.notes.append(Note(path, f"service `{service.name}` builds {service.dockerfile}, which is "
                                                   "not there: not linted"))
                    continue
                jobs.setdefault(service.key(), Job(service.dockerfile, context=service.context, service=service))
        return list(jobs.values())

    def lint_jobs(self, jobs: list[Job]) -> list[Result]:
        """Results in job order; large inputs are spread over a process pool, small ones stay here."""
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
        if len(jobs) < PARALLEL_THRESHOLD or workers < 2:
            return [self.lint_job(job) for job in jobs]
        from concurrent.futures import ProcessPoolExecutor

        chunk = max(1, len(jobs) // (workers * 8))
        try:
            with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(self,)) as pool:
                return list(pool.map(_lint_in_worker, jobs, chunksize=chunk))
        except (OSError, RuntimeError):  # no processes to be had here: do the work in this one
            return [self.lint_job(job) for job in jobs]

    def _lint_with_owning_dockerfiles(self, dockerfiles: list[str], scripts: list[str], result: Result) -> Result:
        """Pre-commit mode: a staged script is linted with the Dockerfiles whose entrypoint it is.

        No script is paired by position; scripts no Dockerfile uses are linted alone only when named
        like an entrypoint (a hook sees every staged `*.sh`, most of which are not entrypoints).
        """
        from privlint.discover import find_dockerfiles

        context = self.settings.context
        for dockerfile in dockerfiles:
            result.extend(self.lint_job(Job(dockerfile, context=context)))
        pending = [s for s in scripts if os.path.realpath(s) not in result.scripts_read]
        if not pending:
            return result
        wanted = {os.path.realpath(s) for s in pending}
        done = {os.path.realpath(d) for d in dockerfiles}
        for dockerfile in find_dockerfiles(_repository_root(), []):
            if os.path.realpath(dockerfile) in done or self.excluded(dockerfile):
                continue
            probe = self.lint_job(Job(dockerfile, context=context))
            if wanted & set(probe.scripts_read):
                result.extend(probe)
                wanted -= set(probe.scripts_read)
        for script in pending:
            if os.path.realpath(script) in wanted and "entrypoint" in os.path.basename(script).lower():
                result.extend(self.lint_job(Job(script=script)))
        return result

    def excluded(self, path: str) -> bool:
        """`exclude` globs match the path as given, its path from here, or any trailing part of it."""
        if not self.settings.exclude:
            return False
        relative = os.path.relpath(path).replace(os.sep, "/")
        parts = relative.split("/")
        candidates = {path, relative} | {"/".join(parts[i:]) for i in range(len(parts))}
        if self.settings.source:  # patterns of a configuration file are relative to its folder
            candidates.add(os.path.relpath(os.path.abspath(path), os.path.dirname(self.settings.source))
                           .replace(os.sep, "/"))
        return any(fnmatch.fnmatch(candidate, pattern) or fnmatch.fnmatch(candidate, pattern.rstrip("/") + "/*")
                   for pattern in self.settings.exclude for candidate in candidates)

    def _lint_stdin(self) -> Result:
        """One file from standard input: a Dockerfile (with no build context) or a script, by content."""
        source = self.stdin
        kind = kind_of(source.path, source.text)
        if kind == DOCKERFILE or is_dockerfile_name(source.path):
            result = self.lint_job(Job(source.path, context=None, text=source))
            result.notes.insert(0, Note(source.path, "read from standard input: no build context, so the "
                                        "files COPY and ADD bring in are not read"))
            return result
        if kind != SHELL:
            return Result(notes=[Note(source.path, _NOT_LINTED[kind])])
        return self.lint_job(Job(script=source.path, text=source))

    # -- one start-up ----------------------------------------------------------------------
    def lint_job(self, job: Job) -> Result:
        """Lint one start-up; a bug in privlint costs this one job, never the run or a traceback."""
        try:
            return self._lint_job(job)
        except (RecursionError, MemoryError, Exception) as error:  # noqa: BLE001 - last-resort guard
            path = job.dockerfile or job.script or "?"
            message = f"internal error while linting ({type(error).__name__}: {error}): please report it"
            return Result(errors=[InputError(path, message[:500])])

    def _lint_job(self, job: Job) -> Result:
        result = Result()
        startup = self._build(job, result)
        if startup is None:
            return result
        if self.describe:
            from privlint.describe import describe

            result.startups.append(describe(startup, result))
            return result
        findings = []
        for rule_id in self.rule_ids:
            findings.extend(RULES[rule_id].check(startup))
        shared = self._compose_sources(job, result)
        result.findings = self._finish(findings, result, startup.dockerfile, shared)
        return result

    def _compose_sources(self, job: Job, result: Result) -> set[str]:
        """The service's compose file (and the override merged into it), for the pragmas written there: they
        serve every service of the file, so one this service does not use is not reported unused (PL901)."""
        if job.service is None:
            return set()
        from privlint.compose import override_of

        shared = set()
        for path in (job.service.path, override_of(job.service.path)):
            if path is None or path in result.sources or path not in self.compose_lines:
                continue
            result.sources[path] = self.compose_lines[path]  # read once, when the services were planned
            shared.add(path)
        return shared

    def _build(self, job: Job, result: Result) -> Startup | None:
        """The job's finished start-up: files read, models built, scripts followed (no rule has run)."""
        from privlint.build import Builder, Reader, find_context, github_action

        reader = Reader(result, self.max_bytes)
        dockerfile = None
        if job.dockerfile is not None:
            source = reader.read(job.dockerfile, preset=job.text)
            if source is None and job.script is None:
                return None
            if source is not None:
                build_args = {**self.settings.build_args, **getattr(job.service, "build_args", {})}
                dockerfile = parse_dockerfile(job.dockerfile, source.text, build_args)
        context = job.context or (os.path.dirname(job.dockerfile) or "." if job.dockerfile else None)
        if job.context is None and dockerfile is not None and job.text is None:
            context, moved = find_context(dockerfile, context)
            if moved:
                reader.note(job.dockerfile, f"build context: {context} (the files COPY, ADD and RUN --mount name are "
                                            "there, not beside the Dockerfile; --context sets another)")
        startup = Startup(dockerfile, extra_drop_tools=frozenset(self.settings.extra_drop_tools),
                          non_root_base_images=tuple(self.settings.non_root_base_images),
                          context=None if job.text is not None else context, service=job.service)
        service = job.service
        if service is not None and service.unresolved:
            keys = " and ".join(f"`{key}:`" for key in service.unresolved)
            reader.note(service.path, f"service {service.name}: {keys} names its program by a variable that no default "
                                      "or .env sets: what it runs is not judged (PL003)")
        if dockerfile is not None and job.service is None and job.text is None:
            startup.github_action = github_action(job.dockerfile)
            if startup.github_action is not None:
                reader.note(job.dockerfile, f"the image of a GitHub Action ({startup.github_action}): GitHub starts "
                                            "it as root for one step of a workflow (its docs say not to set USER): "
                                            "PL003 and PL002 are not reported")
        builder = Builder(startup, reader)
        if job.script is not None:
            preset = job.text if job.dockerfile is None else None
            text = preset.text if preset is not None else None
            if preset is not None:
                reader.read(job.script, preset=preset)
            role = "entrypoint" if dockerfile is not None else "alone"
            startup.script = builder.load(job.script, role, text, named=True)
        elif dockerfile is not None:
            builder.entrypoint()
        builder.build_scripts()
        return startup

    def _finish(self, findings, result: Result, dockerfile, shared: set[str] = frozenset()) -> list:
        """Severity overrides, then inline suppressions (and PL901 for the ones that silenced nothing)."""
        overrides = self.settings.severity
        findings = [replace(f, severity=overrides[f.rule]) if f.rule in overrides else f for f in findings]
        if self.settings.disable_ignore_pragma:
            return findings
        for path, lines in result.sources.items():
            for line, text in malformed_pragmas(lines):
                result.notes.append(Note(path, f"line {line}: `{text}` is not a pragma privlint reads (it silences "
                                               "nothing): write `# privlint ignore=PL003` or `# privlint global "
                                               "ignore=PL003`"))
        pragmas = [p for path, lines in result.sources.items() for p in find_pragmas(path, lines)]
        if not pragmas:
            return findings
        starts = _instruction_starts(dockerfile)
        findings = apply_suppressions(findings, pragmas, lambda path, line: starts.get((path, line), line))
        if self.report_unused_ignores and "PL901" in self.rule_ids:
            findings += pl901_unused_suppression.unused([p for p in pragmas if p.path not in shared], set(RULES))
        return findings


_NOT_LINTED = {
    YAML: "a YAML file, not a Dockerfile or a shell script: not linted",
    COMPOSE: "a compose file on standard input: name the file instead, its build contexts are on disk",
    UNKNOWN: "neither a Dockerfile nor a shell script (by its first line): not linted",
}


def _kind_of_file(path: str) -> str | None:
    """The kind of a file named on the command line, from its name and first bytes; None when unreadable or
    binary (reading it as a script then says which)."""
    head = head_of(path)
    return None if head is None else kind_of(path, head)


def _repository_root() -> str:
    """The nearest folder up from here holding `.git`, else the working directory."""
    directory = os.path.abspath(os.getcwd())
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return os.path.relpath(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            return "."
        directory = parent


def _instruction_starts(dockerfile) -> dict[tuple[str, int], int]:
    """(path, line) → first line of the Dockerfile instruction that line belongs to."""
    starts: dict[tuple[str, int], int] = {}
    if dockerfile is None:
        return starts
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            last = max(instruction.end_line, max((h.line + h.body.count("\n") for h in instruction.heredocs),
                                                 default=0))
            for line in range(instruction.line, last + 1):
                starts[(dockerfile.path, line)] = instruction.line
    return starts
