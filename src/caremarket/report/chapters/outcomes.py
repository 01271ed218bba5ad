"""How people fare: the council's Adult Social Care Outcomes Framework measures, the
latest year and the one before, with its rank in its region where every council has one."""

from __future__ import annotations

import polars as pl

from caremarket.domain.ascof import AscofMeasure, ascof_measures
from caremarket.metrics.outcomes import (
    coverage_statement,
    measure_rank,
    measure_values,
    region_councils,
)
from caremarket.report.context import Context, text_cell
from caremarket.report.model import Cell, Section, Table


def _value(value: float | None, measure: AscofMeasure) -> str:
    if value is None:
        return "not known"
    if measure.unit == "percent":
        return f"{value:.1f}%"
    if measure.unit == "per 100,000 people":
        return f"{value:,.1f} per 100,000"
    return f"{value:.1f}"


def _row(ctx: Context, measure: AscofMeasure) -> tuple[Cell, ...] | None:
    inputs = ctx.inputs.gathered.inputs
    values = measure_values(inputs, measure).sort("period")
    if values.is_empty():
        return None
    latest = values.row(values.height - 1, named=True)
    before = values.row(values.height - 2, named=True) if values.height > 1 else None
    ranks = measure_rank(inputs, measure).filter(pl.col("period") == latest["period"])
    councils = len(region_councils(inputs))
    if ranks.height and ranks["value"][0] is not None:
        rank = f"{int(ranks['value'][0])} of {councils}"
    else:
        with_value = int(ranks["n"][0]) if ranks.height else 0
        rank = "not known: " + coverage_statement(with_value, councils)
    earlier = (
        f"{_value(before['value'], measure)} ({before['period']})" if before is not None else "-"
    )
    better = "higher is better" if measure.higher_is_better else "lower is better"
    return (
        text_cell(f"{measure.label} ({measure.code}; {better})"),
        text_cell(str(latest["period"])),
        text_cell(_value(latest["value"], measure)),
        text_cell(earlier),
        text_cell(rank),
    )


def outcomes(ctx: Context) -> Section | None:
    """The outcomes chapter, or None when no ASCOF release for the council is loaded."""
    if ctx.inputs.gathered.inputs.ascof is None:
        return None
    rows = [row for m in ascof_measures() if not m.retired if (row := _row(ctx, m)) is not None]
    if not rows:
        return None
    region = ctx.inputs.gathered.inputs.council.region_name
    table = Table(
        "How people who draw on care and support fare",
        ("Measure", "Year", f"{ctx.council_name}", "Year before", f"Rank in {region}"),
        tuple(rows),
        note=(
            f"Rank: 1 is the best of the councils in {region}, by each measure's own direction; "
            "a rank is given only when every council there has a value for that year. "
            "Not known: the return gives no value (suppressed or not collected). "
            "Source: NHS England, Adult Social Care Outcomes Framework."
        ),
    )
    section = Section("outcomes", "Outcomes for people")
    section.blocks = [table]
    return section
