"""Quality: CQC ratings, the council's own assessments and the rank among comparators."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from caremarket.domain.rating import Rating
from caremarket.metrics.cube import empty_result, rollup
from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.registry import Input, Level, Metric, Theme, Unit, metric
from caremarket.metrics.supply import pick

_LOCATIONS = (Input.LOCATIONS,)


@metric(
    label="Rated good or outstanding",
    unit=Unit.PERCENT,
    theme=Theme.QUALITY,
    inputs=_LOCATIONS,
)
def pct_good_or_outstanding(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Share of rated locations whose current CQC overall rating is Good or Outstanding."""
    return pick(inputs, level, "pct_good_or_outstanding")


@metric(
    label="Median age of current ratings",
    unit=Unit.MONTHS,
    theme=Theme.QUALITY,
    inputs=_LOCATIONS,
)
def median_rating_age_months(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Median months since the rated locations' current overall ratings were published."""
    return pick(inputs, level, "median_rating_age_months")


def _rating_count(column: str, rating: str) -> Callable[[MetricInputs, Level], pl.DataFrame]:
    def count(inputs: MetricInputs, level: Level) -> pl.DataFrame:
        return pick(inputs, level, column)

    count.__name__ = f"rated_{column}" if column != "not_rated" else "not_rated"
    count.__doc__ = f"Locations whose current CQC overall rating is {rating}."
    return count


RATING_COUNTS: tuple[Metric, ...] = tuple(
    metric(label=f"Rated {label.lower()}", unit=Unit.COUNT, theme=Theme.QUALITY, inputs=_LOCATIONS)(
        _rating_count(column, label)
    )
    for column, label in (
        ("outstanding", Rating.OUTSTANDING.value),
        ("good", Rating.GOOD.value),
        ("requires_improvement", Rating.REQUIRES_IMPROVEMENT.value),
        ("inadequate", Rating.INADEQUATE.value),
        ("not_rated", "not yet rated (or no rating loaded)"),
    )
)


@metric(
    label="Good or outstanding in the council's own assessments",
    unit=Unit.PERCENT,
    theme=Theme.QUALITY,
    inputs=(Input.LOCATIONS, Input.LOCAL_ASSESSMENTS),
)
def pct_good_or_outstanding_local(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Share of assessed locations whose latest council assessment is Good or Outstanding."""
    assessments = inputs.frame(Input.LOCAL_ASSESSMENTS).filter(
        pl.col("assessment_date") <= inputs.as_of
    )
    latest = (
        assessments.sort("assessment_date")
        .group_by("cqc_location_id")
        .agg(pl.col("rating").last())
        .rename({"cqc_location_id": "location_id", "rating": "local_rating"})
    )
    assessed = inputs.frame(Input.LOCATIONS).join(latest, on="location_id", how="inner")
    if assessed.is_empty():
        return empty_result()
    # The council ingest stores every scale's ratings as the CQC rating ids.
    good = pl.col("local_rating").is_in([Rating.OUTSTANDING.value, Rating.GOOD.value])
    return rollup(
        assessed,
        level,
        inputs,
        {"value": (100 * good.sum() / pl.len()).round(1), "n": pl.len()},
        period=inputs.as_of.isoformat(),
        sector="sectors",
        client_group="client_groups",
    )


@metric(
    label="Rank for good or outstanding among comparator councils",
    unit=Unit.RANK,
    theme=Theme.QUALITY,
    inputs=(Input.LOCATIONS, Input.NATIONAL),
    levels=(Level.COUNCIL,),
)
def quality_rank_among_comparators(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """The council's place (1 = highest share good or outstanding) among its comparators.

    `n` is the number of councils ranked.
    """
    national = inputs.frame(Input.NATIONAL).filter(pl.col("pct_good_or_outstanding").is_not_null())
    ranked = national.with_columns(
        rank=pl.col("pct_good_or_outstanding")
        .rank(method="min", descending=True)
        .over("sector", "client_group"),
        councils=pl.len().over("sector", "client_group"),
    ).filter(pl.col("la_code") == inputs.council.code)
    return ranked.select(
        area_code=pl.col("la_code"),
        area_name=pl.lit(inputs.council.name),
        sector=pl.col("sector"),
        client_group=pl.col("client_group"),
        period=pl.lit(inputs.as_of.isoformat()),
        value=pl.col("rank").cast(pl.Float64),
        n=pl.col("councils").cast(pl.Int64),
    )
