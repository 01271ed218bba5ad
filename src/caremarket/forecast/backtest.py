"""Backtesting demand projections against what the returns later recorded.

For each council, measure and pair of years (base, target) loaded, with the
target 1 to 5 years on, two forecasts of the target year's count (people
admitted to care homes, say) are scored against the count recorded:

- **the projection**: the base year's count grown with the council's
  population of the age band, from a population projection ONS had released
  by the end of the base year (what the demand chapter does); null, with the
  reason, when no such projection is loaded;
- **naive**: the base year's rate per head held flat, applied to the
  population the return later recorded.

Both keep the rate per head of the base year, so their difference is the
population alone, and the error of both is mostly the rate's own change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import polars as pl
import yaml

ERROR_SCHEMA = pl.Schema(
    {
        "la_code": pl.String(),
        "measure_code": pl.String(),
        "base_year": pl.Int64(),
        "target_year": pl.Int64(),
        "horizon": pl.Int64(),
        "recorded": pl.Float64(),
        "projection": pl.Float64(),
        "naive": pl.Float64(),
        "projection_error_pct": pl.Float64(),
        "naive_error_pct": pl.Float64(),
        "projection_note": pl.String(),
    }
)


GROWTH_SCHEMA = pl.Schema(
    {
        "la_code": pl.String(),
        "measure_code": pl.String(),
        "base_year": pl.Int64(),
        "target_year": pl.Int64(),
        "growth": pl.Float64(),
    }
)


@dataclass(frozen=True)
class BacktestMeasure:
    """A recorded figure demand projections are scored against, and its age band."""

    code: str
    label: str
    age_from: int
    age_to: int | None


@dataclass(frozen=True)
class BacktestSettings:
    """The declared settings in `data/backtest.yaml`."""

    measures: tuple[BacktestMeasure, ...]
    horizons: tuple[int, ...]
    within_share: float
    publication_lag_months: int
    reference: str


@cache
def settings() -> BacktestSettings:
    """The backtest's declared measures, horizons and threshold."""
    text = resources.files("caremarket.forecast.data").joinpath("backtest.yaml").read_text()
    loaded: dict[str, Any] = yaml.safe_load(text)
    return BacktestSettings(
        measures=tuple(
            BacktestMeasure(str(code), m["label"], int(m["age_from"]), m["age_to"])
            for code, m in loaded["measures"].items()
        ),
        horizons=tuple(int(h) for h in loaded["horizons_years"]),
        within_share=float(loaded["within_share"]),
        publication_lag_months=int(loaded["publication_lag_months"]),
        reference=str(loaded["reference"][0]["title"]),
    )


def known_then(projection_date: date, base_year: int) -> bool:
    """Whether a projection dated `projection_date` (its base year's 30 June) was published
    by the end of the financial year starting 1 April `base_year` (the declared lag)."""
    months = (
        projection_date.year * 12 + projection_date.month - 1 + settings().publication_lag_months
    )
    published = date(months // 12, months % 12 + 1, 1)
    return published <= date(base_year + 1, 3, 31)


def errors(recorded: pl.DataFrame, growth: pl.DataFrame) -> pl.DataFrame:
    """Per council, measure, base and target year: both forecasts and their % errors.

    `recorded`: la_code, measure_code, year (start of the financial year),
    count, population. `growth`: la_code, measure_code, base_year,
    target_year, growth (projected population of the band, target over base,
    from a projection known by the base year); missing pairs leave the
    projection null.
    """
    horizons = list(settings().horizons)
    usable = recorded.filter(
        pl.col("count").is_not_null()
        & pl.col("population").is_not_null()
        & (pl.col("population") > 0)
    )
    base = usable.select(
        "la_code",
        "measure_code",
        base_year="year",
        base_count="count",
        base_population="population",
    )
    target = usable.select(
        "la_code",
        "measure_code",
        target_year="year",
        recorded="count",
        target_population="population",
    )
    pairs = (
        base.join(target, on=["la_code", "measure_code"])
        .with_columns(horizon=pl.col("target_year") - pl.col("base_year"))
        .filter(pl.col("horizon").is_in(horizons))
    )
    if pairs.is_empty():
        return pl.DataFrame(schema=ERROR_SCHEMA)
    scored = pairs.join(
        growth.select(list(GROWTH_SCHEMA)).cast(GROWTH_SCHEMA),
        on=["la_code", "measure_code", "base_year", "target_year"],
        how="left",
    ).with_columns(
        projection=pl.col("base_count") * pl.col("growth"),
        naive=pl.col("base_count") / pl.col("base_population") * pl.col("target_population"),
    )
    return (
        scored.with_columns(
            projection_error_pct=pl.when(pl.col("recorded") > 0).then(_pct("projection")),
            naive_error_pct=pl.when(pl.col("recorded") > 0).then(_pct("naive")),
            projection_note=pl.when(pl.col("growth").is_null()).then(
                pl.lit("no population projection released by the end of the base year is loaded")
            ),
        )
        .select(list(ERROR_SCHEMA))
        .cast(ERROR_SCHEMA)
    )


def _pct(forecast: str) -> pl.Expr:
    return (pl.col(forecast) - pl.col("recorded")) / pl.col("recorded") * 100


def summary(scored: pl.DataFrame) -> pl.DataFrame:
    """Per measure and horizon, for each forecast: councils scored, median and mean absolute
    % error, mean % error (bias), and the share of councils within the declared share of the
    recorded figure. A forecast scored for no council has a row with nulls."""
    within = settings().within_share * 100
    keys = scored.select("measure_code", "horizon").unique()
    rows = []
    for method in ("projection", "naive"):
        column = pl.col(f"{method}_error_pct")
        found = (
            scored.filter(column.is_not_null())
            .group_by("measure_code", "horizon")
            .agg(
                councils=pl.len(),
                median_abs_error_pct=column.abs().median(),
                mean_abs_error_pct=column.abs().mean(),
                mean_error_pct=column.mean(),
                share_within=(column.abs() <= within).mean(),
            )
        )
        rows.append(
            keys.join(found, on=["measure_code", "horizon"], how="left").with_columns(
                pl.col("councils").fill_null(0).cast(pl.Int64), method=pl.lit(method)
            )
        )
    return pl.concat(rows).sort(
        "measure_code", "horizon", "method", descending=[False, False, True]
    )
