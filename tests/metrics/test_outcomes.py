"""ASCOF metrics on constructed inputs: values by year, ranks only with the whole region."""

from __future__ import annotations

from datetime import date

import polars as pl

from caremarket.domain.area import england_areas, find_council
from caremarket.metrics import METRICS
from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.outcomes import (
    ASCOF_METRICS,
    coverage_statement,
    region_councils,
)
from caremarket.metrics.registry import Level

NORFOLK = find_council("Norfolk")
assert NORFOLK is not None
EAST = sorted(a.code for a in england_areas() if a.is_council and a.region_code == "E12000006")


def _inputs(rows: list[tuple[str, str, float | None]], measure: str = "2C") -> MetricInputs:
    """Region rows (la_code, year, value) for one measure, total breakdown."""
    frame = pl.DataFrame(
        [
            {
                "la_code": code, "measure_code": measure, "breakdown": "total", "year": year,
                "value": value, "denominator": 1000.0, "respondents": None,
            }
            for code, year, value in rows
        ],
        schema={
            "la_code": pl.String, "measure_code": pl.String, "breakdown": pl.String,
            "year": pl.String, "value": pl.Float64, "denominator": pl.Float64,
            "respondents": pl.Float64,
        },
    )  # fmt: skip
    assert NORFOLK is not None
    return MetricInputs(NORFOLK, date(2026, 1, 1), pl.DataFrame(), ascof=frame)


def test_every_declared_measure_is_two_registered_metrics() -> None:
    """Each ASCOF measure has a value metric and a rank metric in the registry."""
    assert len(ASCOF_METRICS) >= 25
    for value, rank in ASCOF_METRICS.values():
        assert METRICS[value.name] is value
        assert METRICS[rank.name] is rank
    assert "ascof_2c_care_home_admissions_65_plus_per_100k" in METRICS


def test_values_by_year_for_the_council_only() -> None:
    """The value metric gives the council's own value each year, unknown kept null."""
    value, _ = ASCOF_METRICS["2C"]
    rows = [(code, "2024-25", 500.0 + i) for i, code in enumerate(EAST)]
    rows += [(NORFOLK.code, "2023-24", None)]
    frame = value(_inputs(rows), Level.COUNCIL)
    assert frame.select("period", "value").rows() == [
        ("2023-24", None), ("2024-25", 500.0 + EAST.index(NORFOLK.code)),
    ]  # fmt: skip


def test_rank_lower_is_better_with_the_whole_region() -> None:
    """With every council's value, the lowest admissions rate ranks 1 (2C: lower is better)."""
    _, rank = ASCOF_METRICS["2C"]
    rows = [(code, "2024-25", 900.0) for code in EAST if code != NORFOLK.code]
    rows.append((NORFOLK.code, "2024-25", 100.0))
    frame = rank(_inputs(rows), Level.COUNCIL)
    assert frame.select("value", "n").rows() == [(1.0, len(EAST))]


def test_rank_unknown_when_a_council_lacks_a_value() -> None:
    """One council without a value leaves the rank unknown, n saying how many have one."""
    _, rank = ASCOF_METRICS["1A"]
    missing = next(code for code in EAST if code != NORFOLK.code)
    rows = [(code, "2020-21", None if code == missing else 19.0) for code in EAST]
    inputs = _inputs(rows, "1A")
    frame = rank(inputs, Level.COUNCIL)
    assert frame.select("value", "n").rows() == [(None, len(EAST) - 1)]
    assert len(region_councils(inputs)) == len(EAST)
    assert coverage_statement(len(EAST) - 1, len(EAST)).startswith(
        f"{len(EAST) - 1} of {len(EAST)} councils"
    )
