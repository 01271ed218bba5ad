"""The care economy: what the council spends, by which route, at what price, and an
estimate of what people who pay for themselves spend."""

from __future__ import annotations

import polars as pl

from caremarket.metrics.finance import fee_rates_in_force
from caremarket.report import charts
from caremarket.report.context import (
    CHAPTER_SECTORS,
    KEY_GROUPS,
    Context,
    figure_cell,
    group_label,
    sector_label,
    text_cell,
)
from caremarket.report.formatting import period_text
from caremarket.report.model import Block, Chart, KeyData, KeyFigure, Section, Table


def _spend_chart(ctx: Context) -> Chart | None:
    rows, body = [], []
    for sector in CHAPTER_SECTORS:
        figure = ctx.ledger.figure("spend_in_year", sector=sector.value)
        if figure is None or figure.value is None or not figure.value:
            continue
        rows.append((sector.label, figure.value / 1_000_000))
        body.append((text_cell(sector.label), figure_cell(figure)))
    if not rows:
        return None
    biggest = max(rows, key=lambda r: r[1])
    return Chart(
        ctx.next_key("spend"),
        "Our spend by sector",
        f"Bar chart of the council's spend by sector in £ million; the largest is "
        f"{biggest[0].lower()} at £{biggest[1]:,.1f}m. The table gives every sector.",
        charts.bars(rows, value="£ million"),
        Table("Our spend by sector", ("Sector", "Spend"), tuple(body)),
        ctx.ledger.release_ids("spend_in_year"),
    )


def _spend_table(ctx: Context) -> Table:
    groups = ["all", *(g.value for g in KEY_GROUPS)]
    body = []
    for sector in ["all", *(s.value for s in CHAPTER_SECTORS)]:
        body.append(
            (
                text_cell(sector_label(sector)),
                *(
                    figure_cell(ctx.ledger.figure("spend_in_year", sector=sector, client_group=g))
                    for g in groups
                ),
            )
        )
    return Table(
        "Our spend by sector and client group",
        ("Sector", *(group_label(g) for g in groups)),
        tuple(body),
        "A person in several client groups counts in each; the all column counts them once.",
    )


def _prices(ctx: Context) -> Table | None:
    rows = []
    split = False
    fees = ctx.inputs.gathered.inputs.fees
    routes = None if fees is None else fee_rates_in_force(fees, ctx.as_of)
    for name, unit, per in (
        ("usual_weekly_price_gbp", "week", "a week"),
        ("usual_hourly_rate_gbp", "hour", "an hour"),
    ):
        frame = ctx.ledger.frame(name)
        for row in frame.sort("sector", "client_group").to_dicts():
            figure = ctx.ledger.figure(
                name, sector=row["sector"], client_group=row["client_group"], period=row["period"]
            )
            sector, group = sector_label(row["sector"]), group_label(row["client_group"])
            split_here = figure is not None and figure.value is None and not figure.suppressed
            if split_here and routes is not None:
                # The routes' prices differ: each route's price, never one made-up number.
                split = True
                for route in routes.filter(
                    (pl.col("sector") == row["sector"])
                    & (pl.col("client_group") == row["client_group"])
                    & (pl.col("price_unit") == unit)
                ).to_dicts():
                    rows.append(
                        (
                            text_cell(sector),
                            text_cell(f"{group}, {route['framework_tier']} route"),
                            text_cell(f"£{route['price_gbp']:,.2f} {per}"),
                            text_cell(period_text(route["effective_date"].isoformat())),
                        )
                    )
                continue
            rows.append(
                (
                    text_cell(sector),
                    text_cell(group),
                    figure_cell(figure),
                    text_cell(period_text(row["period"])),
                )
            )
    if not rows:
        return None
    note = (
        "Where a contract route (such as a principal provider's) has its own price, each "
        "route's price is shown, from the council's fee rates."
        if split
        else ""
    )
    return Table(
        "Our usual prices", ("Sector", "Client group", "Price", "In force from"), tuple(rows), note
    )


def economy(ctx: Context) -> Section:
    """The care economy chapter."""
    blocks: list[Block] = []
    items = []
    for name, sentence in (
        ("spend_in_year", "Our spend on adult social care in {period}"),
        ("direct_payment_share_of_spend", "Direct payments' share of our spend"),
        ("people_funded", "People whose care we fund"),
        (
            "self_funder_spend_estimate",
            "Estimated spend on care homes by people who pay for their own care, a year",
        ),
    ):
        figure = ctx.ledger.figure(name)
        if figure is not None:
            items.append(KeyFigure(sentence.format(period=figure.period), figure))
    if items:
        blocks.append(KeyData("The care economy at a glance", tuple(items)))
    gap = ctx.missing("Council spend", "spend_in_year")
    if gap is not None:
        blocks.append(gap)
    else:
        chart = _spend_chart(ctx)
        if chart is not None:
            blocks.append(chart)
        blocks.append(_spend_table(ctx))
    prices = _prices(ctx)
    if prices is not None:
        blocks.append(prices)
    else:
        gap = ctx.missing("Usual prices", "usual_weekly_price_gbp")
        if gap is not None:
            blocks.append(gap)
    if ctx.ledger.available("self_funder_spend_estimate"):
        blocks.append(_assumption_note())
    return Section("economy", "The care economy", blocks)


def _assumption_note() -> Block:
    from caremarket.metrics.finance import assumptions
    from caremarket.report.model import Paragraph

    found = assumptions()
    occupancy = found["care_home_occupancy"]["value"]
    premium = found["self_funder_price_premium"]["value"]
    return Paragraph(
        f"The self-funder estimate assumes {occupancy:.0%} of registered beds are filled and "
        f"that people paying for themselves pay {premium:.0%} more than the council for the same "
        "care (Competition and Markets Authority, 2017); see the appendix."
    )
