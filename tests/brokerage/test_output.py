"""Plans as JSON, CSV, GeoJSON and SVG say the same thing as the checked plan."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

from caremarket.brokerage.rounds import MaxIterations, check, solve
from caremarket.brokerage.rounds.map import geojson, svg
from caremarket.brokerage.rounds.output import plan_from_json, plan_to_json, write_csv
from caremarket.brokerage.rounds.templates import read_problem
from caremarket.brokerage.rounds.travel import StraightLine


def _nowhere(postcodes: Sequence[str]) -> dict[str, tuple[float, float]]:
    return {}


def test_outputs_agree_with_the_plan(rounds_fixtures: Path, tmp_path: Path) -> None:
    """JSON reads back to the same plan; CSV has a row per call; maps show every round."""
    problem = read_problem(
        rounds_fixtures / "ok_small_visits.csv",
        rounds_fixtures / "ok_small_carers.csv",
        StraightLine.calibrated(),
        _nowhere,
        day="2026-12-01",
    )
    plan = solve(problem, MaxIterations(50), seed=0)
    report = check(problem, plan)
    data = json.loads(json.dumps(plan_to_json(problem, plan, report)))
    assert plan_from_json(data) == plan
    assert data["totals"]["feasible"] is True
    assert data["totals"]["hours_placed"] == round(report.hours_placed, 2)
    write_csv(tmp_path / "plan.csv", problem, plan)
    rows = list(csv.DictReader((tmp_path / "plan.csv").open()))
    assert len(rows) == report.num_calls + report.num_unplaced
    features = geojson(problem, plan)["features"]
    used = sum(1 for r in plan.routes if r.calls)
    assert sum(f["properties"]["kind"] == "round" for f in features) == used
    assert sum(f["properties"]["kind"] == "visit" for f in features) == len(problem.visits)
    picture = svg(problem, plan)
    assert picture.startswith("<svg") and picture.count("<polyline") == used
