"""Outcomes: every ASCOF measure for the council by year, and its rank in its region.

One pair of metrics per measure declared in `caremarket.domain.ascof`: the
council's value each year the loaded releases give (the total, not the age or
sex breakdowns), and its rank among its region's councils (1 = best, by the
measure's own direction). A rank is given for a year only when every council
of the region has a value that year; otherwise it is unknown and
`region_coverage` says how many of them have one.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from caremarket.domain.area import england_areas
from caremarket.domain.ascof import AscofMeasure, ascof_measures, code_key
from caremarket.metrics.cube import empty_result
from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.registry import Compute, Input, Level, Metric, Theme, Unit, metric

_UNITS = {"percent": Unit.PERCENT, "per 100,000 people": Unit.PER_100000, "score": Unit.SCORE}
_INPUTS = (Input.ASCOF,)
_COUNCIL = (Level.COUNCIL,)


def metric_name(measure: AscofMeasure) -> str:
    """The metric's name: `ascof_`, the code, then what it measures."""
    code = code_key(measure.code.removeprefix("old-")).lower()
    prefix = "ascof_old_" if measure.retired else "ascof_"
    return f"{prefix}{code}_{measure.name}"


def _totals(inputs: MetricInputs, measure: AscofMeasure) -> pl.DataFrame:
    """Every region council's total for the measure, one row per council and year."""
    return inputs.frame(Input.ASCOF).filter(
        (pl.col("measure_code") == measure.code) & (pl.col("breakdown") == "total")
    )


def _result(inputs: MetricInputs, frame: pl.DataFrame, value: pl.Expr, n: pl.Expr) -> pl.DataFrame:
    if frame.is_empty():
        return empty_result()
    return frame.select(
        area_code=pl.lit(inputs.council.code),
        area_name=pl.lit(inputs.council.name),
        sector=pl.lit("all"),
        client_group=pl.lit("all"),
        period=pl.col("year"),
        value=value.cast(pl.Float64),
        n=n.cast(pl.Int64),
    )


def measure_values(inputs: MetricInputs, measure: AscofMeasure) -> pl.DataFrame:
    """The council's value by year; `n` is the denominator (or survey respondents)."""
    own = _totals(inputs, measure).filter(pl.col("la_code") == inputs.council.code)
    n = pl.coalesce(pl.col("denominator"), pl.col("respondents")).round(0)
    return _result(inputs, own, pl.col("value"), n)


def region_councils(inputs: MetricInputs) -> list[str]:
    """The GSS codes of every council in the council's region (2025 areas)."""
    region = inputs.council.region_code
    return sorted(a.code for a in england_areas() if a.is_council and a.region_code == region)


def region_coverage(inputs: MetricInputs, measure: AscofMeasure) -> pl.DataFrame:
    """Per year: how many of the region's councils have a value (`with_value`) of `councils`."""
    codes = region_councils(inputs)
    totals = _totals(inputs, measure).filter(pl.col("la_code").is_in(codes))
    return (
        totals.group_by("year")
        .agg(with_value=pl.col("value").is_not_null().sum())
        .with_columns(councils=pl.lit(len(codes)))
        .sort("year")
    )


def coverage_statement(with_value: int, councils: int) -> str:
    """Why a rank is not given: `n of m councils have a value`."""
    return f"{with_value} of {councils} councils in the region have a value; a rank needs them all"


def measure_rank(inputs: MetricInputs, measure: AscofMeasure) -> pl.DataFrame:
    """The council's rank in its region by year (1 = best); null unless every council has a value.

    `n` is the number of councils ranked, or, where the rank is unknown, the number of
    councils with a value.
    """
    codes = region_councils(inputs)
    totals = _totals(inputs, measure).filter(pl.col("la_code").is_in(codes))
    if totals.filter(pl.col("la_code") == inputs.council.code).is_empty():
        return empty_result()
    ranked = totals.with_columns(
        rank=pl.col("value").rank(method="min", descending=measure.higher_is_better).over("year"),
        with_value=pl.col("value").is_not_null().sum().over("year"),
    )
    own = ranked.filter(pl.col("la_code") == inputs.council.code)
    complete = pl.col("with_value") == len(codes)
    return _result(
        inputs, own, pl.when(complete).then(pl.col("rank")).otherwise(None), pl.col("with_value")
    )


def _register(measure: AscofMeasure) -> tuple[Metric, Metric]:
    unit = _UNITS[measure.unit]
    code = measure.code.removeprefix("old-")
    retired = " (a measure retired in the 2023-24 renumbering)" if measure.retired else ""

    def values(inputs: MetricInputs, level: Level) -> pl.DataFrame:
        return measure_values(inputs, measure)

    def rank(inputs: MetricInputs, level: Level) -> pl.DataFrame:
        return measure_rank(inputs, measure)

    name = metric_name(measure)
    values.__name__ = name
    values.__doc__ = f"ASCOF {code}{retired}: {measure.label}, each year loaded."
    rank.__name__ = f"{name}_rank_in_region"
    rank.__doc__ = (
        f"Rank among the region's councils for ASCOF {code} ({measure.label}); 1 is "
        f"{'highest' if measure.higher_is_better else 'lowest'}. Unknown for a year unless "
        "every council of the region has a value."
    )
    compute_values: Compute = values
    compute_rank: Compute = rank
    value_metric = metric(
        label=f"{measure.label} (ASCOF {code})",
        unit=unit,
        theme=Theme.OUTCOMES,
        inputs=_INPUTS,
        levels=_COUNCIL,
    )(compute_values)
    rank_metric = metric(
        label=f"Rank in region: {measure.label}",
        unit=Unit.RANK,
        theme=Theme.OUTCOMES,
        inputs=_INPUTS,
        levels=_COUNCIL,
    )(compute_rank)
    return value_metric, rank_metric


ASCOF_METRICS: dict[str, tuple[Metric, Metric]] = {m.code: _register(m) for m in ascof_measures()}
"""Each measure's code mapped to its value metric and its rank metric."""


@dataclass(frozen=True)
class OutcomeRow:
    """One ASCOF measure for the council: its latest year, the year before, and its rank."""

    measure: AscofMeasure
    year: str
    value: float | None
    year_before: str | None
    value_before: float | None
    rank: int | None
    councils_in_region: int
    rank_note: str
    """Why there is no rank, when there is none."""

    def shown(self, value: float | None) -> str:
        """A value in the measure's unit: `67.8%`, `553.8 per 100,000`, `19.1`."""
        if value is None:
            return "not known"
        if self.measure.unit == "percent":
            return f"{value:.1f}%"
        if self.measure.unit == "per 100,000 people":
            return f"{value:,.1f} per 100,000"
        return f"{value:.1f}"


def outcome_rows(inputs: MetricInputs) -> list[OutcomeRow]:
    """Every current ASCOF measure loaded for the council, in the publisher's order."""
    if inputs.ascof is None:
        return []
    councils = len(region_councils(inputs))
    found = []
    for measure in ascof_measures():
        if measure.retired:
            continue
        values = measure_values(inputs, measure).sort("period")
        if values.is_empty():
            continue
        latest = values.row(values.height - 1, named=True)
        before = values.row(values.height - 2, named=True) if values.height > 1 else None
        ranks = measure_rank(inputs, measure).filter(pl.col("period") == latest["period"])
        rank = ranks["value"][0] if ranks.height else None
        with_value = int(ranks["n"][0]) if ranks.height else 0
        found.append(
            OutcomeRow(
                measure=measure,
                year=str(latest["period"]),
                value=latest["value"],
                year_before=str(before["period"]) if before else None,
                value_before=before["value"] if before else None,
                rank=int(rank) if rank is not None else None,
                councils_in_region=councils,
                rank_note="" if rank is not None else coverage_statement(with_value, councils),
            )
        )
    return found
