"""ASCOF metrics on constructed inputs: values by year, ranks only with the whole region."""

from __future__ import annotations

from datetime import date

import polars as pl

from caremarket.domain.area import Tier, england_areas, find_council
from caremarket.domain.comparator import region_peers
from caremarket.metrics import METRICS
from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.outcomes import ASCOF_METRICS, coverage_statement, outcome_rows
from caremarket.metrics.registry import Level

NORFOLK = find_council("Norfolk")
assert NORFOLK is not None
EAST = sorted(a.code for a in england_areas() if a.is_council and a.region_code == "E12000006")
COUNTIES = sorted(a.code for a in england_areas() if a.tier is Tier.COUNTY)


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


def test_every_declared_measure_is_three_registered_metrics() -> None:
    """Each ASCOF measure has a value metric and two rank metrics in the registry."""
    assert len(ASCOF_METRICS) >= 25
    for metrics in ASCOF_METRICS.values():
        for registered in metrics:
            assert METRICS[registered.name] is registered
    assert "ascof_2c_care_home_admissions_65_plus_per_100k" in METRICS


def test_values_by_year_for_the_council_only() -> None:
    """The value metric gives the council's own value each year, unknown kept null."""
    value = ASCOF_METRICS["2C"].value
    rows = [(code, "2024-25", 500.0 + i) for i, code in enumerate(EAST)]
    rows += [(NORFOLK.code, "2023-24", None)]
    frame = value(_inputs(rows), Level.COUNCIL)
    assert frame.select("period", "value").rows() == [
        ("2023-24", None), ("2024-25", 500.0 + EAST.index(NORFOLK.code)),
    ]  # fmt: skip


def test_rank_lower_is_better_with_the_whole_region() -> None:
    """With every council's value, the lowest admissions rate ranks 1 (2C: lower is better)."""
    rank = ASCOF_METRICS["2C"].region_rank
    rows = [(code, "2024-25", 900.0) for code in EAST if code != NORFOLK.code]
    rows.append((NORFOLK.code, "2024-25", 100.0))
    frame = rank(_inputs(rows), Level.COUNCIL)
    assert frame.select("value", "n").rows() == [(1.0, len(EAST))]


def test_rank_unknown_when_a_council_lacks_a_value() -> None:
    """One council without a value leaves the rank unknown, n saying how many have one."""
    rank = ASCOF_METRICS["1A"].region_rank
    missing = next(code for code in EAST if code != NORFOLK.code)
    rows = [(code, "2020-21", None if code == missing else 19.0) for code in EAST]
    inputs = _inputs(rows, "1A")
    frame = rank(inputs, Level.COUNCIL)
    assert frame.select("value", "n").rows() == [(None, len(EAST) - 1)]
    peers = region_peers(inputs.council)
    assert list(peers.codes) == EAST
    assert coverage_statement(len(EAST) - 1, peers).startswith(
        f"{len(EAST) - 1} of {len(EAST)} councils in East of England"
    )


def test_comparator_rank_is_among_county_councils_across_regions() -> None:
    """Norfolk is ranked among the 21 county councils of England, not its region's councils."""
    rank = ASCOF_METRICS["2C"].comparator_rank
    rows = [(code, "2024-25", 300.0 + i) for i, code in enumerate(COUNTIES)]
    rows.append(("E06000055", "2024-25", 1.0))  # Bedford: a unitary council, not a county
    frame = rank(_inputs(rows), Level.COUNCIL)
    assert len(COUNTIES) == 21
    assert frame.select("value", "n").rows() == [(COUNTIES.index(NORFOLK.code) + 1.0, 21)]


def test_outcome_row_gives_trend_direction_and_both_ranks() -> None:
    """A lower 2C than the year before is `better`; a county without a value: rank unknown."""
    missing = next(code for code in COUNTIES if code != NORFOLK.code and code not in EAST)
    rows = [(code, "2024-25", 500.0) for code in set(EAST) | set(COUNTIES) if code != missing]
    rows += [(NORFOLK.code, "2023-24", 650.0)]
    rows = [r for r in rows if not (r[0] == NORFOLK.code and r[1] == "2024-25")]
    rows.append((NORFOLK.code, "2024-25", 400.0))
    [row] = outcome_rows(_inputs(rows))
    assert row.trend == (("2023-24", 650.0), ("2024-25", 400.0))
    assert row.direction(row.value_before) == "better"
    assert row.earlier() == "650.0 per 100,000 (2023-24)"
    assert row.in_region.rank == 1 and row.in_region.shown() == f"1 of {len(EAST)}"
    assert row.among_comparators.rank is None
    assert row.among_comparators.shown() == (
        "not known: 20 of 21 councils among county councils have a value; a rank needs them all"
    )


def test_earlier_gives_the_year_before_and_the_first_year_with_a_value() -> None:
    """A long series is told as the year before and the oldest known value, never the gaps."""
    series = [("2015-16", None), ("2016-17", 19.4), ("2017-18", None), ("2023-24", 19.3)]
    rows = [(NORFOLK.code, y, v) for y, v in [*series, ("2024-25", 18.9)]]
    [row] = outcome_rows(_inputs(rows, "1A"))
    assert row.earlier() == "19.3 (2023-24); first loaded 19.4 (2016-17)"
    assert row.direction(row.value_before) == "worse"
    assert len(row.trend) == 5
