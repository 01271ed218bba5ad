"""Smoke test of the ingest benchmark script on a tiny CSV."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_on_a_small_csv(tmp_path: Path) -> None:
    """The benchmark exits 0 and prints a caremarket result line for csv."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "ingest" / "run.py"),
            "--rows",
            "300",
            "--formats",
            "csv",
            "--skip-baseline",
            "--results",
            str(tmp_path / "ingest_results.md"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| csv | caremarket | " in done.stdout
    assert "failed" not in done.stdout
    assert (tmp_path / "ingest_results.md").exists()
