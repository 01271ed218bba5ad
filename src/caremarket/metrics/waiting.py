"""The interim care list: people waiting for home care, for how long, and where."""

from __future__ import annotations

import polars as pl

from caremarket.domain.sector import HOME_CARE
from caremarket.metrics.cube import rollup
from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.registry import Input, Level, Theme, Unit, metric

_INPUTS = (Input.INTERIM_CARE,)
_SECTOR = "home_care"


def waiting_on(inputs: MetricInputs) -> pl.DataFrame:
    """Entries on the list on the as-of date, with `days_waiting` and sector home care."""
    entries = inputs.frame(Input.INTERIM_CARE)
    on_list = (pl.col("date_added") <= inputs.as_of) & (
        pl.col("date_sourced").is_null() | (pl.col("date_sourced") > inputs.as_of)
    )
    return entries.filter(on_list).with_columns(
        days_waiting=(pl.lit(inputs.as_of) - pl.col("date_added")).dt.total_days(),
        sector=pl.lit(_SECTOR),
    )


def _waiting(inputs: MetricInputs, level: Level, value: pl.Expr) -> pl.DataFrame:
    return rollup(
        waiting_on(inputs),
        level,
        inputs,
        {"value": value, "n": pl.col("person_id").n_unique()},
        period=inputs.as_of.isoformat(),
        client_group=None,
    )


@metric(
    label="People waiting for home care",
    unit=Unit.PEOPLE,
    theme=Theme.WAITING,
    inputs=_INPUTS,
    sectors=HOME_CARE,
)
def people_waiting(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """People on the interim care list on the as-of date (added, not yet sourced)."""
    return _waiting(inputs, level, pl.col("person_id").n_unique().cast(pl.Float64))


@metric(
    label="Hours of home care waiting",
    unit=Unit.HOURS_PER_WEEK,
    theme=Theme.WAITING,
    inputs=_INPUTS,
    sectors=HOME_CARE,
)
def hours_waiting(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Weekly hours of home care needed by the people on the list on the as-of date."""
    return _waiting(inputs, level, pl.col("hours_per_week").sum().round(1))


@metric(
    label="Median days waiting",
    unit=Unit.DAYS,
    theme=Theme.WAITING,
    inputs=_INPUTS,
    sectors=HOME_CARE,
)
def median_days_waiting(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Median days the people on the list have waited so far."""
    return _waiting(inputs, level, pl.col("days_waiting").median())


@metric(
    label="90th percentile of days waiting",
    unit=Unit.DAYS,
    theme=Theme.WAITING,
    inputs=_INPUTS,
    sectors=HOME_CARE,
)
def p90_days_waiting(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Days waited so far by the person at the 90th percentile (linear interpolation)."""
    return _waiting(inputs, level, pl.col("days_waiting").quantile(0.9, "linear"))


@metric(
    label="Share of the hours waiting",
    unit=Unit.PERCENT,
    theme=Theme.WAITING,
    inputs=_INPUTS,
    sectors=HOME_CARE,
)
def share_of_hours_waiting(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Each area's share of all the weekly hours waiting in the council."""
    waiting = waiting_on(inputs)
    total = waiting["hours_per_week"].sum()
    if not total:
        return _waiting(inputs, level, pl.lit(None, pl.Float64))
    return _waiting(inputs, level, (100 * pl.col("hours_per_week").sum() / total).round(1))
