"""The workforce: jobs, turnover, vacancies, zero-hours contracts and retirement."""

from __future__ import annotations

from caremarket.report import charts
from caremarket.report.context import Context, figure_cell, metric_table, sector_label, text_cell
from caremarket.report.model import Block, Chart, KeyData, KeyFigure, Section, Table

MEASURES = (
    ("jobs", "Jobs"),
    ("leavers_per_year", "Leavers a year"),
    ("vacancies", "Vacancies"),
    ("zero_hours_share", "Zero-hours share"),
    ("may_retire_within_10_years", "May retire within 10 years"),
)


def _sectors(ctx: Context) -> list[str]:
    frame = ctx.ledger.frame("jobs")
    return sorted(s for s in frame["sector"].unique().to_list() if s != "all")


def _jobs_chart(ctx: Context, sectors: list[str]) -> Chart | None:
    rows = []
    body = []
    for sector in sectors:
        figure = ctx.ledger.figure("jobs", sector=sector)
        if figure is None or figure.value is None:
            continue
        rows.append((sector_label(sector), figure.value))
        body.append((text_cell(sector_label(sector)), figure_cell(figure)))
    if not rows:
        return None
    biggest = max(rows, key=lambda r: r[1])
    return Chart(
        ctx.next_key("jobs"),
        "Jobs in adult social care by sector",
        f"Bar chart of filled posts by sector in {ctx.council_name}; the largest is "
        f"{biggest[0].lower()} with {biggest[1]:,.0f} jobs. The table gives every sector.",
        charts.bars(rows, value="Jobs"),
        Table("Jobs by sector", ("Sector", "Jobs"), tuple(body)),
        ctx.ledger.release_ids("jobs"),
    )


def workforce(ctx: Context) -> Section:
    """The workforce chapter."""
    missing = ctx.missing("Workforce estimates", "jobs")
    if missing is not None:
        return Section("workforce", "Workforce", [missing])
    items = []
    for name, label in MEASURES:
        figure = ctx.ledger.figure(name)
        if figure is not None:
            items.append(KeyFigure(f"{label} in adult social care", figure))
    blocks: list[Block] = [KeyData("The workforce at a glance", tuple(items))]
    sectors = _sectors(ctx)
    chart = _jobs_chart(ctx, sectors)
    if chart is not None:
        blocks.append(chart)
    table = metric_table(
        ctx,
        "Workforce by sector",
        list(MEASURES),
        [(sector_label(s), {"sector": s}) for s in [*sectors, "all"]],
        first_column="Sector",
    )
    if table is not None:
        blocks.append(table)
    blocks += ctx.narrative(["workforce"]) if ctx.inputs.narrative is not None else []
    return Section("workforce", "Workforce", blocks)
