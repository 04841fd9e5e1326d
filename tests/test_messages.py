"""Messages and hints that are true for the code they point at (issue: fixes and messages a user can trust)."""

from __future__ import annotations

import json
import os

from privlint.cli import main


def lint(tmp_path, files: dict[str, str], capsys, target: str = "Dockerfile") -> list[dict]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        main(["--isolated", "--format", "json", target])
    finally:
        os.chdir(cwd)
    return json.loads(capsys.readouterr().out)["findings"]


def test_shell_form_hint_never_stops_a_variable_from_expanding(tmp_path, capsys):
    found = lint(tmp_path, {"Dockerfile": "FROM python:3.12-slim\nUSER nobody\n"
                                          "CMD gunicorn --bind 0.0.0.0:$PORT app.wsgi\n"}, capsys)
    finding = next(f for f in found if f["rule"] == "PL005")
    assert not finding["fixable"]
    assert '["/bin/sh", "-c", "exec gunicorn --bind 0.0.0.0:$PORT app.wsgi"]' in finding["fix"]
    assert '["gunicorn", "--bind", "0.0.0.0:$PORT"' not in finding["fix"]


def test_pl001_hint_execs_only_where_the_command_ends_its_path(tmp_path, capsys):
    files = {"Dockerfile": "FROM debian\nRUN apt-get install -y sudo gosu\nCOPY e.sh /e.sh\nENTRYPOINT [\"/e.sh\"]\n",
             "e.sh": "#!/bin/sh\nsudo chown -R app /data\nsudo -u app /srv/app\n"}
    found = {f["line"]: f for f in lint(tmp_path, files, capsys) if f["rule"] == "PL001"}
    assert "exec gosu app /srv/app" in found[3]["fix"] and "signals and the TTY" in found[3]["message"]
    assert "exec gosu" not in found[2]["fix"] and "signals and the TTY" not in found[2]["message"]
    assert "PAM" in found[2]["message"]


def test_pl003_hint_names_the_user_the_dockerfile_creates(tmp_path, capsys):
    found = lint(tmp_path, {"Dockerfile": "FROM eclipse-temurin:21-jre\nRUN useradd --system -u 10001 spring\n"
                                          "COPY app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n"}, capsys)
    finding = next(f for f in found if f["rule"] == "PL003")
    assert "`USER spring`" in finding["fix"]


def test_pl002_hint_for_assignments_keeps_them(tmp_path, capsys):
    files = {"Dockerfile": "FROM node:22-slim\nUSER node\nCOPY s.sh /s.sh\nCMD [\"/s.sh\"]\n",
             "s.sh": "#!/bin/sh\nNODE_ENV=production node server.js\n"}
    finding = next(f for f in lint(tmp_path, files, capsys) if f["rule"] == "PL002")
    assert not finding["fixable"]
    assert "export NAME=value" in finding["fix"] and "`exec node server.js`" in finding["fix"]
    assert "exec NODE_ENV" not in finding["fix"]


def test_pl004_harm_says_what_the_tool_does_in_this_image(tmp_path, capsys):
    fetch = "RUN curl -fsSLo /usr/local/bin/gosu https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64 " \
            "&& chmod +x /usr/local/bin/gosu\n"
    used = lint(tmp_path, {"Dockerfile": "FROM debian:12\n" + fetch + "COPY e.sh /e.sh\nENTRYPOINT [\"/e.sh\"]\n",
                           "e.sh": "#!/bin/sh\nexec gosu nobody /srv/app\n"}, capsys)
    assert "would run as root in every container" in next(f for f in used if f["rule"] == "PL004")["message"]
    unused = lint(tmp_path, {"Dockerfile": "FROM debian:12\n" + fetch + "USER nobody\nCMD [\"/srv/app\"]\n"}, capsys)
    message = next(f for f in unused if f["rule"] == "PL004")["message"]
    assert "would be installed in the image" in message and "run" not in message.split(":", 1)[1]
