"""PL002: the command that ends a path of the entrypoint is not exec'd, so the shell stays PID 1."""

from __future__ import annotations

from privlint.finding import Edit, Related, Severity
from privlint.flow import first_line
from privlint.launch import named_as_service
from privlint.programs import INTERACTIVE, SHELL_BUILTINS
from privlint.rules.base import Rule, quote
from privlint.shell_model import (
    ARGS,
    DYNAMIC,
    LITERAL,
    SELF,
    VAR,
    Assignment,
    Command,
    Loop,
    Negated,
    iter_commands,
    walk,
)
from privlint.trail import to_command

RULE = Rule("PL002", "missing-exec", Severity.ERROR,
            "the long-running command that ends the entrypoint is not exec'd")

def check(startup):
    if startup.github_action is not None:
        return  # a GitHub Action's image runs one step of a workflow, a job that ends: no service to stop
    reported: set[int] = set()
    for script in startup.pid1_scripts:
        if script.string_of is not None:  # `exec "$@"` handed over to CMD's `sh -c` string
            yield from _shell_string_findings(startup, script.string_of, script.script, script.analysis)
        elif script.is_entrypoint:
            yield from _check_script(startup, script, reported)
    if startup.exec_form_shell_string() is not None:
        instruction, script = startup.chain_scripts[-1]
        yield from _shell_string_findings(startup, instruction, script, startup.analyse(script))


def _report(startup, script, command, message: str, fix: str, edit=None, extra=()):
    """A PL002 finding at a command of a PID 1 script, with the path that leads to it."""
    return RULE.at(command.path, command.line, command.column, message, fix, end_line=command.end_line,
                   end_column=command.end_column, edit=edit, related=to_command(startup, script, command) + list(extra))


def _daemons_then_waiting(startup, script, reported: set[int]):
    """A server sent to the background (`haproxy -D`, `service x start`) while the script stays PID 1 after it
    (a loop, or a waiting command): `docker stop` signals the shell, which never passes it on."""
    analysis = script.analysis
    if analysis.forwards_term() or any(id(command) in reported for command in analysis.reachable_commands()):
        return  # a server in the foreground before the loop, or a program the loop restarts: reported already
    waiting = [end.command for end in analysis.path_ends() if isinstance(end.command, Command)
               and end.how != "exec" and analysis.is_long_running(end.command)
               and not analysis.place(end.command).condition]
    if waiting:
        return  # the command the script waits on is reported itself (`tail -f /dev/null` after `service x start`)
    loops = _loop_lines(script.script, analysis)
    for command in analysis.reachable_commands():
        if id(command) in reported or command.is_test or analysis.place(command).condition:
            continue
        launches = analysis.launches(command)
        if command.background:  # `./server &` then `while :; do sleep 60; done`
            if analysis.place(command).loop or not any(launch.serves_in_foreground() or launch.runs_app_file() or (
                    launch.program_name is not None and named_as_service(launch.program_name)) for launch in launches):
                continue
        elif not any(launch.starts_daemon() for launch in launches):
            continue
        if not any(line > command.line for line in loops):
            continue
        reported.add(id(command))
        how = "runs in the background" if command.background else "sends the server to the background"
        yield _report(startup, script, command,
                      f"{quote(command.text)} {how} and the script stays PID 1 in a "
                      "loop after it: `docker stop` signals the shell, never the server",
                      "Run the server in the foreground as the last command with `exec` (`haproxy -db`, "
                      "`nginx -g 'daemon off;'`), and move the watching into the program or a supervisor")
        return  # one finding for the shape: the first server sent away


def _server_as_loop_condition(startup, script, reported: set[int]):
    """`until node app.js; do sleep 1; done`: a restart loop whose condition is the server itself; the shell stays
    PID 1 around it while it runs, and `docker stop` signals the shell."""
    analysis = script.analysis
    if analysis.forwards_term():
        return
    reachable = {id(c) for c in analysis.reachable_commands()}
    items = script.script.body.items
    for node in items[-1:]:  # the script's last statement: a loop followed by more work retries a job until it passes
        if not isinstance(node, Loop) or node.variable is not None:
            continue
        for command in iter_commands(node.condition):
            if id(command) not in reachable or id(command) in reported or command.background:
                continue
            launches = analysis.launches(command)
            if not any(launch.serves_in_foreground() or launch.runs_app_file() for launch in launches):
                continue
            reported.add(id(command))
            yield _report(startup, script, command,
                          f"{quote(command.text)} is the condition of a loop that restarts it: the shell stays PID 1 "
                          "around it and `docker stop` signals the shell, not it",
                          "Let the container's restart policy restart it (`restart: unless-stopped`) and `exec` it")
            return


def _shell_loops_forever(startup, script, reported: set[int]):
    """`while true; do curl ...; sleep 60; done` at the end of a PID 1 script, with no TERM trap: the shell
    itself is the main process, and PID 1 ignores SIGTERM unless it sets a handler, so `docker stop` waits out
    its timeout and kills it. Reported once, at the loop body's first line, when nothing else was."""
    analysis = script.analysis
    if analysis.term_traps() or startup.behind_init:
        return  # the script handles TERM, or an init is PID 1 and the TERM it passes on ends the shell
    reachable = analysis.reachable_commands()
    if any(id(command) in reported for command in reachable):
        return  # the server sent away before the loop, or a program the loop restarts: reported already
    looped = [command for command in reachable if analysis.place(command).endless
              and not analysis.place(command).aside and not command.background]
    loops: dict[tuple, list[Command]] = {}
    for command in looped:
        loops.setdefault((command.path, analysis.place(command).loop_line), []).append(command)
    for (_, first_loop), body in sorted(loops.items(), key=lambda item: item[0][1]):
        if any(analysis.is_exec(c) or _interactive_shell(analysis, c) or _leaves(analysis, c) for c in body):
            continue  # a loop that may leave (`exec server` once ready, `return 0` once it worked) is no end
        break
    else:
        return
    command = min(body, key=lambda c: (c.line, c.column))
    line, column = _first_statement(analysis, command.path, first_loop) or (command.line, command.column)
    reported.add(id(command))
    yield RULE.at(command.path, line, column,
                  f"the script ends in an endless loop (from line {first_loop}) with no TERM trap: the shell is "
                  "PID 1, which ignores SIGTERM without a handler, so `docker stop` waits out its timeout and kills it",
                  "Trap TERM before the loop (`trap 'exit 0' TERM INT`) and sleep in the background so the trap runs "
                  "at once (`sleep 60 & wait $!`), or run the job from a scheduler that handles signals (supercronic)",
                  related=to_command(startup, script, command))


def _leaves(analysis, command: Command) -> bool:
    """`return` in a loop (a retry inside a function), or `exit` other than on an error (`cd dir || exit 1`)."""
    return command.name == "return" or command.name == "exit" and not analysis.place(command).and_or


def _first_statement(analysis, path: str, loop_line: int) -> tuple[int, int] | None:
    """(line, column) of the first command in the body of the loop starting at `loop_line`: a program, a test, or
    an assignment that runs one (`ip=$(dig ...)`); a plain `x=1` runs nothing."""
    for each in analysis.scripts:
        if each.path != path:
            continue
        for node in walk(each.body):
            if not isinstance(node, Loop) or (first_line(node.condition) or first_line(node.body)) != loop_line:
                continue
            starts = [(n.line, n.column) for n in walk(node.body, into_nested=False)
                      if isinstance(n, Command) or isinstance(n, Assignment) and n.nested]
            return min(starts) if starts else None
    return None


def _loop_lines(script, analysis) -> list[int]:
    """The first line of each loop's body that only waits and watches: where the script starts waiting. A loop
    that runs a program of its own again and again (`while true; do ./poll.py; sleep 60; done`) is the main
    work, and the server sent away before it is a helper (`service dbus start`)."""
    lines = []
    for node in walk(script.body, into_functions=False):
        if isinstance(node, Loop):
            body = list(iter_commands(node.body))
            negated = node.condition.items[:1] and isinstance(node.condition.items[0], Negated)
            if body and not analysis.place(body[0]).endless and (node.until or negated):
                continue  # `until mysqladmin ping; do sleep 5; done`: it waits for the server to be up, then ends
            if body and not any(analysis.is_long_running(c) and not c.background and not any(
                    launch.starts_daemon() for launch in analysis.launches(c)) for c in body):
                lines.append(body[0].line)
    return lines


def _foreground_servers(startup, script, reported: set[int]):
    """A server started in the foreground on a path that goes on: the shell waits for it as PID 1."""
    analysis = script.analysis
    ends = {id(end.command) for end in analysis.path_ends()}
    looped = False  # one finding for a script's endless loop: the first program it runs again and again
    body = script.script.body.items
    last = body[-1] if body else None
    for command in analysis.reachable_commands():
        if id(command) in ends and not analysis.place(command).endless or id(command) in reported or command.is_test \
                or id(command) in analysis.handler_commands:
            continue  # (a trap's handler runs when a signal comes, not on the start-up path)
        if command.background and (not analysis.place(command).endless or analysis.place(command).aside):
            continue  # `while :; do php artisan schedule:run & sleep 60; done`: the loop's work, sent away each time
        if command is last:
            continue  # nothing comes after the script's last line: no "lines after it" to wait for
        place = analysis.place(command)
        if place.condition or place.subshell or analysis.is_exec(command):
            continue
        launches = analysis.launches(command)
        if place.endless and not looped and analysis.is_long_running(command) and not analysis.forwards_term() \
                and not _interactive_shell(analysis, command) \
                and not analysis.may_be_unread_function(command) and analysis.function_called(command) is None:
            looped = True
            reported.add(id(command))
            yield _report(startup, script, command,
                          f"{quote(command.text)} runs again and again in an endless loop (from line "
                          f"{place.loop_line}): the shell stays PID 1 around it and `docker stop` signals the "
                          "shell, not it",
                          "Let the container's restart policy restart it (`restart: unless-stopped`) and `exec` "
                          "it; or trap TERM and pass it on before looping")
            continue
        if command.background:
            continue
        if any(launch.drop and launch.program and launch.program[0].kind in (SELF, ARGS) for launch in launches):
            reported.add(id(command))  # `su-exec node "$0" "$@"` mid-script: the drop runs the command line and waits
            yield _report(startup, script, command,
                          f"{quote(command.text)} runs the container's command in the foreground, not exec'd: the "
                          "shell stays PID 1 around it, and when it returns the script goes on as itself",
                          f"Prefix it with exec: `exec {' '.join(command.text.split())[:60]}`")
            continue
        named = analysis.function_called(command) is None and not analysis.may_be_unread_function(command)
        if not any(launch.serves_in_foreground() or startup.runs_base_server(launch)
                   or named and launch.named_server_in_foreground() for launch in launches):
            continue
        reported.add(id(command))
        yield _report(startup, script, command,
                      f"{quote(command.text)} runs in the foreground: the shell waits, stays PID 1, and the lines "
                      "after it only run once the server has exited" + _npm_note(launches),
                      "Make it the last command and `exec` it; run what comes after it before it, or in the "
                      "program's own shutdown hook")


def _interactive_shell(analysis, command: Command) -> bool:
    """A shell or REPL with nothing to run (`bash`, `/bin/bash -l`): an interactive session."""
    launches = analysis.launches(command)
    return bool(launches) and all(launch.program_name in INTERACTIVE and all(
        w.kind == LITERAL and (w.value or "").startswith("-") and not (
            not (w.value or "").startswith("--") and "c" in (w.value or "")) for w in launch.program[1:])
        for launch in launches)


def _program_before_shell(analysis, end: Command) -> Command | None:
    """When a path ends in an interactive shell with nothing to run (`bash`), the long-running program run in
    the foreground just before it on the same path, in the same block."""
    if not _interactive_shell(analysis, end):
        return None
    place = analysis.place(end)
    before = [c for c in analysis.reachable_commands() if c.path == end.path and c.line < end.line
              and analysis.place(c).function == place.function and analysis.place(c).guards == place.guards]
    for command in reversed(before):
        if command.background or command.is_test or analysis.place(command).condition:
            continue
        launches = analysis.launches(command)
        if analysis.is_long_running(command) and not analysis.is_exec(command) and any(
                launch.serves_in_foreground() or named_as_service(launch.program_name) for launch in launches):
            return command
        return None  # set-up stands between (or a program named like set-up): the shell is the main process
    return None


def _npm_note(launches) -> str:
    runner = next((launch.program_name for launch in launches if launch.program_name in ("npm", "yarn", "pnpm")), None)
    if runner is not None:
        return f"; {runner} does not forward SIGTERM well either: `exec node ...` is better"
    return ""


def _shell_string_findings(startup, instruction, script, analysis):
    """`CMD ["sh", "-c", "migrate && gunicorn app"]`, also as what an entrypoint's `exec "$@"` runs: the shell is
    PID 1 and waits unless the last command is exec'd (a lone simple command is exec'd by the shell itself)."""
    items = script.body.items
    if len(items) == 1 and isinstance(items[0], Command):
        return
    for end in analysis.path_ends():
        command = end.command
        if not isinstance(command, Command) or end.how == "exec" or command.is_test:
            continue
        if not analysis.is_long_running(command):
            continue
        shown = " ".join(command.text.split())[:60]
        yield RULE.at(instruction.path or startup.dockerfile.path, instruction.line, 1,
                      f"the shell string in {_owner(instruction)} ends with {quote(command.text)}, not exec'd: the "
                      "shell stays PID 1 and `docker stop` will not reach it",
                      f"Put exec before the last command inside the string: `... && exec {shown}`")
        return
    ends = {id(end.command) for end in analysis.path_ends()}
    for command in analysis.reachable_commands():  # `sh -c "npm start && wait $$"`: the server, then more
        if id(command) in ends or command.background or analysis.place(command).condition or \
                analysis.place(command).endless:
            continue
        if any(launch.serves_in_foreground() for launch in analysis.launches(command)):
            yield RULE.at(instruction.path or startup.dockerfile.path, instruction.line, 1,
                          f"the shell string in {_owner(instruction)} runs {quote(command.text)} in the foreground "
                          "and goes on after it: the shell stays PID 1 and `docker stop` will not reach it",
                          "End the string with the server, exec'd: `... && exec "
                          f"{' '.join(command.text.split())[:60]}`")
            return
    if analysis.forwards_term():
        return
    for command in analysis.reachable_commands():  # `sh -c "while true; do php artisan schedule:run; sleep 60; done"`
        if analysis.place(command).endless and analysis.is_long_running(command) and not command.background:
            yield RULE.at(instruction.path or startup.dockerfile.path, instruction.line, 1,
                          f"the shell string in {_owner(instruction)} runs {quote(command.text)} again and again in "
                          "an endless loop: the shell stays PID 1 and `docker stop` signals the shell, not it",
                          "Trap TERM and pass it on before looping, or run a scheduler that handles signals "
                          "(supercronic, `crond -f`) as the exec'd program")
            return


def _owner(instruction) -> str:
    """`CMD`, or a compose service's `command:` / `entrypoint:` (an override written in the compose file)."""
    if instruction.path is None:
        return instruction.keyword
    return "`command:`" if instruction.keyword == "CMD" else "`entrypoint:`"


def _check_script(startup, script, reported: set[int]):
    analysis = script.analysis
    yield from _foreground_servers(startup, script, reported)
    yield from _daemons_then_waiting(startup, script, reported)
    yield from _server_as_loop_condition(startup, script, reported)
    last = analysis.background_last()
    if last is not None and id(last) not in reported:
        reported.add(id(last))  # `exec server &` as the last line: the script ends, and the container with it
        if last.background:
            yield _report(startup, script, last,
                          f"{quote(last.text)} is sent to the background as the script's last command: the script "
                          "then ends, and the container stops with it",
                          "Drop the `&` and `exec` the program, so that it becomes PID 1")
        else:
            yield _report(startup, script, last,
                          f"{quote(last.text)} starts the program in a detached session as the script's last "
                          "command: the script then ends, and the container stops with it",
                          "`exec` the program itself, without screen/tmux, so that it becomes PID 1")
    for end in analysis.path_ends():
        command = end.command
        if not isinstance(command, Command) or end.how == "exec" or command.is_test:
            continue
        if id(command) in reported:
            continue
        if command.name in ("wait", "fg"):  # `server &` ... `fg`: the shell waits for the job it brought back
            background = _unforwarded_background(analysis, command)
            if background is not None:
                reported.add(id(command))
                traps = analysis.term_traps()
                trap = next((t for t in traps if "TERM" in t.text.upper()), traps[0] if traps else None)
                why = (f"; its TERM trap (line {trap.line}) does not pass the signal on, so the program is killed, "
                       "not stopped" if trap is not None else
                       " with no trap forwarding TERM: `docker stop` signals the shell, not it")
                yield _report(startup, script, command,
                              f"{quote(background.text)} runs in the background and the script waits for it{why}",
                              "exec the program instead of `&` + `wait`, or `trap 'kill -TERM $pid' TERM INT` "
                              "before waiting", extra=[Related(
                                  background.path, background.line, background.column,
                                  f"`{' '.join(background.text.split())[:60]}` starts in the background")])
            continue
        if _runs_job_script(startup, command):
            continue  # `/sync.sh` last: privlint read that script, and it does a job and ends
        if not analysis.is_long_running(command) or analysis.may_be_unread_function(command) or \
                analysis.function_called(command) is not None or any(command is deep for deep in analysis.too_deep):
            continue  # a function privlint could not read or follow (too deep) is no program to exec
        if analysis.place(command).condition:
            continue  # `while inotifywait ...`, `if ! check`: its status was tested, so it has exited
        if analysis.place(command).endless:
            continue  # the last command of an endless loop's body: the loop runs again, the script never ends there
        program = _program_before_shell(analysis, command)
        if program is not None:  # `runner.sh` then `bash`: the program is the work, the shell an afterthought
            if id(program) not in reported:
                reported.add(id(program))
                yield _report(startup, script, program,
                              f"{quote(program.text)} runs in the foreground and the script then starts "
                              f"{quote(command.text)}: the shell stays PID 1 and `docker stop` will not reach it",
                              "Make the program the last command and `exec` it; start a shell with "
                              "`docker exec` when you need one")
            continue
        if _interactive_shell(analysis, command):
            continue  # `/bin/bash` for someone at a terminal (`docker run -it`): a session, not a service to stop
        if end.how != "exit" and any(damage.end_line > command.line for each in analysis.scripts
                                     if each.path == command.path for damage in each.damage):
            continue  # the real end of this path may sit in lines that could not be parsed (PL900)
        reported.add(id(command))
        after = {"exit": " and is followed only by `exit`",
                 "messages": " and is followed only by lines that print or change directory (`echo`, `popd`)"
                 }.get(end.how, "")
        if analysis.is_exec(command) and analysis.place(command).pipeline:  # `exec tail -f log | ./server`
            message = (f"{quote(command.text)} is part of a pipeline: exec replaces only that part, so the script's "
                       "shell stays PID 1, waiting for the pipeline, and `docker stop` will not reach it")
            yield _report(startup, script, command, message,
                          "Run the server as the script's last command with `exec` and no pipe (feed its input "
                          "another way)")
            continue
        if analysis.is_exec(command):  # `( exec "$@" )`: exec replaces the subshell, not the script
            message = (f"{quote(command.text)} ends the script inside a subshell `( ... )`: exec replaces the "
                       "subshell, so the script's shell stays PID 1 and `docker stop` will not reach it")
            yield _report(startup, script, command, message,
                          "Take the command out of the subshell: `exec` it from the script itself")
            continue
        message = (f"{quote(command.text)} ends the script{after} but is not exec'd: the shell stays "
                   "PID 1 and `docker stop` will not reach it" + _npm_note(analysis.launches(command)))
        edit, fix = _exec_fix(startup, script, analysis, command, end)
        yield _report(startup, script, command, message, fix, edit=edit)
    yield from _shell_loops_forever(startup, script, reported)


def _runs_job_script(startup, command: Command) -> bool:
    """The command runs a script of the image that privlint read, whose every path ends in a short job, with no
    program sent to the background, no endless loop and no server in the foreground on the way: a job."""
    for helper in startup.foreground:
        via = helper.via
        if via is None or (via.path, via.line) != (command.path, command.line):
            continue
        analysis = helper.analysis
        if analysis.unread_sources or analysis.too_deep or helper.script.damage:
            return False
        reachable = analysis.reachable_commands()
        if any(c.background or analysis.place(c).endless or any(
                launch.serves_in_foreground() for launch in analysis.launches(c)) for c in reachable):
            return False
        ends = [end.command for end in analysis.path_ends() if isinstance(end.command, Command)]
        return bool(ends) and not any(analysis.is_long_running(end) for end in ends)
    return False


def _exec_fix(startup, script, analysis, command, end) -> tuple[Edit | None, str]:
    """`exec ` before the command, offered only where it cannot change what the script means.

    An allow-list: an external program (not a function, builtin or keyword), standing on its own
    (no `VAR=x` prefix, not in a pipeline, `&&`/`||` list, loop, condition or subshell), in the
    top level or in a function called from one place, with no trap that exec would skip, nothing
    after it on its path, in a file that is surely a shell script and parsed whole. Otherwise the
    hint says what to write instead.
    """
    words = command.words
    program = " ".join(w.text for w in words)
    shown = " ".join(program.split())[:60]
    plain = f"Prefix it with exec: `exec {shown}`"
    first = words[0] if words else None
    name = first.value if first is not None and first.kind == LITERAL else None
    place = analysis.place(command)
    if any(launch.sudo for launch in analysis.launches(command)):
        return None, "Replace sudo/su with a drop tool that execs: `exec gosu USER CMD` (see PL001)"
    if name is not None and name in analysis.functions:
        return None, (f"`{name}` is a shell function, which exec cannot run: put exec before the program it "
                      "starts last")
    if name == "eval":
        return None, f"Let eval run exec: `eval exec {' '.join(w.text for w in words[1:])[:60]}`"
    if name == "time":
        return None, f"exec cannot run the `time` keyword: `exec {' '.join(w.text for w in words[1:])[:60]}`"
    if name is not None and name in SHELL_BUILTINS:
        return None, f"`{name}` is a shell builtin, which exec cannot run: exec the program it starts"
    if command.has_assignments:
        return None, (f"Set the variables on the line before with `export NAME=value`, then `exec {shown}` "
                      "(exec does not take `NAME=value` before the program)")
    if place.pipeline:
        return None, ("A pipeline keeps the shell as PID 1: make the program PID 1 with `exec` and let it log "
                      "to stdout, or move the pipe into the program's own logging")
    if place.and_or:
        return None, f"Put exec before it inside the list: `... && exec {shown}`"
    if place.loop:
        return None, (f"It runs inside a loop, which exec would end: leave the loop first, then `exec {shown}`, "
                      "or run a supervisor that restarts it")
    traps = analysis.traps()
    if traps:
        return None, (f"The script sets a trap ({quote(traps[0].text, 40)}) that would never run once exec "
                      f"replaces the shell: move that clean-up into the program or an init, then `exec {shown}`")
    if end.how == "messages":
        return None, f"Prefix it with exec (the lines after it will no longer run): `exec {shown}`"
    if end.how != "end":
        return None, f"Prefix it with exec and drop the `exit` after it: `exec {shown}`"
    if not _called_once(analysis, place.function):
        return None, (f"It ends function `{place.function}`, which is called from several places: put exec "
                      "where the call starts the container's main process")
    if (not command.standalone or command.is_test or first is None or first.kind in (VAR, DYNAMIC)
            or not script.editable or (name is not None and "/" not in name and _sources_unread(analysis))):
        return None, plain
    return Edit(command.path, command.line, command.column, command.line, command.column, "exec ",
                expect=first.text), plain


def _called_once(analysis, function: str | None, depth: int = 0) -> bool:
    """The function (and each function calling it) is called from exactly one place that exec cannot hurt."""
    if function is None:
        return True
    if depth > 8 or analysis.call_sites(function) != 1:
        return False
    for command in analysis.reachable_commands():
        if command.name == function:
            place = analysis.place(command)
            if (not command.standalone or place.loop or place.condition or place.subshell or place.pipeline
                    or place.and_or):
                return False
            return _called_once(analysis, place.function, depth + 1)
    return False


def _sources_unread(analysis) -> bool:
    """The script sources a file whose functions privlint has not read: any bare name may be one of them."""
    return bool(analysis.unread_sources)


def _unforwarded_background(analysis, wait: Command) -> Command | None:
    """The last long-running background command before `wait`, when no trap forwards TERM."""
    if analysis.forwards_term():
        return None
    background = analysis.waited_programs(wait)
    if background and analysis.term_traps() and all(
            launch.keeps_alive() for c in background for launch in analysis.launches(c)):
        return None  # `trap shutdown TERM; sleep infinity & wait $!`: the trap is the shutdown; sleep only waits
    return background[-1] if background else None
