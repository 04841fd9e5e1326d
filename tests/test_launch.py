"""Reading one command line: exec, wrappers, drop tools and sudo/su, down to the program run."""

from __future__ import annotations

import pytest

from privlint.launch import read_launch
from privlint.shell import parse_script
from privlint.shell_model import iter_commands


def launch_of(line: str):
    command = next(iter_commands(parse_script("s.sh", line + "\n").body))
    return read_launch(command.words)


@pytest.mark.parametrize("line, drop, program", [
    ('exec gosu app "$@"', "gosu", '"$@"'),
    ("exec su-exec app:app server", "su-exec", "server"),
    ("exec setpriv --reuid=app --regid=app --init-groups server --port 1", "setpriv", "server"),
    ("exec setpriv --reuid app --regid app -- server", "setpriv", "server"),
    ("chroot --userspec=app:app / server", "chroot", "server"),
    ("chroot --userspec app:app --skip-chdir / server", "chroot", "server"),
    ("s6-setuidgid app server", "s6-setuidgid", "server"),
    ("runuser -u app -- server", "runuser", "server"),
    ("chpst -u app:app -e /etc/env server", "chpst", "server"),
    ("s6-applyuidgid -u 1000 -g 1000 server", "s6-applyuidgid", "server"),
    ("exec tini -g -- gosu app server", "gosu", "server"),
    ("env -i PATH=/bin gosu app server", "gosu", "server"),
    ("exec start-stop-daemon --start --remove-pidfile -c app --exec /usr/bin/server -- -p 80", "start-stop-daemon",
     "/usr/bin/server"),
])
def test_drop_tools(line, drop, program):
    launch = launch_of(line)
    assert launch.drop == drop
    assert launch.program[0].text == program


@pytest.mark.parametrize("line", ["setpriv --no-new-privs server", "chroot /jail server", "chpst -e /env server",
                                  "runuser app -c server", "start-stop-daemon --start -b -c app --exec /usr/bin/server",
                                  "start-stop-daemon --start --exec /usr/bin/server"])
def test_same_tools_without_a_user_switch_are_no_drop(line):
    assert launch_of(line).drop is None


@pytest.mark.parametrize("line, tool, program", [
    ("exec sudo -u app -E server", "sudo", "server"),
    ("sudo --user=app server", "sudo", "server"),
    ('su app -s /bin/sh -c "server --port 1"', "su", "server"),
    ("exec su - app -c server", "su", "server"),
])
def test_sudo_and_su(line, tool, program):
    launch = launch_of(line)
    assert launch.sudo == tool and launch.program[0].value == program


def test_lookups_and_fd_execs_launch_nothing():
    assert launch_of("command -v sudo").lookup_only
    assert launch_of("exec >/var/log/app.log 2>&1").fd_only_exec
    assert not launch_of("which gosu").is_long_running()


def test_long_running_judgement():
    assert launch_of("python app.py").is_long_running()
    assert launch_of('"$@"').is_long_running()
    assert not launch_of("echo done").is_long_running()
    assert launch_of("tail -f /dev/null").is_long_running()
    assert not launch_of("sleep 5").is_long_running()
    assert launch_of("sleep infinity").is_long_running()
    assert not launch_of("/etc/init.d/kafka start").is_long_running()  # starts a daemon and returns
    assert not launch_of("service cron start").is_long_running()
    assert not launch_of("pushd /srv").is_long_running()  # a builtin
    assert launch_of("time /usr/local/bin/bench").program_name == "bench"


def test_runuser_options_around_the_user():
    launch = launch_of('runuser -u jenkins -m -g docker -- /bin/bash /usr/local/bin/jenkins-agent "$@"')
    assert launch.drop == "runuser" and launch.program_name == "bash"
    assert launch_of("runuser -u app /srv/app").program_name == "app"
    assert launch_of("runuser -l app").drop is None  # a login shell, no -u: no command handed over


def test_comparisons_are_short_lived_and_su_runs_the_strings_last_command():
    assert not launch_of("diff -q /a.conf /b.conf").is_long_running()
    launch = launch_of('su - steam -c "export LANG=C && cd /opt/game && ./start-server.sh -port 1"')
    assert launch.sudo == "su" and launch.program_name == "start-server.sh" and launch.is_long_running()
    assert launch_of("php /app/artisan serve --host 0.0.0.0").serves_in_foreground()
    assert not launch_of("php /app/artisan migrate").serves_in_foreground()


@pytest.mark.parametrize("line, user, program", [
    ('su node -c "/tmp/run.sh"', "node", "/tmp/run.sh"),
    ('su -c "/tmp/run.sh" node', "node", "/tmp/run.sh"),
    ('su -c"/tmp/run.sh" node', "node", "/tmp/run.sh"),
    ("su --command=/tmp/run.sh node", "node", "/tmp/run.sh"),
    ('su -s /bin/sh -c "exec server --port 1" www-data', "www-data", "server"),
])
def test_su_reads_its_user_and_command_in_any_order(line, user, program):
    launch = launch_of(line)
    assert launch.sudo == "su" and launch.sudo_user == user
    assert launch.program and launch.program[0].value == program


@pytest.mark.parametrize("line", ['exec setpriv --reuid="$APP_UID" --regid="$APP_GID" --clear-groups "$BIN" "$@"',
                                  'runuser --user="$APP_USER" -- "$BIN"'])
def test_drop_options_with_variable_values_still_switch_user(line):
    launch = launch_of(line)
    assert launch.drop in ("setpriv", "runuser") and launch.program and launch.program[0].text == '"$BIN"'


@pytest.mark.parametrize("line, long_running", [
    ("npx vitest run", False), ("npx --yes jest --ci", False), ("npx next start", True),
    ("kubectl apply -f -", False), ("kubectl proxy --port=8001", True), ('sh -c "kubectl get pods"', False),
    ('sh -c "npm ci && node server.js"', True), ("newsboat --version", False),
])
def test_jobs_and_services_by_what_they_run(line, long_running):
    assert launch_of(line).is_long_running() is long_running


def test_env_assignments_with_variables_are_skipped():
    launch = launch_of('env PATH="$AGENT_PATH" HOME=/home/agent gosu agent "$@"')
    assert launch.drop == "gosu" and launch.runs_args


def test_su_runs_a_script_given_after_the_user():
    launch = launch_of("su - app /opt/user.sh")
    assert launch.sudo == "su" and launch.sudo_user == "app" and launch.program[0].value == "/opt/user.sh"
    assert launch_of("su - app").program == []


@pytest.mark.parametrize("line, program", [
    ("fixuid -q /home/runner/entrypoint.sh", "/home/runner/entrypoint.sh"),
    ("exec setsid nohup nice -n 5 server --port 1", "server"),
    ("timeout 30 mysqld --user=mysql", "mysqld"),
])
def test_pass_through_wrappers_run_the_command_after_them(line, program):
    assert launch_of(line).program[0].text == program
