"""Workforce: jobs, leavers, vacancies, zero-hours contracts and people near retirement."""

from __future__ import annotations

import polars as pl

from caremarket.metrics.cube import empty_result
from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.registry import Input, Level, Theme, Unit, metric

_INPUTS = (Input.WORKFORCE,)
_COUNCIL = (Level.COUNCIL,)


def latest_workforce(inputs: MetricInputs) -> pl.DataFrame:
    """The latest estimate on or before the as-of date, one row per sector."""
    workforce = inputs.frame(Input.WORKFORCE).filter(pl.col("as_of_date") <= inputs.as_of)
    if workforce.is_empty():
        return workforce
    latest = workforce["as_of_date"].max()
    return workforce.filter(pl.col("as_of_date") == latest)


def _by_sector(inputs: MetricInputs, value: pl.Expr) -> pl.DataFrame:
    """`value` per sector and over all sectors (an aggregation over rows)."""
    rows = latest_workforce(inputs)
    if rows.is_empty():
        return empty_result()
    period = str(rows["as_of_date"].max())
    # A publisher's own all-sector row wins over summing its sectors (which may not cover all).
    given = rows.filter(pl.col("sector") == "all")
    sectors = rows.filter(pl.col("sector") != "all")
    per_sector = sectors.group_by("sector").agg(value=value, n=pl.col("jobs").sum())
    overall = (given if not given.is_empty() else sectors).select(
        sector=pl.lit("all"), value=value, n=pl.col("jobs").sum()
    )
    return pl.concat([per_sector, overall], how="vertical_relaxed").with_columns(
        area_code=pl.lit(inputs.council.code),
        area_name=pl.lit(inputs.council.name),
        client_group=pl.lit("all"),
        period=pl.lit(period),
    )


_JOBS = pl.col("jobs")


@metric(label="Jobs", unit=Unit.JOBS, theme=Theme.WORKFORCE, inputs=_INPUTS, levels=_COUNCIL)
def jobs(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Filled posts in adult social care."""
    return _by_sector(inputs, _JOBS.sum().cast(pl.Float64))


@metric(
    label="Leavers a year", unit=Unit.JOBS, theme=Theme.WORKFORCE, inputs=_INPUTS, levels=_COUNCIL
)
def leavers_per_year(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Jobs times the turnover rate: people leaving their post in a year."""
    return _by_sector(inputs, (_JOBS * pl.col("turnover_rate")).sum().round(0))


@metric(label="Vacancies", unit=Unit.JOBS, theme=Theme.WORKFORCE, inputs=_INPUTS, levels=_COUNCIL)
def vacancies(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Vacant posts: jobs x vacancy rate / (1 - vacancy rate), as the rate is over all posts."""
    rate = pl.col("vacancy_rate")
    return _by_sector(inputs, (_JOBS * rate / (1 - rate)).sum().round(0))


@metric(
    label="Jobs on zero-hours contracts",
    unit=Unit.PERCENT,
    theme=Theme.WORKFORCE,
    inputs=_INPUTS,
    levels=_COUNCIL,
)
def zero_hours_share(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Share of jobs on zero-hours contracts (weighted by jobs across sectors)."""
    return _by_sector(
        inputs, (100 * (_JOBS * pl.col("zero_hours_share")).sum() / _JOBS.sum()).round(1)
    )


@metric(
    label="Staff who may retire within 10 years",
    unit=Unit.JOBS,
    theme=Theme.WORKFORCE,
    inputs=_INPUTS,
    levels=_COUNCIL,
)
def may_retire_within_10_years(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Jobs held by staff aged 55 or over, who may retire within 10 years."""
    return _by_sector(inputs, (_JOBS * pl.col("share_aged_55_plus")).sum().round(0))
