"""Outcomes: every ASCOF measure for the council by year, and its rank among its peers.

Three metrics per measure declared in `caremarket.domain.ascof`: the council's
value each year the loaded releases give (the total, not the age or sex
breakdowns), its rank among its region's councils and its rank among councils
of its type (`caremarket.domain.comparator`; 1 = best, by the measure's own
direction). A rank is given for a year only when every council of the group
has a value that year; otherwise it is unknown and says how many have one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

from caremarket.domain.area import Area
from caremarket.domain.ascof import AscofMeasure, ascof_measures, code_key
from caremarket.domain.comparator import Peers, comparator_peers, region_peers
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


def coverage_statement(with_value: int, peers: Peers) -> str:
    """Why a rank is not given: `n of m councils ... have a value`."""
    where = f"in {peers.name}" if peers.name[:1].isupper() else f"among {peers.name}"
    return (
        f"{with_value} of {len(peers.codes)} councils {where} have a value; a rank needs them all"
    )


def measure_rank(inputs: MetricInputs, measure: AscofMeasure, peers: Peers) -> pl.DataFrame:
    """The council's rank among the peers by year (1 = best); null unless every one has a value.

    `n` is the number of councils ranked, or, where the rank is unknown, the number of
    councils with a value.
    """
    totals = _totals(inputs, measure).filter(pl.col("la_code").is_in(peers.codes))
    if totals.filter(pl.col("la_code") == inputs.council.code).is_empty():
        return empty_result()
    ranked = totals.with_columns(
        rank=pl.col("value").rank(method="min", descending=measure.higher_is_better).over("year"),
        with_value=pl.col("value").is_not_null().sum().over("year"),
    )
    own = ranked.filter(pl.col("la_code") == inputs.council.code)
    complete = pl.col("with_value") == len(peers.codes)
    return _result(
        inputs, own, pl.when(complete).then(pl.col("rank")).otherwise(None), pl.col("with_value")
    )


class AscofMetrics(NamedTuple):
    """A measure's metrics: its value, its rank in its region and among councils of its type."""

    value: Metric
    region_rank: Metric
    comparator_rank: Metric


_PEERS: dict[str, tuple[Callable[[Area], Peers], str]] = {
    "region": (region_peers, "the region's councils"),
    "comparator": (comparator_peers, "councils of the same type (county, unitary, ...)"),
}


def _rank_metric(measure: AscofMeasure, kind: str) -> Metric:
    peers_of, who = _PEERS[kind]
    code = measure.code.removeprefix("old-")

    def rank(inputs: MetricInputs, level: Level) -> pl.DataFrame:
        return measure_rank(inputs, measure, peers_of(inputs.council))

    suffix = "rank_in_region" if kind == "region" else "rank_among_comparators"
    rank.__name__ = f"{metric_name(measure)}_{suffix}"
    rank.__doc__ = (
        f"Rank among {who} for ASCOF {code} ({measure.label}); 1 is "
        f"{'highest' if measure.higher_is_better else 'lowest'}. Unknown for a year unless "
        "every council of the group has a value."
    )
    compute: Compute = rank
    label = "Rank in region" if kind == "region" else "Rank among councils of its type"
    return metric(
        label=f"{label}: {measure.label}",
        unit=Unit.RANK,
        theme=Theme.OUTCOMES,
        inputs=_INPUTS,
        levels=_COUNCIL,
    )(compute)


def _register(measure: AscofMeasure) -> AscofMetrics:
    code = measure.code.removeprefix("old-")
    retired = " (a measure retired in the 2023-24 renumbering)" if measure.retired else ""

    def values(inputs: MetricInputs, level: Level) -> pl.DataFrame:
        return measure_values(inputs, measure)

    values.__name__ = metric_name(measure)
    values.__doc__ = f"ASCOF {code}{retired}: {measure.label}, each year loaded."
    compute_values: Compute = values
    value_metric = metric(
        label=f"{measure.label} (ASCOF {code})",
        unit=_UNITS[measure.unit],
        theme=Theme.OUTCOMES,
        inputs=_INPUTS,
        levels=_COUNCIL,
    )(compute_values)
    return AscofMetrics(
        value_metric, _rank_metric(measure, "region"), _rank_metric(measure, "comparator")
    )


ASCOF_METRICS: dict[str, AscofMetrics] = {m.code: _register(m) for m in ascof_measures()}
"""Each measure's code mapped to its registered metrics."""


@dataclass(frozen=True)
class Standing:
    """The council's rank among a group of peers for one measure and year."""

    peers: Peers
    rank: int | None
    with_value: int
    """How many of the peers have a value that year."""

    @property
    def note(self) -> str:
        """Why there is no rank, when there is none."""
        return "" if self.rank is not None else coverage_statement(self.with_value, self.peers)

    def shown(self) -> str:
        """`3 of 10`, or `not known: ...` with the reason."""
        if self.rank is None:
            return f"not known: {self.note}"
        return f"{self.rank} of {len(self.peers.codes)}"


@dataclass(frozen=True)
class OutcomeRow:
    """One ASCOF measure for the council: every year loaded, and its rank in two groups."""

    measure: AscofMeasure
    trend: tuple[tuple[str, float | None], ...]
    """(year, value) for every year loaded, oldest first."""
    in_region: Standing
    among_comparators: Standing

    @property
    def year(self) -> str:
        """The latest year loaded."""
        return self.trend[-1][0]

    @property
    def value(self) -> float | None:
        """The latest year's value (None: the return gives none)."""
        return self.trend[-1][1]

    @property
    def year_before(self) -> str | None:
        """The year before the latest one loaded, if any."""
        return self.trend[-2][0] if len(self.trend) > 1 else None

    @property
    def value_before(self) -> float | None:
        """The value of the year before, if any."""
        return self.trend[-2][1] if len(self.trend) > 1 else None

    def direction(self, earlier: float | None) -> str | None:
        """`better`, `worse` or `the same` as an earlier value, by the measure's direction."""
        if earlier is None or self.value is None:
            return None
        if round(self.value, 1) == round(earlier, 1):
            return "the same"
        higher = self.value > earlier
        return "better" if higher == self.measure.higher_is_better else "worse"

    def earlier(self) -> str:
        """The year before, and the first year loaded with a value when older: `-` if none.

        `19.3 (2023-24); first loaded 19.4 (2015-16)`; every year is in `trend`.
        """
        if len(self.trend) < 2:
            return "-"
        year, value = self.trend[-2]
        said = f"{self.shown(value)} ({year})"
        first = next(((y, v) for y, v in self.trend[:-2] if v is not None), None)
        if first is not None:
            said += f"; first loaded {self.shown(first[1])} ({first[0]})"
        return said

    def shown(self, value: float | None) -> str:
        """A value in the measure's unit: `67.8%`, `553.8 per 100,000`, `19.1`."""
        if value is None:
            return "not known"
        if self.measure.unit == "percent":
            return f"{value:.1f}%"
        if self.measure.unit == "per 100,000 people":
            return f"{value:,.1f} per 100,000"
        return f"{value:.1f}"


def _standing(inputs: MetricInputs, measure: AscofMeasure, peers: Peers, year: str) -> Standing:
    ranks = measure_rank(inputs, measure, peers).filter(pl.col("period") == year)
    rank = ranks["value"][0] if ranks.height else None
    with_value = int(ranks["n"][0]) if ranks.height else 0
    return Standing(peers, int(rank) if rank is not None else None, with_value)


def outcome_rows(inputs: MetricInputs) -> list[OutcomeRow]:
    """Every current ASCOF measure loaded for the council, in the publisher's order."""
    if inputs.ascof is None:
        return []
    region = region_peers(inputs.council)
    comparators = comparator_peers(inputs.council)
    found = []
    for measure in ascof_measures():
        if measure.retired:
            continue
        values = measure_values(inputs, measure).sort("period")
        if values.is_empty():
            continue
        trend = tuple((str(p), v) for p, v in values.select("period", "value").rows())
        year = trend[-1][0]
        found.append(
            OutcomeRow(
                measure=measure,
                trend=trend,
                in_region=_standing(inputs, measure, region, year),
                among_comparators=_standing(inputs, measure, comparators, year),
            )
        )
    return found
