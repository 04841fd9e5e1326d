"""scripts/realworld.py: the table and the precision/recall it prints over a mirror folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_realworld_script_scores_labels(tmp_path):
    labels = tmp_path / "labels.tsv"
    labels.write_text("demo/Dockerfile\tPL001,PL002,PL004,PL005\n"
                      "ok-official-redis-style-conditional-drop/Dockerfile\t-\n"
                      "pl003-user-root-late-in-file/Dockerfile\tPL001\n")
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "realworld.py"), str(ROOT / "fixtures"),
                          "--labels", str(labels)], capture_output=True, text=True, cwd=ROOT, check=True)
    rows = {line.split()[0]: line.split()[1] for line in run.stdout.splitlines()[1:4]}
    assert rows["demo/Dockerfile"] == "PL001,PL002,PL004,PL005"
    assert rows["ok-official-redis-style-conditional-drop/Dockerfile"] == "-"
    assert rows["pl003-user-root-late-in-file/Dockerfile"] == "PL003"
    scores = {line.split()[0]: line.split()[1:] for line in run.stdout.splitlines() if line.startswith("PL00")}
    assert scores["PL001"] == ["1.00", "0.50", "1", "0", "1"]
    assert scores["PL003"] == ["0.00", "1.00", "0", "1", "0"]
