"""The built wheel carries the rule pages: install it in a fresh venv and explain every rule."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

from privlint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installed_in_a_fresh_venv_explains_every_rule(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    wheel = next(dist.glob("privlint-*.whl"))
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True,
                   timeout=600)
    privlint = environment / "bin" / "privlint"
    for rule_id, module in RULES.items():
        run = subprocess.run([str(privlint), "explain", rule_id], capture_output=True, text=True, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith(f"# {rule_id} {module.RULE.name}\n")
        assert "## How to fix" in run.stdout
    listing = subprocess.run([str(privlint), "rules"], capture_output=True, text=True, cwd=tmp_path).stdout
    assert [line.split()[0] for line in listing.splitlines()] == list(RULES)
