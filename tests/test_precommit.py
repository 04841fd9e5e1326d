"""The real pre-commit tool runs this repository's hook on a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = '#!/bin/sh\nset -e\nif [ "$(id -u)" = 0 ]; then\n  exec gosu app "$0" "$@"\nfi\nexec "$@"\n'


def _pre_commit() -> str:
    found = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
    assert found, "pre-commit is a test dependency: pip install -e '.[test]'"
    return found


@pytest.fixture(scope="module")
def hook_home(tmp_path_factory):
    """One pre-commit cache for the module: the hook's environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _repo(tmp_path: Path, script: str) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "fixtures" / "demo", repo / "app")
    (repo / "app" / "expected").unlink()
    (repo / "app" / "docker-entrypoint.sh").write_text(script)
    (repo / "ci").mkdir()
    (repo / "ci" / "tools.dockerfile").write_text('FROM debian\nUSER ci\nCMD ["sudo", "make", "test"]\n')
    (repo / "scripts").mkdir()
    (repo / "scripts" / "build.sh").write_text("#!/bin/sh\nmake all\n")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=repo, check=True)
    return repo


def _try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PRE_COMMIT_HOME=str(home))
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run([_pre_commit(), "try-repo", str(ROOT), "privlint", "--files", *files],
                          cwd=repo, env=environment, capture_output=True, text=True, timeout=600)


def test_bad_pair_fails_with_findings_even_when_only_the_script_is_staged(tmp_path, hook_home):
    repo = _repo(tmp_path, (ROOT / "fixtures" / "demo" / "docker-entrypoint.sh").read_text())
    run = _try_repo(repo, hook_home, "app/docker-entrypoint.sh", "scripts/build.sh")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "app/docker-entrypoint.sh:12:1: PL002 [error]" in run.stdout
    assert "app/Dockerfile:8:5: PL004 [error]" in run.stdout  # the Dockerfile that runs it came along
    assert "build.sh" not in run.stdout  # not an entrypoint of anything: not judged as one


def test_good_pair_passes_and_dockerfile_names_are_matched_by_pattern(tmp_path, hook_home):
    repo = _repo(tmp_path, GOOD)
    dockerfile = repo / "app" / "Dockerfile"
    text = dockerfile.read_text().replace("RUN curl -fsSL -o /usr/local/bin/gosu", "RUN apt-get install -y gosu #")
    dockerfile.write_text(text.replace("CMD /srv/notes/.venv/bin/gunicorn --bind 0.0.0.0:8000 notes.wsgi",
                                       'CMD ["gunicorn", "notes.wsgi"]'))
    run = _try_repo(repo, hook_home, "app/Dockerfile", "app/docker-entrypoint.sh")
    assert run.returncode == 0, run.stdout + run.stderr
    run = _try_repo(repo, hook_home, "ci/tools.dockerfile")  # `identify` would not call it a dockerfile
    assert run.returncode == 1 and "ci/tools.dockerfile:3:1: PL001 [error]" in run.stdout


def test_fix_hook_repairs_the_script(tmp_path, hook_home):
    repo = _repo(tmp_path, '#!/bin/sh\nset -e\nif [ "$(id -u)" = 0 ]; then\n  exec gosu notes "$0" "$@"\nfi\n"$@"\n')
    environment = dict(os.environ, PRE_COMMIT_HOME=str(hook_home))
    environment.pop("GITHUB_ACTIONS", None)
    run = subprocess.run([_pre_commit(), "try-repo", str(ROOT), "privlint-fix", "--files",
                          "app/docker-entrypoint.sh"], cwd=repo, env=environment, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 1  # pre-commit fails a hook that modified files
    assert (repo / "app" / "docker-entrypoint.sh").read_text().endswith('\nexec "$@"\n')
