"""`caremarket rounds`: plan, check, templates and bench run from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.cli.rounds import seconds

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "rounds"
MANKOWSKA = ROOT.parent / "shared" / "bench" / "hhcrsp_mankowska2014"
runner = CliRunner()
OK_VISITS, OK_CARERS = "ok_small_visits.csv", "ok_small_carers.csv"
DAY = ("--date", "2026-12-01")


def _plan(visits: str, carers: str, out: Path, *options: str) -> Result:
    """Run `caremarket rounds plan` on two fixture files."""
    args = ["rounds", "plan", str(FIXTURES / visits), str(FIXTURES / carers), "--out", str(out)]
    return runner.invoke(app, [*args, *options])


def test_plan_then_check(tmp_path: Path) -> None:
    """`rounds plan` writes JSON, CSV, GeoJSON and SVG; `rounds check` accepts the plan."""
    visits, carers = str(FIXTURES / OK_VISITS), str(FIXTURES / OK_CARERS)
    out = tmp_path / "plan.json"
    result = _plan(OK_VISITS, OK_CARERS, out, *DAY, "--time-limit", "1s", "--seed", "0")
    assert result.exit_code == 0, result.output
    assert "0 visit(s) unplaced" in result.output
    for suffix in (".json", ".csv", ".geojson", ".svg"):
        assert out.with_suffix(suffix).exists()
    assert json.loads(out.read_text())["totals"]["feasible"] is True
    checked = runner.invoke(app, ["rounds", "check", visits, carers, str(out), *DAY])
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith("feasible")


def test_check_refuses_a_tampered_plan(tmp_path: Path) -> None:
    """Moving a call earlier than its window opens makes `rounds check` fail with the reason."""
    visits, carers = str(FIXTURES / OK_VISITS), str(FIXTURES / OK_CARERS)
    out = tmp_path / "plan.json"
    _plan(OK_VISITS, OK_CARERS, out, *DAY, "--time-limit", "1")
    data = json.loads(out.read_text())
    call = next(c for r in data["routes"] for c in r["calls"])
    call["start_minutes"] = 0.0
    out.write_text(json.dumps(data))
    checked = runner.invoke(app, ["rounds", "check", visits, carers, str(out), *DAY])
    assert checked.exit_code == 1
    assert "before its window opens" in checked.output


def test_bad_files_are_refused_with_every_problem(tmp_path: Path) -> None:
    """Bad visits exit with code 2 and list each problem by file, row and column."""
    result = _plan("bad_visits.csv", OK_CARERS, tmp_path / "p.json")
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "bad_visits.csv, row 2, column `skills`: unknown value" in text
    assert "reversed-window" in text and "negative-number" in text
    assert not (tmp_path / "p.json").exists()


def test_unplaceable_visits_are_explained(tmp_path: Path) -> None:
    """Visits nobody can make are planned around and listed with the reason."""
    result = _plan(
        "nobody_qualified_visits.csv", "one_carer.csv", tmp_path / "p.json", "--time-limit", "0.5s"
    )
    assert result.exit_code == 0, result.output
    assert "unplaced V02: no carer has the skill(s) peg_feeding" in result.output
    assert "unplaced V03: double-handed, but only one carer is qualified" in result.output


def test_postcodes_are_placed_from_the_bundled_directory(tmp_path: Path) -> None:
    """A visit given by postcode is located through the ONS Postcode Directory."""
    result = _plan(
        "postcode_visits.csv", "one_carer.csv", tmp_path / "p.json", "--time-limit", "0.2"
    )
    assert result.exit_code == 0, result.output
    call = json.loads((tmp_path / "p.json").read_text())["routes"][0]["calls"][0]
    assert call["place"] == "NR2 1AB"


def test_templates_are_written(tmp_path: Path) -> None:
    """`rounds templates` writes both CSV templates and their column docs."""
    result = runner.invoke(app, ["rounds", "templates", str(tmp_path)])
    assert result.exit_code == 0
    assert {p.name for p in tmp_path.iterdir()} == {"visits.csv", "carers.csv", "README.md"}


def test_time_limits_parse() -> None:
    """Time limits read as seconds: 60, 60s, 2m, 1m30s."""
    assert [seconds(t) for t in ("60", "60s", "2m", "1m30s", "0.5s")] == [60, 60, 120, 90, 0.5]


def test_bench_writes_one_checked_plan_per_instance_and_seed(tmp_path: Path) -> None:
    """`rounds bench mankowska --set A --seeds 0,1` writes 20 plans and a median per set."""
    if not MANKOWSKA.is_dir():
        pytest.skip(f"needs the benchmark instances in {MANKOWSKA} (absent here)")
    result = runner.invoke(
        app,
        [
            "rounds",
            "bench",
            "mankowska",
            "--set",
            "A",
            "--time-limit",
            "0.2s",
            "--seeds",
            "0,1",
            "--out",
            str(tmp_path),
            "--instances",
            str(MANKOWSKA / "instances"),
        ],
    )
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 20
    assert (tmp_path / "InstanzCPLEX_HCSRP_10_1_seed1.json").exists()
    data = json.loads(files[0].read_text())
    assert set(data) == {"instance", "objective", "routes"}
    assert "set A: mean gap to best_2026" in result.output
    assert "median of 2 seed(s)" in result.output
    assert "bks_2021" in result.output
    assert "INFEASIBLE" not in result.output


def test_bench_without_instances_says_where_to_get_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no --instances and no environment variable, one line names the public repository."""
    monkeypatch.delenv("CAREMARKET_MANKOWSKA", raising=False)
    result = runner.invoke(app, ["rounds", "bench", "mankowska", "--set", "A"])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "CAREMARKET_MANKOWSKA" in lines[0]
    assert "afkummer/sbpo2019-fix-and-optimize" in lines[0]


def test_interim_care_list_is_planned_into_rounds(tmp_path: Path) -> None:
    """The demo county's interim care list becomes a day's visits and carers, then rounds."""
    made = runner.invoke(
        app,
        [
            "rounds",
            "interim-list",
            str(FIXTURES / "interim_care_list_small.csv"),
            "--date",
            "2026-12-01",
            "--out",
            str(tmp_path),
        ],
    )
    assert made.exit_code == 0, made.output
    visits = (tmp_path / "visits.csv").read_text().splitlines()
    assert not any("P000105" in line for line in visits)  # already sourced
    assert len(visits) - 1 == 2 + 1 + 2 + 4  # 120 and 75 min a day: two calls; 150: four
    planned = runner.invoke(
        app,
        [
            "rounds",
            "plan",
            str(tmp_path / "visits.csv"),
            str(tmp_path / "carers.csv"),
            "--date",
            "2026-12-01",
            "--time-limit",
            "1s",
            "--out",
            str(tmp_path / "plan.json"),
        ],
    )
    assert planned.exit_code == 0, planned.output
    totals = json.loads((tmp_path / "plan.json").read_text())["totals"]
    assert totals["feasible"] is True
    assert totals["num_unplaced"] == 0 and totals["num_calls"] >= 9
