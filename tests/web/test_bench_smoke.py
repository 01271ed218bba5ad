"""Smoke test of the web benchmark: a short run on the demo county with a few clients."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_web_bench_runs(tmp_path: Path) -> None:
    """The benchmark serves the demo store, loads it and reports no errors."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "web" / "run.py"),
            "--stores",
            "demo",
            "--clients",
            "4",
            "--seconds",
            "2",
            "--no-pin",
            "--out",
            str(tmp_path),
            "--results",
            str(tmp_path / "results.md"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    row = next(line for line in done.stdout.splitlines() if line.startswith("| demo |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert int(cells[4]) > 0 and cells[10] == "0"
