"""How people fare: the council's Adult Social Care Outcomes Framework measures, every year
loaded, with its rank in its region and among councils of its type where every one has a value."""

from __future__ import annotations

from caremarket.metrics.outcomes import OutcomeRow, outcome_rows
from caremarket.report.context import Context, text_cell
from caremarket.report.model import Cell, Section, Table


def _row(row: OutcomeRow) -> tuple[Cell, ...]:
    measure = row.measure
    better = "higher is better" if measure.higher_is_better else "lower is better"
    direction = row.direction(row.value_before)
    latest = row.shown(row.value) + (f" ({direction})" if direction else "")
    return (
        text_cell(f"{measure.label} ({measure.code}; {better})"),
        text_cell(row.year),
        text_cell(latest),
        text_cell(row.earlier()),
        text_cell(row.in_region.shown()),
        text_cell(row.among_comparators.shown()),
    )


def outcomes(ctx: Context) -> Section | None:
    """The outcomes chapter, or None when no ASCOF release for the council is loaded."""
    rows = outcome_rows(ctx.inputs.gathered.inputs)
    if not rows:
        return None
    region = rows[0].in_region.peers
    comparators = rows[0].among_comparators.peers
    table = Table(
        "How people who draw on care and support fare",
        (
            "Measure",
            "Year",
            ctx.council_name,
            "Year before; first year loaded",
            f"Rank in {region.name}",
            f"Rank among {comparators.name}",
        ),
        tuple(_row(row) for row in rows),
        note=(
            "Better or worse: against the year before, by each measure's own direction; "
            "every year loaded is in the open data (/api/v1/outcomes). "
            f"Rank: 1 is the best of the {len(region.codes)} councils in {region.name}, or of "
            f"the {len(comparators.codes)} {comparators.name} in England; a rank is given only "
            "when every council of the group has a value for that year. Not known: the "
            "return gives no value (suppressed or not collected). Source: NHS England, Adult "
            f"Social Care Outcomes Framework; council types from {comparators.source}."
        ),
    )
    section = Section("outcomes", "Outcomes for people")
    section.blocks = [table]
    return section
