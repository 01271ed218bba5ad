"""`caremarket rounds replan`: re-plan a written plan without a carer, from a time of day."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from caremarket.cli.main import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rounds"
runner = CliRunner()
DAY = ("--date", "2026-12-01")


def _planned(folder: Path) -> Path:
    """The small fixture day copied into `folder` and planned there as plan.json."""
    shutil.copy(FIXTURES / "ok_small_visits.csv", folder / "visits.csv")
    shutil.copy(FIXTURES / "ok_small_carers.csv", folder / "carers.csv")
    out = folder / "plan.json"
    args = ["rounds", "plan", str(folder / "visits.csv"), str(folder / "carers.csv")]
    result = runner.invoke(app, [*args, "--out", str(out), *DAY, "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    return out


def test_replan_moves_the_absent_carers_later_calls(tmp_path: Path) -> None:
    """The re-planned day has no call of the absent carer after the time, and checks feasible."""
    plan = _planned(tmp_path)
    before = json.loads(plan.read_text())
    busy = max(before["routes"], key=lambda r: len(r["calls"]))
    absent = busy["carer"]
    cutoff = busy["calls"][1]["start_minutes"] + 1
    at = f"{int(cutoff) // 60:02d}:{int(cutoff) % 60:02d}"
    result = runner.invoke(
        app, ["rounds", "replan", str(plan), "--absent", absent, "--from", at, *DAY]
    )
    assert result.exit_code == 0, result.output
    assert "checked: feasible" in result.output
    after = json.loads((tmp_path / "plan-replan.json").read_text())
    mine = next(r for r in after["routes"] if r["carer"] == absent)
    assert [c["visit"] for c in mine["calls"]] == [c["visit"] for c in busy["calls"][:2]]
    assert after["totals"]["feasible"] is True
    checked = runner.invoke(
        app,
        ["rounds", "check", str(tmp_path / "visits.csv"), str(tmp_path / "carers.csv"),
         str(tmp_path / "plan-replan.json"), *DAY],
    )  # fmt: skip
    assert checked.exit_code == 0, checked.output


def test_replan_refuses_a_bad_time_or_carer(tmp_path: Path) -> None:
    """A time not in HH:MM, or a carer with no round, is a usage error naming the option."""
    plan = _planned(tmp_path)
    bad_time = runner.invoke(
        app, ["rounds", "replan", str(plan), "--absent", "C01", "--from", "9h"]
    )
    assert bad_time.exit_code == 2
    assert "HH:MM" in bad_time.output
    nobody = runner.invoke(
        app, ["rounds", "replan", str(plan), "--absent", "C99", "--from", "10:00", *DAY]
    )
    assert nobody.exit_code == 2
    assert "C99 has no round" in nobody.output
