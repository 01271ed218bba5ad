"""How people fare: the council's Adult Social Care Outcomes Framework measures, the
latest year and the one before, with its rank in its region where every council has one."""

from __future__ import annotations

from caremarket.metrics.outcomes import OutcomeRow, outcome_rows
from caremarket.report.context import Context, text_cell
from caremarket.report.model import Cell, Section, Table


def _row(row: OutcomeRow) -> tuple[Cell, ...]:
    measure = row.measure
    earlier = f"{row.shown(row.value_before)} ({row.year_before})" if row.year_before else "-"
    better = "higher is better" if measure.higher_is_better else "lower is better"
    rank = (
        f"{row.rank} of {row.councils_in_region}"
        if row.rank is not None
        else f"not known: {row.rank_note}"
    )
    return (
        text_cell(f"{measure.label} ({measure.code}; {better})"),
        text_cell(row.year),
        text_cell(row.shown(row.value)),
        text_cell(earlier),
        text_cell(rank),
    )


def outcomes(ctx: Context) -> Section | None:
    """The outcomes chapter, or None when no ASCOF release for the council is loaded."""
    rows = outcome_rows(ctx.inputs.gathered.inputs)
    if not rows:
        return None
    region = ctx.inputs.gathered.inputs.council.region_name
    table = Table(
        "How people who draw on care and support fare",
        ("Measure", "Year", ctx.council_name, "Year before", f"Rank in {region}"),
        tuple(_row(row) for row in rows),
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
