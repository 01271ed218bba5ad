"""Smoke tests of the benchmark scripts on small inputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run a benchmark script from the repository root."""
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )


def test_bench_runs_on_a_small_csv(tmp_path: Path) -> None:
    """The benchmark exits 0 and prints a caremarket result line for csv."""
    done = _run(
        "ingest/run.py",
        "--rows", "300", "--formats", "csv", "--skip-baseline",
        "--results", str(tmp_path / "ingest_results.md"),
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "| csv | caremarket | " in done.stdout
    assert "failed" not in done.stdout
    assert (tmp_path / "ingest_results.md").exists()


def test_report_bench_runs_for_one_council() -> None:
    """The report benchmark exits 0 and prints the one-council line with its target."""
    done = _run("report/run.py", "--skip-national", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "| one council (demo county) | HTML " in done.stdout
    assert "target <= 20 s" in done.stdout


def test_history_bench_runs_on_a_few_small_months() -> None:
    """The history benchmark ingests a few small months and prints every answer's time."""
    done = _run("history/run.py", "--months", "3", "--rows", "300", timeout=300)
    assert done.returncode in (0, 1), done.stderr  # 1: a target missed on a busy machine
    assert "| ingest one month, median |" in done.stdout
    assert done.stdout.count("market at every release:") == 5
