"""Which commands end the paths of an entrypoint script, and what runs on the way.

A path's state is just the last foreground command it ran, so sets of states stay small however
many branches a script has. Functions are summarised once (with a placeholder for "whatever ran
before the call") and applied at each call site; `exec` ends a path, `exit` ends it with the command
before it, `return` hands the state back to the caller.
"""

from __future__ import annotations

import re

from privlint import shell_model as m
from privlint.launch import Launch, read_launch, split_words
from privlint.programs import KNOWN_PROGRAMS, SHELL_BUILTINS, SHORT_LIVED, family
from privlint.record import record, replace

MAX_EXPANSIONS = 8

#: Loop conditions that are always true: `while true`, `while :`, `while [ 1 ]`, `while [ true ]`, `while [[ 1 ]]`.
_ALWAYS_TRUE = re.compile(r"true|:|/bin/true|\[\[? (?:1|true|\"?[A-Za-z0-9]+\"?|1 = 1|1 -eq 1) \]\]?;?|true;|:;")


class _Marker:
    """A state that is not a command: the entry of a function, or a branch that ran nothing."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<{self.name}>"


ENTRY = _Marker("entry")
NOTHING = _Marker("nothing")


@record(frozen=True)
class PathEnd:
    """The command a path of the script finishes on, and how: 'exec', 'exit' or 'end'."""

    command: object  # m.Command, or NOTHING
    how: str


class Variables:
    """Constant assignments of the script, to read `${exec_cmd} "$@"` as the command it holds."""

    def __init__(self, scripts: list[m.Script], environment: dict | None = None):
        self.environment = environment or {}  # the image's ENV: what a script sees when it does not set it
        self.values: dict[str, list[m.Word | None]] = {}
        stack: list[m.Node] = [root for script in scripts
                               for root in [script.body] + [f.body for f in script.functions.values()]]
        for root in stack:
            for node in _iter_assignments(root):
                self.values.setdefault(node.name, []).append(node.value)

    def expand(self, words: list[m.Word], depth: int = 0) -> list[list[m.Word]]:
        """The command's words with its leading variable replaced by each value it can hold.

        The variable may follow `eval`/`exec`: `eval ${exec_cmd} "$@"` reads as the command it holds.
        """
        head = 0
        while head < len(words) and words[head].kind == m.LITERAL and words[head].value in ("eval", "exec"):
            head += 1
        if head < len(words) and words[head].kind == m.DYNAMIC:
            path = self._path_word(words[head])
            if path is not None:
                words = words[:head] + [path] + words[head + 1:]
        words = self._command_strings(words)
        if head >= len(words) or depth > 3 or words[head].kind != m.VAR:
            return [words]
        name = words[head].var or ""
        candidates = [c for c in self.values.get(name, []) if not _self_default(c, name)]
        if not candidates or any(c is None or (c.kind != m.LITERAL and not _leading_word(c)) for c in candidates):
            return [words]
        results: list[list[m.Word]] = []
        for candidate in dict.fromkeys(c.value if c.kind == m.LITERAL else c.text.strip("\"") for c in candidates):
            literal = m.Word(candidate or "", m.LITERAL, candidate)
            replacement = [literal] if words[head].quoted else split_words(literal)
            results += self.expand(words[:head] + replacement + words[head + 1:], depth + 1)
        return results[:MAX_EXPANSIONS] or [words]


    def _command_strings(self, words: list[m.Word]) -> list[m.Word]:
        """`su app -c "$cmd"`, `sh -c "$run"`: the string after `-c` is the constant the variable holds."""
        result = None
        for index in range(1, len(words)):
            word = words[index]
            if word.kind != m.VAR or words[index - 1].kind != m.LITERAL or \
                    words[index - 1].value not in ("-c", "--command"):
                continue
            candidates = self.values.get(word.var or "", [])
            if len(candidates) != 1 or candidates[0] is None or candidates[0].kind != m.LITERAL:
                continue
            result = result or list(words)
            result[index] = m.Word(word.text, m.LITERAL, candidates[0].value, quoted=True)
        return result or words

    def _path_word(self, word: m.Word) -> m.Word | None:
        """`$APP_HOME/bin/server` as a literal when APP_HOME holds one constant (the script's, or ENV's)."""
        match = _PATH_WORD.match(word.text)
        if match is None:
            return None
        name, rest = match.group(1) or match.group(2), match.group(3)
        candidates = self.values.get(name)
        if candidates and len(candidates) == 1 and candidates[0] is not None and candidates[0].kind == m.LITERAL:
            value = candidates[0].value
        elif not candidates and self.environment.get(name):
            value = self.environment[name]
        else:
            return None
        return m.Word(word.text, m.LITERAL, value + rest)


#: The first word of a double-quoted value read as a command: a literal (`"sudo -u $USER"`), or another variable
#: followed by more words (`"$SUDO apt-get install -y"`, read as what SUDO holds, then apt-get).
_LEADING_WORD = re.compile(r'"(?:[A-Za-z0-9_./-]+[ "]|\$(?:\{[A-Za-z_]\w*\}|[A-Za-z_]\w*) )')


def _leading_word(word: m.Word) -> bool:
    """`SUDO="sudo -u $USER"`, `PM_INSTALL="$SUDO apt-get install -y"`: a double-quoted value whose first word is a
    literal or another variable, the words after it its arguments (when `$SUDO cmd` runs it)."""
    text = word.text
    return word.kind == m.DYNAMIC and len(text) > 2 and text[0] == text[-1] == '"' and "$(" not in text and \
        "`" not in text and bool(_LEADING_WORD.match(text))


def _self_default(word: m.Word | None, name: str) -> bool:
    """`X=${X:-""}`: a default for a value set elsewhere, not a value of its own."""
    return word is not None and word.kind != m.LITERAL and word.text.strip('"').startswith("${" + name + ":")


_PATH_WORD = re.compile(r'^"?\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))(/[^$`"\\]*)"?$')


def _iter_assignments(node: m.Node):
    for current in m.walk(node, into_functions=False, into_nested=False):
        if isinstance(current, m.Assignment):
            yield current


@record(frozen=True)
class Place:
    """Where a command stands in the script's structure: what `exec` before it would also change."""

    loop: bool = False  # inside a loop body or condition: exec would end the loop
    endless: bool = False  # inside the body of `while true` / `while :`: it runs again and again
    loop_line: int = 0  # the line the innermost enclosing endless loop starts on
    condition: bool = False  # in an `if`/`while` condition: its status is tested
    subshell: bool = False  # exec would replace the subshell only
    pipeline: bool = False  # a part of `a | b`
    and_or: bool = False  # a part of `a && b || c`
    guards: tuple = ()  # (condition text, negated, line) of each test that must pass to get here, outermost first
    function: str | None = None  # the innermost function defining it
    aside: bool = False  # in a loop sent to the background as a whole (`{ while true; do d; done } &`)


def _places(script: m.Script) -> dict[int, Place]:
    """id(command) → its Place, for every command of the script (functions included), in one pass."""
    places: dict[int, Place] = {}
    stack: list[tuple[m.Node, Place]] = [(script.body, Place())]
    while stack:
        node, place = stack.pop()
        if isinstance(node, m.Command):
            places[id(node)] = place
            continue
        if isinstance(node, m.If):
            failed: tuple = ()
            for condition, body in node.branches:
                text, line = _text(condition), first_line(condition)
                stack += [(condition, replace(place, condition=True, guards=place.guards + failed)),
                          (body, replace(place, guards=place.guards + failed + ((text, False, line),)))]
                failed += ((text, True, line),)
            if node.else_body is not None:
                stack.append((node.else_body, replace(place, guards=place.guards + failed)))
            continue
        if isinstance(node, m.Case):
            subject = f"case {node.subject.text}" if node.subject is not None else "case"
            for index, (patterns, body) in enumerate(node.items):
                line = node.lines[index] if index < len(node.lines) else first_line(body)
                guard = (f"{subject} in {'|'.join(patterns)}", False, line)
                stack.append((body, replace(place, guards=place.guards + (guard,))))
            continue
        if isinstance(node, m.Loop):
            endless = bool(_ALWAYS_TRUE.fullmatch(" ".join(_text(node.condition).split()))) and \
                not any(c.name == "break" for c in m.iter_commands(node.body))  # a retry loop ends
            line = first_line(node.condition) or first_line(node.body)
            aside = place.aside or any(c.background for c in m.iter_commands(node.condition))
            stack += [(node.condition, replace(place, loop=True, condition=True, aside=aside)),
                      (node.body, replace(place, loop=True, endless=endless or place.endless, aside=aside,
                                          loop_line=line if endless else place.loop_line))]
            continue
        if isinstance(node, m.Subshell):
            stack.append((node.body, replace(place, subshell=True)))
            continue
        if isinstance(node, m.FunctionDef):
            stack.append((node.body, Place(function=node.name)))
            continue
        if isinstance(node, m.Pipeline):
            stack += [(child, replace(place, pipeline=True)) for child in node.items]
            continue
        if isinstance(node, m.AndOr):
            guards = place.guards
            for index, child in enumerate(node.items):
                stack.append((child, replace(place, and_or=True, guards=guards)))
                if index < len(node.operators):
                    guards = guards + ((_text(child), node.operators[index] == "||", first_line(child)),)
            continue
        stack += [(child, place) for child in m.children(node, into_nested=False)]
    return places


#: Words of a TERM handler that pass the signal on: `kill -TERM "$pid"`, `nginx -s quit`, `./stop.sh`,
#: `supervisorctl shutdown`, `rcon-cli stop`. A handler with none of them only cleans up and exits.
_PASSING_ON = ("kill", "stop", "quit", "shutdown", "term", "halt", "signal", "graceful")
_MESSAGE_COMMANDS = {"echo", "printf", "log", "logger"}


_SOURCED_TEST = re.compile(r'^\[\[?\s*"?\$\{?(?:BASH_SOURCE(?:\[0\])?|0)\}?"?\s*(!?=+)\s*'
                           r'"?\$\{?(?:BASH_SOURCE(?:\[0\])?|0)\}?"?\s*\]\]?$')


def _when_sourced(node) -> bool | None:
    """What a condition is worth when the file is sourced, if it only tests that (else None).

    `_is_sourced` (the official images' helper), `(return 0 2>/dev/null)` (return only works while
    sourced), `[ "${BASH_SOURCE[0]}" != "$0" ]`, and their negations.
    """
    if isinstance(node, m.Seq):
        return _when_sourced(node.items[0]) if len(node.items) == 1 else None
    if isinstance(node, m.Negated):
        inner = _when_sourced(node.body)
        return None if inner is None else not inner
    if isinstance(node, m.Subshell):
        commands = [c for c in m.iter_commands(node.body)]
        return True if len(commands) == 1 and commands[0].name == "return" else None
    if isinstance(node, m.Command):
        if node.name == "_is_sourced" and len(node.words) == 1:
            return True
        if node.is_test:
            match = _SOURCED_TEST.match(" ".join(node.text.split()))
            if match:
                return match.group(1).startswith("!")
    return None


def first_line(node: m.Node) -> int:
    for command in m.iter_commands(node):
        return command.line
    return 0


def _text(node: m.Node) -> str:
    """The commands of a condition, as text: what a guard tests."""
    return " ; ".join(command.text for command in m.iter_commands(node))


#: Function calls (and sourced files) nested deeper than this are read as opaque commands, and the
#: script is marked damaged there (PL900): real scripts come nowhere near, and it bounds recursion.
MAX_CALL_DEPTH = 60


class ScriptAnalysis:
    """Launch readings of every command, path ends, and the functions reachable from the top.

    `sourced` maps each `. FILE` / `source FILE` command (by id) to the script it reads: the file's
    code runs there, its functions become the script's, and its commands keep their own file.
    """

    def __init__(self, script: m.Script, extra_drop_tools: frozenset[str] = frozenset(),
                 sourced: dict[int, m.Script] | None = None, base_entrypoints: frozenset[str] = frozenset(),
                 environment: dict | None = None):
        self.script = script
        self.extra_drop_tools = extra_drop_tools
        self.base_entrypoints = base_entrypoints
        self.sourced = sourced or {}
        self.scripts = [script] + list(dict.fromkeys(self.sourced.values()))
        self.functions: dict[str, m.FunctionDef] = {}
        for each in self.scripts:
            self.functions.update(each.functions)
        self.variables = Variables(self.scripts, environment)
        self.unread_sources: list[m.Command] = []  # `. FILE` privlint could not follow (set by the builder)
        self.too_deep: list[m.Command] = []  # calls nested past MAX_CALL_DEPTH
        self.handler_commands: set[int] = set()  # inline trap handlers' commands (`trap 'CODE' TERM`)
        self._launches: dict[int, list[Launch]] = {}
        self._summaries: dict[object, tuple[set, set]] = {}
        self._in_progress: set[object] = set()
        self._depth = 0
        self._sourcing = False  # running a file's code because another script sources it
        self._ends: list[PathEnd] | None = None
        self._places: dict[int, Place] | None = None
        self._reachable: list[m.Command] | None = None
        self._messaged: set[int] = set()  # states a message (`echo "done"`) or `popd` followed on some path

    def place(self, command: m.Command) -> Place:
        if self._places is None:
            self._places = {}
            for each in self.scripts:
                self._places.update(_places(each))
        return self._places.get(id(command), Place())

    def call_sites(self, name: str) -> int:
        """How many places may call the function `name`: reachable commands and trap handlers naming it."""
        count = 0
        for command in self.reachable_commands():
            if command.name == name and command.words[0].kind == m.LITERAL:
                count += 1
            elif command.name == "trap" and any(name in _TOKEN.findall(w.value or w.text)
                                               for w in command.words[1:2]):
                count += 1
        return count

    def traps(self) -> list[m.Command]:
        """Reachable `trap ACTION SIGNAL...` commands that set a handler (not `trap - X`, not `trap '' X`)."""
        found = []
        for command in self.reachable_commands():
            if command.name != "trap" or len(command.words) < 3:
                continue
            action = command.words[1]
            if action.kind == m.LITERAL and (action.value or "").strip() in ("", "-"):
                continue
            found.append(command)
        return found

    def background_last(self) -> m.Command | None:
        """The script's last line, when it sends a long-running program to the background (`exec server &`,
        `tmux new-session -d ./server`): nothing waits for it, so the script (PID 1) ends right after starting it."""
        body = self.script.body.items
        last = body[-1] if body else None
        if isinstance(last, m.Command) and (last.background and self.is_long_running(last) or any(
                launch.detaches() for launch in self.launches(last))) and last in self.reachable_commands():
            return last
        return None

    def may_be_unread_function(self, command: m.Command) -> bool:
        """After a `source` privlint could not follow, a bare name it does not know as a program may be a
        function of that file: no claim about what it runs."""
        name = command.name if command.words and command.words[0].kind == m.LITERAL else None
        return bool(self.unread_sources) and name is not None and "/" not in name and \
            family(name) not in KNOWN_PROGRAMS and name not in SHORT_LIVED and name not in SHELL_BUILTINS

    def term_traps(self) -> list[m.Command]:
        """The `trap ... TERM` (or INT) commands: the script handles `docker stop` itself."""
        return [command for command in self.traps()
                if any((w.value or "").upper() in _TERM_SIGNALS for w in command.words[2:])]

    def forwards_term(self) -> bool:
        """A TERM trap whose handler passes the signal on (kills, stops or shuts down what runs): a handler
        that only cleans up and exits leaves the program to be killed with SIGKILL."""
        return any(self._passes_on(trap.words[1]) for trap in self.term_traps())

    def _passes_on(self, action: m.Word) -> bool:
        if action.kind != m.LITERAL:
            return True  # a handler privlint cannot read may pass it on
        words, seen, queue = [], set(), [action.value or ""]
        while queue and len(seen) < 20:
            text = queue.pop()
            for segment in re.split(r"[;&|\n]+", text):
                found = re.findall(r"[^\s;&|()'\"]+", segment)
                if found and found[0] in _MESSAGE_COMMANDS:
                    continue  # `echo "received shutdown signal"`: a message says nothing about what the handler does
                for word in found:
                    words.append(word.lower())
                    function = self.functions.get(word)
                    if function is not None and word not in seen:
                        seen.add(word)
                        queue.extend(c.text for c in m.iter_commands(function.body))
        return any(mark in word for word in words for mark in _PASSING_ON)

    def waited_programs(self, wait: m.Command) -> list[m.Command]:
        """Long-running commands started in the background before `wait`: what the script waits for."""
        return [c for c in self.reachable_commands()
                if c.background and c.line <= wait.line and self.is_long_running(c)]

    # -- launches --------------------------------------------------------------------------
    def launches(self, command: m.Command) -> list[Launch]:
        """One reading per value the command's leading variable may hold."""
        key = id(command)
        if key not in self._launches:
            self._launches[key] = [read_launch(words, self.extra_drop_tools, self.base_entrypoints)
                                   for words in self.variables.expand(command.words)]
        return self._launches[key]

    def is_exec(self, command: m.Command) -> bool:
        return all(launch.exec_ and not launch.fd_only_exec for launch in self.launches(command))

    def is_long_running(self, command: m.Command) -> bool:
        return any(launch.is_long_running() for launch in self.launches(command))

    def function_called(self, command: m.Command) -> m.FunctionDef | None:
        if command.is_test or not command.words or command.words[0].kind != m.LITERAL:
            return None
        return self.functions.get(command.words[0].value or "")

    # -- reachability ----------------------------------------------------------------------
    def reachable_roots(self) -> list[m.Node]:
        """The top-level code, the files it sources, and the functions they can call (also from traps)."""
        roots: list[m.Node] = [_without_functions(self.script.body)]
        seen: set[object] = set()
        index = 0
        while index < len(roots):
            for command in m.iter_commands(roots[index], into_functions=False):
                sourced = self.sourced.get(id(command))
                if sourced is not None and id(sourced) not in seen:
                    seen.add(id(sourced))
                    roots.append(_without_functions(sourced.body))
                for token in _TOKEN.findall(command.text):
                    function = self.functions.get(token)
                    if function is not None and token not in seen:
                        seen.add(token)
                        roots.append(_without_functions(function.body))
                handler = _trap_handler(command)
                if handler is not None and id(command) not in seen:  # `trap 'su app -c "x stop"' TERM`
                    seen.add(id(command))
                    roots.append(handler.body)
                    self.handler_commands |= {id(c) for c in m.iter_commands(handler.body)}
            index += 1
        return roots

    def reachable_commands(self) -> list[m.Command]:
        """Every command that can run: the top level, what it sources, the functions they call (computed once)."""
        if self._reachable is None:
            self._reachable = [command for root in self.reachable_roots()
                               for command in m.iter_commands(root, into_functions=False)]
        return self._reachable

    # -- paths -----------------------------------------------------------------------------
    def path_ends(self) -> list[PathEnd]:
        if self._ends is None:
            live, ended, _ = self._run(self.script.body, {NOTHING}, in_function=False)
            ends = set(ended) | {PathEnd(state, "messages" if id(state) in self._messaged else "end")
                                 for state in live}
            self._ends = sorted(ends, key=_end_order)
        return self._ends

    def _run(self, node, live: set, in_function: bool):
        """Run `node` from the states in `live`: (live after, path ends, states at `return`)."""
        ended: set[PathEnd] = set()
        returned: set = set()
        if isinstance(node, m.Seq):
            for item in node.items:
                if not live:
                    break
                live, item_ended, item_returned = self._run(item, live, in_function)
                ended |= item_ended
                returned |= item_returned
            return live, ended, returned
        if isinstance(node, m.Command):
            return self._run_command(node, live, in_function)
        if isinstance(node, (m.Assignment, m.FunctionDef)):
            return live, ended, returned
        if isinstance(node, m.If):
            out: set = set()
            current = live
            for condition, body in node.branches:
                known = _when_sourced(condition)
                if known is not None:  # `if ! _is_sourced`, `if ! (return 0 2>/dev/null)`: decided by how it runs
                    taken = known if self._sourcing else not known
                    if not taken:
                        continue
                    body_live, e, r = self._run(body, current, in_function)
                    return out | body_live, ended | e, returned | r
                current, e, r = self._run(condition, current, in_function)
                ended |= e
                returned |= r
                body_live, e, r = self._run(body, current, in_function)
                out |= body_live
                ended |= e
                returned |= r
            if node.else_body is not None:
                current, e, r = self._run(node.else_body, current, in_function)
                ended |= e
                returned |= r
            return out | current, ended, returned
        if isinstance(node, m.Case):
            out = set() if node.has_default else {NOTHING}
            for _, body in node.items:
                body_live, e, r = self._run(body, {NOTHING}, in_function)
                out |= body_live
                ended |= e
                returned |= r
            return out, ended, returned
        if isinstance(node, m.Loop):
            current, e, r = self._run(node.condition, live, in_function)
            body_live, e2, r2 = self._run(node.body, current, in_function)
            return current | body_live, ended | e | e2, returned | r | r2
        if isinstance(node, m.AndOr):
            # `migrate && exec server`: a path that stops early stops on a command that already
            # finished (it failed, or succeeded before `||`), not on a server left under the shell.
            current, e, r = self._run(node.items[0], live, in_function) if node.items else (live, set(), set())
            ended |= e
            returned |= r
            short_circuited = False
            for item in node.items[1:]:
                short_circuited = True
                current, e, r = self._run(item, current, in_function)
                ended |= e
                returned |= r
            return current | ({NOTHING} if short_circuited else set()), ended, returned
        if isinstance(node, m.Pipeline):
            return {self._pipeline_representative(node)}, ended, returned
        if isinstance(node, m.Subshell):
            if node.background:
                return live, ended, returned
            body_live, body_ended, _ = self._run(node.body, {NOTHING}, in_function=False)
            states = body_live | {end.command for end in body_ended}
            return states or {NOTHING}, ended, returned
        if isinstance(node, m.Negated):
            return self._run(node.body, live, in_function)
        return live, ended, returned

    def _run_command(self, command: m.Command, live: set, in_function: bool):
        if command.background:
            return live, set(), set()
        name = command.name if command.words and command.words[0].kind == m.LITERAL else None
        if name is not None and name.startswith("-"):
            return live, set(), set()  # `--bind 0.0.0.0:80` broken off its command: runs nothing
        if name == "exit" or (name == "return" and not in_function):
            return set(), {PathEnd(state, "exit") for state in live}, set()
        if name == "return":
            return set(), set(), set(live)
        if name in ("echo", "printf", "popd", "pushd") and not in_function and command.stdout_file() is None and \
                not any(w.kind != m.LITERAL and "$(" in (w.text or "") for w in command.words) and \
                not (self.place(command).and_or or self.place(command).condition):  # `cmd || { echo; exit; }`
            self._messaged |= {id(state) for state in live}  # `server` then `echo "server stopped"`: the
            return live, set(), set()  # message changes nothing: the server is still what ends the path
        sourced = self.sourced.get(id(command))
        if sourced is not None:
            return self._call(("source", id(sourced)), sourced.body, command, live)
        function = self.function_called(command)
        if function is not None:
            return self._call(function.name, function.body, command, live)
        if self.is_exec(command):
            return set(), {PathEnd(command, "exec")}, set()
        return {command}, set(), set()

    def _call(self, key, body: m.Seq, command: m.Command, live: set):
        """Run a function's body (or a sourced file) once into a summary, then apply it at this call."""
        if key in self._in_progress:  # recursion: read the call as an opaque command
            return {command}, set(), set()
        if key not in self._summaries:
            if self._depth >= MAX_CALL_DEPTH:
                self.too_deep.append(command)
                return {command}, set(), set()
            self._in_progress.add(key)
            self._depth += 1
            sourcing = self._sourcing
            self._sourcing = isinstance(key, tuple) or sourcing
            try:
                body_live, body_ended, body_returned = self._run(body, {ENTRY}, in_function=True)
            finally:
                self._depth -= 1
                self._sourcing = sourcing
                self._in_progress.discard(key)
            self._summaries[key] = (body_live | body_returned, body_ended)
        out, ended = self._summaries[key]
        live_out = set()
        for state in out:
            live_out |= live if state is ENTRY else {state}
        ends = set()
        for end in ended:
            if end.command is ENTRY:
                ends |= {PathEnd(state, end.how) for state in live}
            else:
                ends.add(end)
        return live_out, ends, set()

    def _pipeline_representative(self, pipeline: m.Pipeline):
        commands = [c for item in pipeline.items for c in m.iter_commands(item, into_nested=False)]
        for command in commands:
            if not command.is_test and self.is_long_running(command):
                return command
        return commands[-1] if commands else NOTHING


_TOKEN = re.compile(r"[A-Za-z_][\w.:-]*")
_TERM_SIGNALS = {"TERM", "SIGTERM", "15", "INT", "SIGINT"}


def _trap_handler(command: m.Command) -> m.Script | None:
    """The code a `trap 'CODE' SIGNAL...` runs when the signal comes, parsed and pinned to the trap's line; None for
    `trap - X`, `trap '' X`, a handler that is one word (a function name, followed as such) or one not constant."""
    if command.name != "trap" or len(command.words) < 3 or command.words[1].kind != m.LITERAL:
        return None
    text = command.words[1].value or ""
    if len(text.split()) < 2 or len(text) > 4000:
        return None
    from privlint.shell import parse_script, pin_lines

    script = parse_script(command.path or "", text)
    return pin_lines(script, lambda _line: command.line)


def _without_functions(seq: m.Seq) -> m.Seq:
    return m.Seq([item for item in seq.items if not isinstance(item, m.FunctionDef)])


def _end_order(end: PathEnd):
    command = end.command
    line = command.line if isinstance(command, m.Command) else 0
    return (line, end.how)
