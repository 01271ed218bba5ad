"""The CSV templates: good files read into a problem; each defect is reported where it is."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from caremarket.brokerage.rounds.templates import read_problem, write_templates
from caremarket.brokerage.rounds.travel import StraightLine
from caremarket.ingest.problem import DataProblemError, ProblemCode


def _nowhere(postcodes: Sequence[str]) -> dict[str, tuple[float, float]]:
    return {}


def test_good_files_read_for_one_day(rounds_fixtures: Path) -> None:
    """Rows of the day and undated rows are read; double-handed visits keep skills and gap."""
    problem = read_problem(
        rounds_fixtures / "ok_small_visits.csv",
        rounds_fixtures / "ok_small_carers.csv",
        StraightLine.calibrated(),
        _nowhere,
        day="2026-12-01",
    )
    assert [v.id for v in problem.visits] == ["V01", "V02", "V03", "V04", "V05", "V06"]
    v6 = problem.visits[5]
    assert v6.is_double_handed
    assert v6.needs[1].skills == frozenset({"medication"}) and v6.needs[1].duration == 15
    assert v6.gap is not None and (v6.gap.min_minutes, v6.gap.max_minutes) == (10, 30)
    assert problem.visits[0].preferred_carers == frozenset({"C01"})
    c1 = problem.carers[0]
    assert c1.max_minutes == 360 and c1.rest is not None and c1.rest.minutes == 20
    assert problem.travel.shape == (len(problem.places),) * 2


def test_every_defect_is_reported_with_row_and_column(rounds_fixtures: Path) -> None:
    """Unknown skill, reversed window, negative duration, bad time, duplicate id, bad count."""
    with pytest.raises(DataProblemError) as caught:
        read_problem(
            rounds_fixtures / "bad_visits.csv",
            rounds_fixtures / "ok_small_carers.csv",
            StraightLine.calibrated(),
            _nowhere,
        )
    found = {(p.code, p.row, p.column) for p in caught.value.problems}
    assert found == {
        (ProblemCode.UNKNOWN_VALUE, 2, "skills"),
        (ProblemCode.REVERSED_WINDOW, 3, "earliest_start/latest_start"),
        (ProblemCode.NEGATIVE_NUMBER, 4, "duration_minutes"),
        (ProblemCode.BAD_TIME, 5, "earliest_start"),
        (ProblemCode.DUPLICATE_ID, 6, "visit_id"),
        (ProblemCode.UNKNOWN_VALUE, 6, "carers_needed"),
        (ProblemCode.UNKNOWN_POSTCODE, None, None),
    }
    message = next(p.message for p in caught.value.problems if p.code is ProblemCode.BAD_TIME)
    assert message == (
        "bad_visits.csv, row 5, column `earliest_start`: bad time of day: "
        "expected a time of day as HH:MM, e.g. 07:30, got `7.30am`"
    )


def test_missing_required_column_is_named(tmp_path: Path, rounds_fixtures: Path) -> None:
    """A visits file without `duration_minutes` is refused, naming the column."""
    lines = (rounds_fixtures / "ok_small_visits.csv").read_text().splitlines()
    header = lines[0].split(",")
    drop = header.index("duration_minutes")
    rows = [",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in lines]
    (tmp_path / "visits.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(DataProblemError) as caught:
        read_problem(
            tmp_path / "visits.csv",
            rounds_fixtures / "ok_small_carers.csv",
            StraightLine.calibrated(),
            _nowhere,
        )
    assert [(p.code, p.column) for p in caught.value.problems] == [
        (ProblemCode.MISSING_COLUMN, "duration_minutes")
    ]


def test_written_templates_read_back(tmp_path: Path) -> None:
    """The templates' example rows make a valid one-visit, one-carer problem."""
    write_templates(tmp_path)
    problem = read_problem(
        tmp_path / "visits.csv",
        tmp_path / "carers.csv",
        StraightLine.calibrated(),
        lambda codes: dict.fromkeys(codes, (52.63, 1.29)),
    )
    assert len(problem.visits) == 1 and len(problem.carers) == 1
    assert "| visit_id | yes |" in (tmp_path / "README.md").read_text()
