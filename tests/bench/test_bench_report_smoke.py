"""Smoke test of the report benchmark: one council's MPS, without the national loop."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_report_bench_runs_for_one_council() -> None:
    """The benchmark exits 0 and prints the one-council line with its target."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "report" / "run.py"), "--skip-national"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| one council (demo county) | HTML " in done.stdout
    assert "target <= 20 s" in done.stdout
