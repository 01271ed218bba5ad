"""Change between releases: locations opened and closed, beds gained and lost."""

from __future__ import annotations

import polars as pl

from caremarket.domain.release_fact import Fact
from caremarket.domain.sector import CARE_HOMES
from caremarket.metrics.cube import rollup
from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.registry import Input, Level, Theme, Unit, metric

_INPUTS = (Input.LOCATIONS, Input.PREVIOUS_LOCATIONS)


def _period(inputs: MetricInputs) -> str:
    previous = inputs.previous_as_of.isoformat() if inputs.previous_as_of else "?"
    return f"{previous}/{inputs.as_of.isoformat()}"


def _compared(inputs: MetricInputs) -> pl.DataFrame:
    """Every location in either release: now/then flags and beds now/then (current row first)."""
    now = inputs.frame(Input.LOCATIONS).with_columns(is_now=pl.lit(True))
    then = inputs.frame(Input.PREVIOUS_LOCATIONS).select(
        "location_id", then_beds=pl.col("beds"), was=pl.lit(True)
    )
    joined = now.join(then, on="location_id", how="full", coalesce=True)
    closed = inputs.frame(Input.PREVIOUS_LOCATIONS).join(now, on="location_id", how="anti")
    # Closed locations take their area and memberships from the previous release.
    return pl.concat(
        [
            joined.filter(pl.col("is_now").fill_null(False)),
            closed.with_columns(
                is_now=pl.lit(False), then_beds=pl.col("beds"), was=pl.lit(True), beds=pl.lit(None)
            ).select(joined.columns),
        ],
        how="vertical_relaxed",
    ).with_columns(pl.col("is_now").fill_null(False), pl.col("was").fill_null(False))


def _count(inputs: MetricInputs, level: Level, keep: pl.Expr, value: pl.Expr) -> pl.DataFrame:
    frame = _compared(inputs).filter(keep)
    return rollup(
        frame,
        level,
        inputs,
        {"value": value, "n": pl.len()},
        period=_period(inputs),
        sector="sectors",
        client_group="client_groups",
    )


@metric(label="Locations opened", unit=Unit.COUNT, theme=Theme.CHANGE, inputs=_INPUTS)
def openings(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Active locations in this release that the previous release did not have."""
    return _count(inputs, level, pl.col("is_now") & ~pl.col("was"), pl.len().cast(pl.Float64))


@metric(label="Locations closed", unit=Unit.COUNT, theme=Theme.CHANGE, inputs=_INPUTS)
def closures(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Active locations in the previous release that are no longer active."""
    return _count(inputs, level, ~pl.col("is_now") & pl.col("was"), pl.len().cast(pl.Float64))


@metric(
    label="Beds gained",
    unit=Unit.BEDS,
    theme=Theme.CHANGE,
    inputs=_INPUTS,
    sectors=CARE_HOMES,
    needs=(Fact.BEDS,),
)
def beds_gained(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Beds of opened care homes plus beds added to continuing ones."""
    gained = (pl.col("beds").fill_null(0) - pl.col("then_beds").fill_null(0)).clip(lower_bound=0)
    return _count(inputs, level, pl.col("is_now"), gained.sum().cast(pl.Float64))


@metric(
    label="Beds lost",
    unit=Unit.BEDS,
    theme=Theme.CHANGE,
    inputs=_INPUTS,
    sectors=CARE_HOMES,
    needs=(Fact.BEDS,),
)
def beds_lost(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Beds of closed care homes plus beds removed from continuing ones."""
    lost = (pl.col("then_beds").fill_null(0) - pl.col("beds").fill_null(0)).clip(lower_bound=0)
    return _count(inputs, level, pl.col("was"), lost.sum().cast(pl.Float64))
