"""The interim care list read as open requests' needs: hostile rows refused with where and why."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caremarket.brokerage.workflow.need import Urgency
from caremarket.brokerage.workflow.waiting_list import read_waiting
from caremarket.ingest.problem import DataProblemError, ProblemCode

HEADER = "person_id,locality,postcode_district,hours_per_week,date_added,date_sourced,reason"


def _write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "interim_care_list.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_waiting_rows_become_needs(tmp_path: Path) -> None:
    """People still waiting become needs; people already sourced are left out."""
    path = _write(
        tmp_path,
        "P1,North,NR11,10.50,2026-05-01,,rural",
        "P2,West,pe30,7.00,2026-05-02,2026-05-10,",
    )
    (need,) = read_waiting(path)
    assert (need.postcode_district, need.hours_per_week, need.person_ref) == ("NR11", 10.5, "P1")
    assert need.zone == "North" and need.urgency is Urgency.ROUTINE


def test_optional_columns_are_read(tmp_path: Path) -> None:
    """start_by and urgency columns, when given, are read."""
    path = _write(
        tmp_path,
        "P1,North,NR11,10.5,2026-05-01,,,2026-05-04,hospital_discharge",
        header=HEADER + ",start_by,urgency",
    )
    (need,) = read_waiting(path)
    assert need.start_by == date(2026, 5, 4) and need.urgency is Urgency.HOSPITAL_DISCHARGE


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        ("P1,North,,10.5,2026-05-01,,,", "postcode_district", ProblemCode.MISSING_VALUE),
        ("P1,North,NR11,0,2026-05-01,,,", "hours_per_week", ProblemCode.OUT_OF_RANGE),
        ("P1,North,NR11,-2,2026-05-01,,,", "hours_per_week", ProblemCode.OUT_OF_RANGE),
        ("P1,North,NR11,ten,2026-05-01,,,", "hours_per_week", ProblemCode.NOT_A_NUMBER),
        ("P1,North,NR11,5,2026-05-01,,,2026-04-30", "start_by", ProblemCode.DATES_OUT_OF_ORDER),
    ],
)
def test_hostile_row_refuses_the_file(tmp_path: Path, row: str, column: str, code: str) -> None:
    """A row without a district, hours <= 0 or start-by before added: file, row 3, column."""
    path = _write(tmp_path, "P0,North,NR11,5,2026-05-01,,,", row, header=HEADER + ",start_by")
    with pytest.raises(DataProblemError) as refused:
        read_waiting(path)
    (problem,) = refused.value.problems
    assert (problem.code, problem.row, problem.column) == (code, 3, column)
    assert problem.message.startswith(f"interim_care_list.csv, row 3, column `{column}`")
    assert "expected" in problem.message


def test_missing_column_is_named(tmp_path: Path) -> None:
    """A file without hours_per_week is refused naming the column."""
    path = _write(tmp_path, "P1,North,NR1,2026-05-01", header="person_id,locality,"
                  "postcode_district,date_added")  # fmt: skip
    with pytest.raises(DataProblemError, match="hours_per_week"):
        read_waiting(path)
