"""Travel time: the calibrated straight-line default and a router's matrix behind one interface."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from caremarket.brokerage.rounds.problem import Place
from caremarket.brokerage.rounds.travel import (
    Matrix,
    StraightLine,
    great_circle_km,
    road_model,
)
from caremarket.ingest.problem import DataProblemError

NORWICH = Place("NR1 3QU", 1.2974, 52.6309)
DEREHAM = Place("NR19 1AA", 0.9380, 52.6814)
NEARBY = Place("NR1 1AA", 1.2974, 52.6399)  # 1 km north of NORWICH


def test_straight_line_uses_the_default_road_model() -> None:
    """Minutes are 3 at the call + 1.2 road km per km at 40.1 km/h, 0 within one place."""
    line = StraightLine.calibrated()
    assert line.intercept_minutes == 3.0
    assert line.minutes_per_km == pytest.approx(60 * 1.2 / 40.1)
    assert line.as_of is not None and "Ballou" in line.reference
    km = great_circle_km([NORWICH, DEREHAM])[0, 1]
    assert 24 < km < 26
    minutes = line.minutes([NORWICH, DEREHAM, NORWICH])
    assert minutes[0, 1] == pytest.approx(3.0 + 60 * 1.2 / 40.1 * km)
    assert minutes[0, 2] == 0.0


def test_a_short_hop_costs_minutes_not_a_quarter_hour() -> None:
    """A 1 km drive in town takes under 6 minutes; the old ambulance fit charged over 12."""
    road = road_model()
    assert road.straight_line("urban").minutes([NORWICH, NEARBY])[0, 1] < 6.0
    old = road_model("ambulance-fit").straight_line("urban")
    assert old.minutes([NORWICH, NEARBY])[0, 1] > 12.0


def test_road_speed_follows_the_area_and_a_mixed_drive_takes_the_mean() -> None:
    """Urban km are slower than rural km; a drive between them costs the mean per km."""
    road = road_model()
    urban, rural = road.minutes_per_km("urban"), road.minutes_per_km("rural")
    assert urban > road.minutes_per_km("town_and_fringe") > rural
    km = np.array([[0.0, 10.0], [10.0, 0.0]])
    minutes = road.minutes(km, ["urban", "rural"])
    assert minutes[0, 1] == pytest.approx(3.0 + 10 * (urban + rural) / 2)
    assert minutes[0, 0] == 0.0
    assert road.minutes_per_km(None) == road.minutes_per_km("town_and_fringe")


def test_unknown_road_model_is_a_clear_error() -> None:
    """Asking for a road model that is not declared names the ones that are."""
    with pytest.raises(ValueError, match="home-care-drives"):
        road_model("teleport")


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
