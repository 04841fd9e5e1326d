"""PL003: the main process runs as root and nothing on the entrypoint path drops privileges."""

from __future__ import annotations

from privlint.finding import Severity
from privlint.programs import INTERACTIVE, NEEDS_ROOT, SELF_DROPPING_SERVERS, SELF_SWITCHING_SERVERS, SUPERVISORS
from privlint.record import replace
from privlint.rules.base import Rule, quote
from privlint.shell_model import ARGS
from privlint.startup import damage_may_hide_drop, looks_like_script, posix_shell
from privlint.trail import main_trail

RULE = Rule("PL003", "root-without-drop", Severity.ERROR,
            "the container's main process runs as root with no privilege drop")

_FIX = ("Add `USER app` (after creating the user), or drop in the entrypoint with "
        "`exec gosu app \"$@\"` after the root-only set-up")

#: Main programs that start as root on purpose: still reported, as warnings that say why.
_MANAGED_BY_THEMSELVES = [
    (SELF_DROPPING_SERVERS, "{names} runs as root ({who}); it drops its workers' privileges itself, "
                            "but the master process stays root"),
    (SUPERVISORS, "process supervisor {names} runs as root ({who}) by design: make each service drop "
                  "privileges (s6-setuidgid, `user=` in supervisord)"),
    (NEEDS_ROOT, "{names} runs as root ({who}) and needs it by design: prefer a rootless variant if one exists"),
]


def _switches_itself(launch) -> bool:
    """`memcached -u memcache`, `mysqld --user=mysql`: the server switches user by itself."""
    name = launch.program_name or ""
    if name not in SELF_SWITCHING_SERVERS:
        return False
    options = SELF_SWITCHING_SERVERS[name]
    words = [w.value or "" for w in launch.program[1:]]
    return not options or any(w == o or w.startswith(o + "=") for w in words for o in options)


def _may_launch_unread(analysis) -> bool:
    """`exec_as_odoo "$@"`: a function of a sourced file privlint could not read that ends a path, or that is
    handed the command line, may be where the drop happens."""
    ends = {id(end.command) for end in analysis.path_ends()}
    return any(analysis.may_be_unread_function(command) and (
        id(command) in ends or any(word.kind == ARGS for word in command.words[1:]))
        for command in analysis.reachable_commands())


def _interactive(launch) -> bool:
    """A shell or REPL with nothing to run: the default of a base or toolbox image, not a service."""
    words = [w.value or "" for w in launch.program[1:]]
    return launch.program_name in INTERACTIVE and all(w.startswith("-") for w in words)


def check(startup):
    user = startup.user
    if user is None or not user.is_root:
        return
    if not posix_shell(startup.final_stage):
        return  # a Windows image: its users are not Linux's root and gosu
    if startup.service is not None and startup.service.unresolved:
        return  # `command: ["${WORKER}"]` with no value for it: what the container runs is not known
    if startup.github_action is not None:
        return  # a GitHub Action's image: GitHub runs it as root, and a USER would lock it out of its workspace
    if startup.inherits_start() and startup.base is None:
        if not user.base_known:
            yield _unknown_base(startup, user)
        return  # the start-up is an unknown base image's: nothing more of it can be seen
    if startup.script_missing:
        return
    launch = startup.chain_launch
    if startup.script is None and not startup.chain_scripts and launch is not None and not launch.program \
            and not launch.drop:
        return  # `ENTRYPOINT ["tini", "--"]` and no CMD: nothing is started, so no main process to judge
    if startup.script is None and not startup.chain_scripts and startup.chain.entrypoint is not None \
            and startup.chain.words() == []:
        return  # `ENTRYPOINT []` and no CMD: the base's CMD is reset with it, and nothing is started
    reference = startup.program_reference()
    if startup.script is None and reference and looks_like_script(reference) and not startup.is_base_program(reference):
        return
    if startup.script is not None and damage_may_hide_drop(startup.script.script, startup.extra_drop_tools):
        return  # lines that could not be parsed (PL900) mention a drop tool: it may be there
    if any(script.analysis.too_deep for script in startup.pid1_scripts):
        return  # calls nested too deep to follow (PL900) may end in a drop
    if any(_may_launch_unread(script.analysis) for script in startup.pid1_scripts):
        return  # a function of a file privlint could not read ends a path or is handed "$@": it may drop
    launches = startup.main_launches()
    if launches and all(_interactive(launch) for launch in launches):
        return  # `CMD ["bash"]` behind an opt-in drop: a shell to work in, whoever it runs as
    if startup.drops_privileges():
        defaulted = startup.root_by_default_drop()
        if defaulted is not None:
            command, variables = defaulted
            names = " or ".join(f"`{name}`" for name in variables)
            yield RULE.at(user.path or startup.dockerfile.path, user.line, 1,
                          f"the main process runs as root unless {names} is set: {quote(command.text, 40)} switches "
                          "to the user the script defaults to 0 (root)", f"Default to a non-root id in the script, or "
                          f"set {names} in the image with ENV", severity=Severity.WARNING, related=main_trail(startup))
            return
        variables = startup.opt_in_drop()
        if variables:
            names = " or ".join(f"`{name}`" for name in variables)
            yield RULE.at(user.path or startup.dockerfile.path, user.line, 1,
                          f"the main process runs as root unless {names} is set: the entrypoint drops privileges "
                          "only when it is", f"Drop by default (`exec gosu app \"$@\"`), or set {names} in the "
                          "image with ENV", severity=Severity.WARNING)
        return
    if startup.network_end():
        return  # `wg-quick up wg0` then `sleep infinity`: the container is a VPN end, whose work needs root
    unknown_base = not user.base_known  # no USER and a base privlint does not know: it may set a user
    launches = startup.main_launches()
    if launches and all(_switches_itself(launch) or _interactive(launch) or startup.config_switches_user(launch)
                        for launch in launches):
        return
    who = _who(startup, user)
    programs = startup.main_programs()
    path = user.path or startup.dockerfile.path
    fix = _fix(startup)
    if unknown_base:
        yield _unknown_base(startup, user)
        return
    for group, template in _MANAGED_BY_THEMSELVES:
        if programs and programs <= group:
            message = template.format(names=", ".join(sorted(programs)), who=who)
            yield RULE.at(path, user.line, 1, message, fix, severity=Severity.WARNING, related=main_trail(startup))
            return
    where = "the entrypoint script" if startup.script is not None else "ENTRYPOINT/CMD"
    if startup.inherits_start():
        where = f"the start-up it inherits from `{startup.final_stage.chain()[-1].base}`"
    partial = _passing_drop(startup)
    to_root = _drop_to_root(startup)
    if partial is not None:
        how = f"{where} drops privileges only for {quote(partial.text, 40)}, not for the main process"
    elif to_root is not None:
        how = f"{quote(to_root.text, 40)} switches to root: the image's ENV sets the user it is given to 0"
    else:
        how = f"{where} never drops privileges"
    finding = RULE.at(path, user.line, 1, f"the main process runs as root ({who}) and {how}{_privileges(startup)}",
                      fix, related=main_trail(startup))
    if startup.service is not None and startup.service.privileges:
        finding = replace(finding, security_severity="9.8")  # root in the container is root on the host
    yield finding


def _privileges(startup) -> str:
    """A privileged service makes root in the container root on the host: the message says so."""
    service = startup.service
    if service is None or not service.privileges:
        return ""
    listed = ", ".join(f"`{setting.value}`" for setting in service.privileges)
    return f"; the service also runs with {listed}, so root in the container reaches the host"


def _who(startup, user) -> str:
    if user.path is not None:
        return f"`user: {user.value}` in service `{startup.service.name}`"
    if user.from_user_instruction:
        return f"USER {user.value}"
    return f"no USER instruction, and `{startup.final_stage.chain()[-1].base}` runs as root"


def _unknown_base(startup, user):
    base = startup.final_stage.chain()[-1].base
    return RULE.at(user.path or startup.dockerfile.path, user.line, 1, f"the main process may run as root: there is "
                   f"no USER and privlint does not know the base image `{base}`, which may set one or drop in its "
                   f"entrypoint", f"{_fix(startup)}; or, if `{base}` runs as a non-root user, list it in "
                   "`non-root-base-images`", severity=Severity.WARNING)


def _fix(startup) -> str:
    """Name the user the Dockerfile creates, when it creates one."""
    name = startup.created_user()
    if name:
        return (f"Add `USER {name}` after the set-up that needs root, or drop in the entrypoint with "
                f"`exec gosu {name} \"$@\"` after the root-only set-up")
    return _FIX


def _drop_to_root(startup):
    """A drop tool whose user the image's ENV makes root (`ENV PUID=0`, `su-exec ${PUID}:${PGID} ...`), if any."""
    if startup.script is None:
        return None
    analysis = startup.script.analysis
    for command in analysis.reachable_commands():
        if any(launch.drop and launch.drop_user_text and not startup.launch_drops(launch)
               for launch in analysis.launches(command)):
            return command
    return None


def _passing_drop(startup):
    """A drop tool used mid-script for one command (`gosu app init-db`), if any."""
    if startup.script is None:
        return None
    analysis = startup.script.analysis
    for command in analysis.reachable_commands():
        if any(launch.drop and startup.launch_drops(launch) for launch in analysis.launches(command)):
            return command
    return None
