"""Locality commissioning: one page per locality (or district) with its figures and priorities."""

from __future__ import annotations

from dataclasses import replace

from caremarket.metrics import Level
from caremarket.report.chapters.areas import key_map
from caremarket.report.context import Context, metric_table, sector_label
from caremarket.report.formatting import period_label
from caremarket.report.model import Block, KeyData, KeyFigure, Missing, Paragraph, Section, Table

_FIGURES = (
    ("population_aged_65_plus", "People aged 65 and over in {period}", "first"),
    ("population_aged_85_plus", "People aged 85 and over in {period}", "first"),
    ("growth_aged_85_plus", "Projected growth in people aged 85+, {period}", "last"),
    (
        "people_with_dementia_65_plus",
        "People aged 65+ with dementia (predicted), {period}",
        "first",
    ),
    ("locations", "Registered locations at {day}", "last"),
    ("beds", "Registered care home beds at {day}", "last"),
    ("pct_good_or_outstanding", "Rated good or outstanding (of rated services)", "last"),
    ("people_waiting", "People waiting for home care at {day}", "last"),
    ("hours_waiting", "Hours of home care waiting at {day}", "last"),
    ("share_of_hours_waiting", "Share of the council's hours waiting", "last"),
    ("spend_in_year", "Our spend in the locality in {period}", "last"),
)


def locality_page(ctx: Context, level: Level, code: str, name: str) -> Section:
    """One locality's page."""
    items = []
    for metric, sentence, period in _FIGURES:
        if not ctx.ledger.available(metric):
            continue
        figure = ctx.ledger.figure(metric, level=level, area_code=code, period=period)
        if figure is not None:
            text = sentence.format(day=ctx.as_of_text, period=period_label(figure.period))
            items.append(KeyFigure(text, figure))
    blocks: list[Block] = [KeyData(f"{name} at a glance", tuple(items))]
    found = key_map(ctx, code, name)
    if found is not None:
        blocks.append(found)
    sectors = sector_breakdown(ctx, level, code, name)
    if sectors is not None:
        blocks.append(sectors)
    blocks += ctx.narrative(["locality"], locality=name, placeholder=f"{name}: priorities")
    return Section(f"locality-{code.lower().replace(' ', '-')}", name, blocks)


def sector_breakdown(ctx: Context, level: Level, code: str, name: str) -> Table | None:
    """A locality's services by sector: what the releases can tell for each sector, cells they
    cannot tell shown as not known with the reason."""
    sectors = [s.value for s in ctx.chapter_sectors()]
    table = metric_table(
        ctx,
        f"{name}: services by sector at {ctx.as_of_text}",
        [
            ("locations", "Services"),
            ("beds", "Beds"),
            ("pct_good_or_outstanding", "Good or outstanding"),
            ("spend_in_year", "Our spend in the year"),
        ],
        [
            (sector_label(s), {"level": level, "area_code": code, "sector": s})
            for s in [*sectors, "all"]
        ],
        first_column="Sector",
    )
    if table is not None and "Beds" in table.columns:
        beds = "Beds are for care homes only (n/a for other sectors)."
        table = replace(table, note=f"{beds} {table.note}".strip())
    return table


def localities(ctx: Context) -> Section:
    """The locality part: a page per locality, or per district where none are loaded."""
    level, areas = ctx.areas()
    blocks: list[Block] = []
    if level is Level.LOCALITY:
        blocks.append(
            Paragraph(
                "One page per locality: its population, the services registered there by "
                "sector, what people are waiting for, and our priorities."
            )
        )
    else:
        blocks.append(
            Paragraph(
                "One page per district: its population, the services registered there by "
                "sector, what people are waiting for, and our priorities."
            )
        )
        blocks.append(
            Missing(
                "Localities",
                (
                    "no localities made of whole districts are loaded for the council: load a "
                    "localities file with `caremarket ingest` to get one page per locality "
                    "instead of per district",
                ),
            )
        )
    part = Section("localities", "Locality commissioning", blocks)
    part.subsections = [locality_page(ctx, level, code, name) for code, name in areas]
    if part.subsections:
        part.subsections[0].page_break = False
    return part
