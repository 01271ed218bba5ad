"""Backtesting demand projections: both forecasts scored against the counts later recorded."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from caremarket.forecast.backtest import errors, known_then, summary


def _recorded(rows: list[tuple[str, str, int, float | None, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["la_code", "measure_code", "year", "count", "population"], orient="row"
    )


GROWTH_SCHEMA = ["la_code", "measure_code", "base_year", "target_year", "growth"]


def test_rising_and_falling_counts_are_scored_against_what_was_recorded() -> None:
    """The projection grows the base count with the population; naive holds the rate per head."""
    recorded = _recorded([
        ("A", "2C", 2020, 1000.0, 200_000.0), ("A", "2C", 2024, 1200.0, 210_000.0),
        ("B", "2C", 2020, 500.0, 100_000.0), ("B", "2C", 2024, 400.0, 100_000.0),
    ])  # fmt: skip
    growth = pl.DataFrame(
        [("A", "2C", 2020, 2024, 1.1), ("B", "2C", 2020, 2024, 1.0)], schema=GROWTH_SCHEMA,
        orient="row",
    )  # fmt: skip
    scored = errors(recorded, growth).sort("la_code")
    a, b = scored.row(0, named=True), scored.row(1, named=True)
    assert a["horizon"] == 4
    assert a["projection"] == pytest.approx(1100.0)
    assert a["naive"] == pytest.approx(1050.0)
    assert a["projection_error_pct"] == pytest.approx(-100 / 12)
    assert a["naive_error_pct"] == pytest.approx(-12.5)
    assert b["projection_error_pct"] == pytest.approx(25.0)
    assert b["naive_error_pct"] == pytest.approx(25.0)


def test_without_a_projection_known_then_the_projection_is_null_with_its_reason() -> None:
    """No growth for a pair: the projection is null (never 0) and says why; naive still scores."""
    recorded = _recorded([("A", "2C", 2020, 100.0, 1000.0), ("A", "2C", 2021, 110.0, 1000.0)])
    scored = errors(recorded, pl.DataFrame(schema=GROWTH_SCHEMA))
    row = scored.row(0, named=True)
    assert row["projection"] is None and row["projection_error_pct"] is None
    assert "no population projection" in row["projection_note"]
    assert row["naive_error_pct"] == pytest.approx(-100 / 11)


def test_unknown_counts_and_horizons_beyond_five_years_are_left_out() -> None:
    """A withheld count is not scored, nor is a pair six years apart."""
    recorded = _recorded([
        ("A", "2C", 2015, 100.0, 1000.0), ("A", "2C", 2021, 120.0, 1000.0),
        ("A", "2C", 2022, None, 1000.0),
    ])  # fmt: skip
    assert errors(recorded, pl.DataFrame(schema=GROWTH_SCHEMA)).is_empty()


def test_the_summary_gives_both_forecasts_even_when_one_scored_nothing() -> None:
    """Per measure and horizon: councils scored, median absolute error, bias, share within."""
    recorded = _recorded([
        ("A", "2C", 2020, 100.0, 1000.0), ("A", "2C", 2021, 105.0, 1000.0),
        ("B", "2C", 2020, 100.0, 1000.0), ("B", "2C", 2021, 80.0, 1000.0),
    ])  # fmt: skip
    table = summary(errors(recorded, pl.DataFrame(schema=GROWTH_SCHEMA)))
    naive = table.filter(pl.col("method") == "naive").row(0, named=True)
    projection = table.filter(pl.col("method") == "projection").row(0, named=True)
    assert naive["councils"] == 2
    assert naive["median_abs_error_pct"] == pytest.approx((100 / 21 + 25) / 2)
    assert naive["share_within"] == pytest.approx(0.5)
    assert projection["councils"] == 0 and projection["median_abs_error_pct"] is None


def test_a_projection_counts_as_known_only_once_published() -> None:
    """A 2018-based projection (published March 2020) is known for 2019-20 on, not 2018-19."""
    based_2018 = date(2018, 6, 30)
    assert not known_then(based_2018, 2018)
    assert known_then(based_2018, 2019)
    assert known_then(based_2018, 2020)
    assert not known_then(date(2020, 6, 30), 2020)
