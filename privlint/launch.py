"""What one command line launches: look through `exec`, `env`, init wrappers, drop tools and sudo/su.

Used for script commands and for ENTRYPOINT/CMD words alike, so both are read the same way.
"""

from __future__ import annotations

import re

from privlint.programs import (
    CLIENT_TOOLS,
    CONFIG_TEST_OPTIONS,
    DAEMON_FLAGS,
    DAEMON_OPTIONS,
    DROP_TOOLS,
    ENV_RUNNERS,
    FILE_TASKS,
    FOREGROUND_SERVERS,
    INIT_WRAPPERS,
    JOB_NAME_WORDS,
    JOB_OPTIONS,
    KEEP_ALIVE,
    KNOWN_PROGRAMS,
    NOT_SERVING_WORDS,
    ONE_SHOT_SCRIPTS,
    PACKAGE_RUNNERS,
    PASS_THROUGH,
    SERVICE_NAME_WORDS,
    SERVICE_STARTERS,
    SERVING_SCRIPTS,
    SHELL_BUILTINS,
    SHELLS,
    SHORT_LIVED,
    SUDO_TOOLS,
    TASK_RUNNERS,
    WAIT_WRAPPERS,
    family,
)
from privlint.record import factory, record
from privlint.shell_model import ARGS, LITERAL, VAR, Word

_WRAPPER_VALUE_OPTIONS = {
    "exec": {"-a"},
    "env": {"-u", "--unset", "-C", "--chdir", "-S", "--split-string"},
    "nice": {"-n", "--adjustment"},
    "timeout": {"-s", "--signal", "-k", "--kill-after"},
    "stdbuf": {"-i", "-o", "-e"},
    "ionice": {"-c", "-n", "-p"},
    "tini": {"-p", "-e", "-l"},
    "tini-static": {"-p", "-e", "-l"},
    "dumb-init": {"-r", "--rewrite"},
    "catatonit": set(),
    "docker-init": {"-p", "-e", "-l"},
    "nohup": set(),
    "time": {"-f", "-o"},
    "command": set(),
    "builtin": set(),
}


@record
class Launch:
    """The reading of one command line, left to right."""

    exec_: bool = False
    fd_only_exec: bool = False  # `exec >log 2>&1`, `exec 3<>/dev/tcp/...`: no program
    drop: str | None = None  # the drop tool, e.g. "gosu"
    sudo: str | None = None  # "sudo", "su" or "doas"
    sudo_index: int | None = None
    sudo_user: str | None = None  # the user sudo -u / su USER switches to (None: root, or unknown)
    program: list[Word] = factory(list)
    lookup_only: bool = False  # `command -v sudo`, `type gosu`: nothing is launched
    via_base: bool = False  # went through the base image's entrypoint script (which may drop)
    drop_user: str | None = None  # the user the drop tool switches to, when it is a constant
    drop_user_text: str | None = None  # the user operand as written (`${PUID}:${PGID}`), for ENV to expand
    detached: bool = False  # `screen -dmS name PROGRAM`: started in the background, the command returns at once
    bounded: bool = False  # `timeout 5 server`: killed after a set time, so it does a bounded job

    @property
    def runs_args(self) -> bool:
        return bool(self.program) and self.program[0].kind == ARGS


    @property
    def program_name(self) -> str | None:
        if not self.program:
            return None
        return basename(self.program[0].value) if self.program[0].kind == LITERAL else None

    def is_long_running(self) -> bool:
        """Whether the launched program may be the container's long-lived main process."""
        if self.lookup_only or self.fd_only_exec or not self.program:
            return False
        if self.backgrounded():
            return False  # `su app -c "server &"`: the string sends it away and returns at once
        if self.bounded:
            return False  # `timeout 3 ./server -D`: killed after three seconds
        name = self.program_name
        if name is None:
            return True  # "$@", "$0", $CMD: the command the container was started with
        if name.startswith("-"):
            return False  # `--bind 0.0.0.0:80` left on a line of its own is no program
        if any(w.value in ("--version", "--help", "--generate-config") for w in self.program[1:]):
            return False  # `newsboat --version || exit 0`: it prints and exits
        if name in SERVICE_STARTERS or (self.program[0].value or "").startswith("/etc/init.d/"):
            return any(w.value in ("run", "foreground") for w in self.program[1:])  # they start a daemon, return
        if self.starts_daemon():
            return False  # `haproxy -D`: forks into the background and returns
        if name in PACKAGE_RUNNERS:
            script = self.package_script()
            return script is not None and (script in SERVING_SCRIPTS or not ONE_SHOT_SCRIPTS.match(script))
        if family(name) in ("python", "python3") and _module(self.program) in SHORT_LIVED | {"unittest", "pip"}:
            return False  # `python -m pytest`, `python -m alembic upgrade head`
        if name in ("npx", "pnpx", "bunx"):  # `npx vitest run`: as long-running as the package it runs
            rest = self.program[1:]
            while rest and (rest[0].value or "").startswith("-"):
                rest = rest[1:]
            return Launch(program=rest).is_long_running() if rest else False
        if name in CLIENT_TOOLS:  # `kubectl apply -f -` does a job; `kubectl proxy` serves
            return any(w.value in CLIENT_TOOLS[name] for w in self.program[1:3])
        if name in SHELLS:
            inner = _shell_string_words(self.program)
            if inner is not None:  # `sh -c "kubectl $*"`: as long-running as what the string runs last
                return Launch(program=inner).is_long_running() if inner else False
        if name == "sleep":
            return any(w.value in ("infinity", "inf") for w in self.program[1:])
        if name == "tail":
            return any((w.value or "").startswith(("-f", "-F", "--follow")) for w in self.program[1:])
        if name in CONFIG_TEST_OPTIONS and any(w.value in (CONFIG_TEST_OPTIONS[name] or {w.value})
                                               for w in self.program[1:]):
            return False  # `nginx -t`: checks its configuration and exits
        if self.runs_job_mode():
            return False  # `mysqld --initialize-insecure`: the server sets up its data and exits
        task = self.file_task()
        if task is not None and task[1] in FILE_TASKS[task[0]]:  # `python manage.py migrate`, `php artisan up`
            return False
        if name in TASK_RUNNERS:  # `bin/rails db:migrate` does a job; `rails s` serves
            tasks = [w.value for w in self.program[1:] if w.kind == LITERAL and not (w.value or "-").startswith("-")]
            return not tasks or tasks[0] in TASK_RUNNERS[name]
        if name not in KNOWN_PROGRAMS and _named_as_job(name):
            return False  # `/app/borgmatic-init "$@"`: its name says it does a job and exits
        script = self.interpreted_file()
        if script is not None and _named_as_job(basename(script)):
            return False  # `python3 ./src/data_migrator.py`: the file it runs is named for a job
        return name not in SHORT_LIVED and name not in SHELL_BUILTINS


    def backgrounded(self) -> bool:
        """The command a `su -c`/`sh -c` string runs ends in `&`: it goes to the background and the string returns."""
        if self.detached:
            return True
        last = self.program[-1] if self.program else None
        if last is not None and last.kind == LITERAL and last.value == "&":
            return True
        inner = _shell_string_words(self.program) if self.program_name in SHELLS else None
        return bool(inner) and inner[-1].kind == LITERAL and inner[-1].value == "&"

    def runs_app_file(self) -> bool:
        """`node dist/index.js`, `python3 bot.py`, `java -jar app.jar`: a runtime given the application's file (not
        a file named for a job)."""
        name = family(self.program_name or "")
        if name == "java":
            return any(w.value == "-jar" for w in self.program[1:])
        if name not in ("python", "python3", "node", "ruby", "deno", "bun"):
            return False
        script = self.interpreted_file()
        return script is not None and not _named_as_job(basename(script))

    def file_task(self) -> tuple[str, str] | None:
        """(application script, task) for `python manage.py migrate`, `./manage.py check`, `php artisan up`."""
        for index, word in enumerate(self.program[:3]):
            name = basename(word.value) if word.kind == LITERAL else None
            if name in FILE_TASKS:
                rest = [w.value for w in self.program[index + 1:] if w.kind == LITERAL and not (
                    w.value or "-").startswith("-")]
                return (name, rest[0]) if rest else None
        return None

    def interpreted_file(self) -> str | None:
        """The file an interpreter runs (`python3 ./src/app.py`, `node dist/main.js`, `bash x.sh`), or None."""
        if family(self.program_name or "") not in ("python", "python3", "node", "ruby", "php", "perl", "bash",
                                                    "sh", "ash", "dash"):
            return None
        for word in self.program[1:]:
            value = word.value if word.kind == LITERAL else None
            if value is None:
                return None
            if not value.startswith("-"):
                return value if "." in basename(value) else None
            if value in ("-c", "-m", "-e", "-r"):
                return None
        return None

    def package_script(self) -> str | None:
        """`npm start` → start, `npm run dev` → dev, `yarn dev` → dev; None for installs and builds."""
        values = [w.value or "" for w in self.program[1:] if not (w.value or "").startswith("-")]
        if not values:
            return None
        if values[0] in ("run", "run-script") and len(values) > 1:
            return values[1]
        return values[0]

    def starts_daemon(self) -> bool:
        """`service x start`, `/etc/init.d/x start`, `haproxy -D`, `redis-server --daemonize yes`: a server
        sent to the background, with the shell left to carry on."""
        if not self.program or self.program_name is None:
            return False
        values = [w.value or "" for w in self.program[1:]]
        first = self.program[0].value or ""
        if self.program_name in SERVICE_STARTERS or first.startswith("/etc/init.d/"):
            return any(v in ("start", "restart") for v in values)
        if any(v in DAEMON_OPTIONS for v in values):
            return True
        if self.detaches():
            return True
        flags = DAEMON_FLAGS.get(self.program_name)
        return bool(flags) and any(v == flag for v in values for flag in flags if flag != "-db")

    def keeps_alive(self) -> bool:
        """`sleep infinity`, `tail -f /dev/null`, `sh -c "trap : TERM; sleep infinity & wait"`: nothing but waiting."""
        if self.program_name in ("sleep", "tail"):
            return True
        inner = shell_c_word(self.program) if self.program_name in SHELLS else None
        if inner is None or inner.kind != LITERAL or not inner.value:
            return False
        names = {part.split()[0] for part in re.split(r"[;&|\n]+", inner.value) if part.strip()}
        return bool(names) and names <= KEEP_ALIVE

    def detaches(self) -> bool:
        """`screen -dmS mc java -jar server.jar`, `tmux new-session -d 'node app.js'`: a terminal multiplexer
        starts the program in a session of its own and returns at once."""
        if self.detached:
            return True
        if self.program_name != "tmux" or len(self.program) < 2:
            return False
        words = [w.value or "" for w in self.program[1:]]
        return words[0] in ("new-session", "new", "new-window", "neww") and any(
            w.startswith("-") and not w.startswith("--") and "d" in w for w in words[1:])

    def named_server_in_foreground(self) -> bool:
        """`teeworlds-server -f cfg`, `./valheim_server.x86_64 -port 2456`: a program (not a script, whose text
        decides) whose name says it is a server, run in the foreground without a control word (`start`, `stop`)."""
        name = self.program_name
        if not self.program or name is None or self.backgrounded() or self.bounded or \
                name.endswith((".sh", ".py", ".bash")):
            return False
        words = _name_words(name)
        rest = [w.value or "" for w in self.program[1:]]
        return "server" in words and not words & JOB_NAME_WORDS and not any(
            r in NOT_SERVING_WORDS or r in DAEMON_OPTIONS or r in _CONTROL_WORDS for r in rest)

    def runs_job_mode(self) -> bool:
        """`mysqld --bootstrap`, `postgres --single`: a server asked to do a one-off job and exit."""
        options = JOB_OPTIONS.get(family(self.program_name or ""))
        return bool(options) and any((w.value or "").split("=", 1)[0] in options for w in self.program[1:])

    def serves_in_foreground(self) -> bool:
        """A known server run so that it stays in the foreground (`gunicorn app`, `manage.py runserver`)."""
        if not self.program or self.program_name is None or self.backgrounded() or self.bounded:
            return False
        if self.runs_job_mode():
            return False
        if any((w.value or "") in DAEMON_OPTIONS for w in self.program[1:]):
            return False
        words = [basename(w.value) if w.kind == LITERAL else None for w in self.program]
        for index, name in enumerate(words[:3]):  # the program, or the script an interpreter runs
            runner = words[0] in ("python", "python3", "php", "bundle", "node", "ruby")
            if name not in FOREGROUND_SERVERS or not (index == 0 or (runner and (index == 1 or words[1] in (
                    "-m", "exec")))):
                continue
            wanted = FOREGROUND_SERVERS[name]
            if wanted is None:
                return True
            rest = [w.value or "" for w in self.program[index + 1:]]
            if name in PACKAGE_RUNNERS:
                return self.package_script() in wanted
            if any(r in NOT_SERVING_WORDS for r in rest):
                return False  # `jupyter notebook list`: asks a server, is none
            if any(r in wanted or r.split("=", 1)[0] in wanted for r in rest):
                return True  # else the script it runs may be one (`php artisan serve`): look on
        return False


_CONTROL_WORDS = {"start", "stop", "restart", "reload", "status", "-d", "--daemon", "-D"}


def _name_words(name: str | None) -> set[str]:
    """The words of a program's name, its extension dropped: `run_bot.py` → {run, bot}."""
    return set(re.split(r"[-_.]", (name or "").rsplit(".", 1)[0].lower()))


def named_as_service(name: str | None) -> bool:
    """`runner.sh`, `start-server`, `run_bot.py`: a program whose name says it runs the service."""
    return bool(_name_words(name) & SERVICE_NAME_WORDS)


def _named_as_job(name: str) -> bool:
    """`borgmatic-init`, `run_migrations.sh`: a job word in the name and no word that says it serves."""
    return bool(_name_words(name) & JOB_NAME_WORDS) and not named_as_service(name)


def shell_c_word(program: list[Word]) -> Word | None:
    """The string of `sh -c "STRING"` (bash, ash...: the caller checks the shell), after literal options."""
    for index, word in enumerate(program[1:], start=1):
        value = word.value if word.kind == LITERAL else None
        if value is None or not value.startswith("-"):
            return None
        if "c" in value.lstrip("-") and not value.startswith("--") and index + 1 < len(program):
            return program[index + 1]
    return None


def _shell_string_words(program: list[Word]) -> list[Word] | None:
    """The last command of `sh -c "STRING"` as words, [] when it cannot be read, None without `-c`."""
    text = shell_c_word(program)
    if text is None:
        return None
    return _last_command(split_words(Word(text.text, LITERAL, text.value or text.text.strip("\"'"))))


def _module(program: list[Word]) -> str | None:
    """The module `python -m MODULE` runs, if any."""
    values = [w.value for w in program[1:]]
    for option, value in zip(values, values[1:]):
        if option == "-m":
            return value
    return None


def basename(value: str | None) -> str | None:
    if value is None:
        return None
    return value.rstrip("/").rsplit("/", 1)[-1]


def _word_value(word: Word) -> str | None:
    return word.value if word.kind == LITERAL else None


def read_launch(words: list[Word], extra_drop_tools: frozenset[str] = frozenset(),
                base_entrypoints: frozenset[str] = frozenset()) -> Launch:
    """Classify a command's words (variables already expanded where they could be).

    `extra_drop_tools` (from configuration) are read like gosu: `TOOL USER COMMAND...`.
    `base_entrypoints` are the references (a bare name, absolute paths) that run the base image's entrypoint
    script: it sets up, then runs its arguments.
    """
    launch = Launch()
    i = 0
    n = len(words)
    while i < n:
        value = _word_value(words[i])
        name = basename(value)
        if name == "exec" and value == "exec":
            launch.exec_ = True
            i = _skip_options(words, i + 1, _WRAPPER_VALUE_OPTIONS["exec"])
            if i >= n:
                launch.fd_only_exec = True
                return launch
            continue
        if name in ("command", "builtin") and value == name:
            nxt = _word_value(words[i + 1]) if i + 1 < n else None
            if nxt in ("-v", "-V") or nxt is None:
                launch.lookup_only = True
                return launch
            i = _skip_options(words, i + 1, set())
            continue
        if name in ("type", "which", "hash"):
            launch.lookup_only = True
            launch.program = words[i:]
            return launch
        if name == "eval" and value == "eval" and i + 1 < n and _EVAL_ASSIGNMENT.match(
                (words[i + 1].text or "").strip("'\"")):
            return launch  # `eval "pid${name}=$!"`: it sets a variable, runs no program
        if name == "eval" and value == "eval":  # `eval ${exec_cmd} "$@"`: read the words it evaluates
            words = words[:i + 1] + [p for w in words[i + 1:] for p in split_words(w)]
            n = len(words)
            i += 1
            continue
        if name == "env":
            i = _skip_options(words, i + 1, _WRAPPER_VALUE_OPTIONS["env"], assignments=True)
            continue
        if name in ("nohup", "nice", "timeout", "stdbuf", "ionice", "time", "setsid", "fixuid"):
            i = _skip_options(words, i + 1, _WRAPPER_VALUE_OPTIONS.get(name, set()))
            if name == "timeout" and i < n:
                duration = _word_value(words[i]) or ""
                launch.bounded = launch.bounded or bool(re.fullmatch(r"[0-9.]*[1-9][0-9.]*[smhd]?", duration))
                i += 1  # the duration
            continue
        if name in ENV_RUNNERS and i + 2 < n and _word_value(words[i + 1]) == ENV_RUNNERS[name][0]:
            i = _skip_options(words, i + 2, ENV_RUNNERS[name][1])  # `poetry run python app.py`: python runs
            continue
        if name == "screen":
            after, detached = _screen_command(words, i)
            if after is not None:  # `screen -Dm java -jar server.jar` waits for the program it runs;
                launch.detached = launch.detached or detached  # `screen -dmS mc java ...` returns at once
                i = after
                continue
        if name in WAIT_WRAPPERS or _WAIT_TOOL.match(name or ""):
            after = _waited_command(name, words, i)
            if after is not None:
                i = after
                continue
        if name in PASS_THROUGH and i + 1 < n:
            i += 1
            continue
        if name == "busybox" and i + 1 < n and _word_value(words[i + 1]) not in (None, "sh", "ash") and \
                not (_word_value(words[i + 1]) or "-").startswith("-"):
            i += 1  # `busybox unzip f.zip`: the applet is the program (`busybox sh` stays a shell)
            continue
        if value in (".", "source") and i + 1 < n and (words[i + 1].value or "") in base_entrypoints:
            launch.exec_ = True  # `. /usr/local/bin/docker-entrypoint.sh vault server`: the base's script runs in
            i += 1  # this shell, and execs its program there
            continue
        if (words[i].value or "") in base_entrypoints:
            launch.via_base = True
            if i + 1 == n:  # `tini -- /usr/local/bin/jenkins.sh` with nothing after it: it runs the base's service
                launch.program = words[i:]
                return launch
            i += 1
            continue
        if name in INIT_WRAPPERS:
            i = _skip_options(words, i + 1, _WRAPPER_VALUE_OPTIONS.get(name, set()))
            continue
        if name in DROP_TOOLS or name in extra_drop_tools:
            after = _drop_tool_command(name if name in DROP_TOOLS else "gosu", words, i)
            if after is not None:
                if launch.drop is None:
                    launch.drop = name
                    launch.drop_user = _drop_user(name if name in DROP_TOOLS else "gosu", words, i, after)
                    if name in ("gosu", "su-exec") and launch.drop_user is None:
                        operands = [w for w in words[i + 1:after] if not (w.text or "").startswith("-")]
                        launch.drop_user_text = operands[0].text.strip('"') if operands else None
                i = after
                continue
        if name in SUDO_TOOLS:
            if launch.sudo is None:
                launch.sudo, launch.sudo_index = name, i
            if name == "su":
                words = words[:i + 1] + _split_attached_command(words[i + 1:])
            after = _sudo_command(name, words, i)
            launch.sudo_user = launch.sudo_user or _sudo_user(name, words, i, after)
            if after is None:
                # `su - app /opt/start.sh`: util-linux su hands the words after the user to the user's shell
                launch.program = _su_script(words, i) if name == "su" else []
                return launch
            if name == "su":  # `su user -c "cmd args"`: the string is a command line of its own
                program = _last_command(split_words(words[after]))
                while program and program[0].kind == LITERAL and program[0].value == "exec":
                    program = program[1:]  # `su app -c "exec server"`: the shell su starts execs the server
                launch.program = program
                return launch
            i = after
            continue
        launch.program = words[i:]
        return launch
    return launch


def _waited_command(name: str, words: list[Word], i: int) -> int | None:
    """Index of the command a wait tool execs once its service is up, or None when it runs none."""
    options = WAIT_WRAPPERS.get(name)
    if options is None:  # `wait-for-it.sh db:5432 -t 15 -- CMD`: the command follows `--`
        for j in range(i + 1, len(words)):
            if _word_value(words[j]) == "--":
                return j + 1 if j + 1 < len(words) else None
        return None
    j = _skip_options(words, i + 1, options)
    return j if j < len(words) else None


#: `eval "pid${service}=$!"`: an assignment to a computed name.
_EVAL_ASSIGNMENT = re.compile(r"^(?:export\s+)?[A-Za-z_][\w${}]*=")

#: A copy of wait-for-it under another name (`wait-for-it-bash`, `wait_for_db.sh`): it runs what follows `--`.
_WAIT_TOOL = re.compile(r"^wait[-_]for(?:[-_.][\w.-]*)?$")

#: screen's options that take a value (`-S name`, `-c file`, `-Logfile file`).
_SCREEN_VALUES = {"-S", "-c", "-t", "-h", "-e", "-p", "-s", "-T", "-Logfile"}


def _screen_command(words: list[Word], i: int) -> tuple[int | None, bool]:
    """(index of the program `screen -Dm [-S NAME] PROGRAM...` runs, whether screen detaches from it and returns
    at once: `screen -dmS NAME PROGRAM`). The index is None when screen is given no program."""
    j = i + 1
    detached = False
    while j < len(words):
        value = _word_value(words[j])
        if value is None or not value.startswith("-"):
            break
        detached = detached or ("d" in value[1:] and "D" not in value[1:] and value not in _SCREEN_VALUES)
        # `-S name`, and a cluster ending in a letter that takes a value: `-dmS name`
        j += 2 if value in _SCREEN_VALUES or (len(value) > 2 and "-" + value[-1] in _SCREEN_VALUES) else 1
    return (j if j < len(words) else None), detached


def _last_command(words: list[Word]) -> list[Word]:
    """`export A=1 && cd /srv && ./start.sh`: the command the string ends with is the one left running."""
    last = 0
    for index, word in enumerate(words):
        if word.kind == LITERAL and word.value in ("&&", ";", "||") and index + 1 < len(words):
            last = index + 1
    return words[last:]


def split_words(word: Word) -> list[Word]:
    """Word-split a literal (`exec_cmd="exec gosu app"` used unquoted); `$X` pieces stay variables."""
    if word.kind != LITERAL or word.value is None:
        return [word]
    pieces = []
    for token in word.value.split():
        match = _VAR_TOKEN.match(token)
        if match:
            pieces.append(Word(token, VAR, var=match.group(1) or match.group(2)))
        else:
            pieces.append(Word(token, LITERAL, token))
    return pieces


_VAR_TOKEN = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")


def _skip_options(words: list[Word], i: int, value_options: set[str], assignments: bool = False) -> int:
    """Index of the first word after the options (and `VAR=x` words when asked) starting at `i`."""
    n = len(words)
    while i < n:
        value = _word_value(words[i])
        if value is None:
            text = words[i].text or ""  # `env PATH="$AGENT_PATH" gosu ...`: an assignment with a variable in it
            if assignments and "=" in text and text.split("=", 1)[0].isidentifier():
                i += 1
                continue
            return i
        if value == "--":
            return i + 1
        if assignments and "=" in value and not value.startswith("-") and value.split("=", 1)[0].isidentifier():
            i += 1
            continue
        if not value.startswith("-") or value == "-":
            return i
        i += 2 if value in value_options else 1
    return i


_SETPRIV_VALUE = {"--reuid", "--regid", "--ruid", "--rgid", "--euid", "--egid", "--groups", "--inh-caps",
                  "--ambient-caps", "--bounding-set", "--securebits", "--pdeathsig", "--selinux-label",
                  "--apparmor-profile", "--landlock-access", "--landlock-rule", "--seccomp-filter"}
_CHPST_VALUE = {"-u", "-U", "-e", "-/", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c"}


#: tool: (options that take a value, options that switch user, operands before the command)
_OPTION_TOOLS = {
    "setpriv": (_SETPRIV_VALUE, {"--reuid", "--ruid", "--euid"}, 0),
    "chroot": ({"--userspec", "--groups"}, {"--userspec"}, 1),  # then NEWROOT
    "chpst": (_CHPST_VALUE, {"-u", "-U"}, 0),
    "s6-applyuidgid": ({"-u", "-g", "-G"}, {"-u", "-U"}, 0),
}


def _options_then_command(name: str, words: list[Word], i: int) -> int | None:
    """Index of the command after the tool's options, or None when no option switches user."""
    value_options, switch_options, operands = _OPTION_TOOLS[name]
    j, switches = i + 1, False
    while j < len(words):
        value = _word_value(words[j]) or words[j].text or ""  # `--reuid="$APP_UID"`: an option all the same
        if value == "--":
            j += 1
            break
        if not value.startswith("-"):
            break
        option = value.split("=", 1)[0]
        switches = switches or option in switch_options
        j += 2 if option in value_options and "=" not in value else 1
    return j + operands if switches else None


def _drop_user(name: str, words: list[Word], i: int, after: int) -> str | None:
    """`gosu app`, `su-exec 0:0`, `setpriv --reuid=app`, `chroot --userspec=app:app`, `runuser -u app`."""
    values = [_word_value(w) for w in words[i + 1:after]]
    if name in ("gosu", "su-exec", "s6-setuidgid", "setuidgid", "setuser"):
        operands = [v for v in values if v is None or not v.startswith("-")]
        return operands[0] if operands else None
    options = ("-c", "--chuid") if name == "start-stop-daemon" else ("--reuid", "--userspec", "--user", "-u", "-U")
    for index, value in enumerate(values):
        if value is None:
            continue
        for option in options:
            if value == option and index + 1 < len(values):
                return values[index + 1]
            if value.startswith(option + "="):
                return value.split("=", 1)[1]
    return None


_SSD_VALUE = {"-x", "--exec", "-a", "--startas", "-c", "--chuid", "-u", "--user", "-g", "--group", "-p",
              "--pidfile", "-n", "--name", "-d", "--chdir", "-r", "--chroot", "-N", "--nicelevel", "-P", "--procsched",
              "-I", "--iosched", "-k", "--umask", "-R", "--retry", "-s", "--signal"}


def _start_stop_daemon_command(words: list[Word], i: int) -> int | None:
    """`start-stop-daemon --start -c app --exec /usr/bin/server -- ARGS`: in the foreground (no --background),
    it switches to the --chuid user and execs the program: the index of the program word, else None."""
    j, start, switches, program = i + 1, False, False, None
    while j < len(words):
        value = _word_value(words[j]) or words[j].text or ""
        option = value.split("=", 1)[0]
        if value == "--" or not value.startswith("-"):
            break
        if option in ("-b", "--background"):
            return None
        start = start or option in ("-S", "--start")
        switches = switches or option in ("-c", "--chuid")
        if option in ("-x", "--exec", "-a", "--startas") and "=" not in value and j + 1 < len(words):
            program = j + 1
        j += 2 if option in _SSD_VALUE and "=" not in value else 1
    return program if start and switches else None


def _drop_tool_command(name: str, words: list[Word], i: int) -> int | None:
    """Index of the command a drop tool runs, or None when this use does not switch user."""
    n = len(words)
    if name in ("gosu", "su-exec", "s6-setuidgid", "setuidgid", "setuser"):
        j = _skip_options(words, i + 1, set())
        return j + 1 if j < n else None  # the user, then the command
    if name in _OPTION_TOOLS:
        return _options_then_command(name, words, i)
    if name == "start-stop-daemon":
        return _start_stop_daemon_command(words, i)
    if name == "runuser":  # runuser [options] -u USER [options] [--] COMMAND
        j, switches = i + 1, False
        while j < n:
            value = _word_value(words[j]) or words[j].text or ""
            if value == "--":
                j += 1
                break
            if not value.startswith("-"):
                break
            switches = switches or value in ("-u", "--user") or value.startswith("--user=")
            j += 2 if value in ("-u", "--user", "-g", "--group", "-G", "--supp-group", "-s", "--shell",
                                "-c", "--command", "-w", "--whitelist-environment") else 1
        return j if switches and j < n else None
    return None


_SUDO_VALUE = {"-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir", "-h", "--host",
               "-p", "--prompt", "-R", "--chroot", "-r", "--role", "-t", "--type", "-T", "--command-timeout",
               "-U", "--other-user"}
_SU_VALUE = {"-s", "--shell", "-g", "--group", "-G", "--supp-group", "-w", "--whitelist-environment"}


def _sudo_user(name: str, words: list[Word], i: int, end: int | None) -> str | None:
    """The target user of `sudo -u USER`, `sudo --user=USER`, `su [-] USER -c`, when it is a constant."""
    stop = end if end is not None else len(words)
    values = [_word_value(w) or w.text or "" for w in words[i + 1:stop]]  # `sudo -u "$APP_USER"`: that user
    if name in ("sudo", "doas"):
        for index, value in enumerate(values):
            if value in ("-u", "--user") and index + 1 < len(values):
                return values[index + 1] or None
            if value.startswith("--user="):
                return value.split("=", 1)[1] or None
        return None
    skip = False
    for value in [_word_value(w) or w.text or "" for w in words[i + 1:]]:  # `su USER -c cmd`, `su -c cmd USER`
        if skip:
            skip = False
            continue
        if value in _SU_VALUE or value in ("-c", "--command"):
            skip = True
            continue
        if value.startswith("-"):
            continue
        return value or None
    return None


def _su_script(words: list[Word], i: int) -> list[Word]:
    """The script `su [-] USER SCRIPT [ARGS]` runs (no -c), or []."""
    j, seen_user = i + 1, False
    while j < len(words):
        value = _word_value(words[j])
        if value is not None and value.startswith("-"):
            j += 2 if value in _SU_VALUE else 1
            continue
        if not seen_user:
            seen_user = True
            j += 1
            continue
        return words[j:]
    return []


def _split_attached_command(words: list[Word]) -> list[Word]:
    """`su -c"cmd" user` and `su --command=cmd user` as `su -c cmd user`."""
    result: list[Word] = []
    for word in words:
        value = _word_value(word)
        if value is not None and value.startswith("-c") and len(value) > 2 and not value.startswith("--"):
            text = value[2:]
        elif value is not None and value.startswith("--command="):
            text = value.split("=", 1)[1]
        else:
            result.append(word)
            continue
        result += [Word("-c", LITERAL, "-c"), Word(text, LITERAL, text, quoted=True)]
    return result


def _sudo_command(name: str, words: list[Word], i: int) -> int | None:
    """Index of the command sudo/su/doas runs (for su: the `-c` string), or None."""
    n = len(words)
    if name in ("sudo", "doas"):
        j = _skip_options(words, i + 1, _SUDO_VALUE | {"-u"}, assignments=True)
        return j if j < n else None
    j = i + 1
    while j < n:
        value = _word_value(words[j])
        if value in ("-c", "--command") and j + 1 < n:
            return j + 1
        j += 2 if value in _SU_VALUE else 1
    return None
