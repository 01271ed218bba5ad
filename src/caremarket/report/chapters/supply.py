"""Shaping the care market: supply and quality across every sector, with maps and trend."""

from __future__ import annotations

from datetime import date

from caremarket.domain.sector import Sector
from caremarket.metrics import Level
from caremarket.metrics.supply_quality import shown_sectors
from caremarket.report import charts
from caremarket.report.chapters.areas import area_choropleth, provider_map
from caremarket.report.chapters.brokerage import brokerage_capacity
from caremarket.report.context import (
    CHAPTER_SECTORS,
    Context,
    figure_cell,
    metric_table,
    sector_label,
    text_cell,
)
from caremarket.report.formatting import listed, long_date
from caremarket.report.model import Block, Chart, KeyData, KeyFigure, Missing, Section, Table
from caremarket.report.sentences import reader_reason, series_phrase

RATING_METRICS = (
    ("rated_outstanding", "Outstanding"),
    ("rated_good", "Good"),
    ("rated_requires_improvement", "Requires improvement"),
    ("rated_inadequate", "Inadequate"),
    ("not_rated", "Not yet rated"),
)


def _headline(ctx: Context) -> KeyData:
    day = ctx.as_of_text
    previous = ctx.inputs.gathered.inputs.previous_as_of
    since = f" since {long_date(previous)}" if previous else ""
    wanted = (
        ("locations", f"Registered adult social care locations at {day}"),
        ("providers", "Providers running them"),
        ("beds", f"Registered care home beds at {day}"),
        ("beds_per_1000_aged_75_plus", "Care home beds per 1,000 people aged 75 and over"),
        (
            "pct_good_or_outstanding",
            "Rated services rated good or outstanding (excluding services not yet rated)",
        ),
        (
            "quality_rank_among_comparators",
            "Our place among comparable councils for good or outstanding",
        ),
        ("openings", f"Locations opened{since}"),
        ("closures", f"Locations closed{since}"),
        ("beds_lost", f"Care home beds lost{since}"),
        ("beds_gained", f"Care home beds gained{since}"),
    )
    items = []
    for name, sentence in wanted:
        figure = ctx.ledger.figure(name)
        if figure is not None:
            items.append(KeyFigure(sentence, figure))
    return KeyData("The market at a glance", tuple(items))


def rating_chart(ctx: Context, sectors: list[str], title: str) -> Chart | None:
    """Locations by current rating per sector, as a chart and a table."""
    ledger = ctx.ledger
    if not ledger.available("rated_good"):
        return None
    rows: list[tuple[str, str, int]] = []
    body = []
    for sector in sectors:
        figures = [(label, ledger.figure(name, sector=sector)) for name, label in RATING_METRICS]
        total = sum((f.value or 0) for _, f in figures if f is not None)
        if not total:
            continue
        for label, figure in figures:
            if figure is not None and figure.value is not None:
                rows.append((sector_label(sector), label, int(figure.value)))
        body.append((text_cell(sector_label(sector)), *(figure_cell(f) for _, f in figures)))
    if not rows:
        return None
    for name, _ in RATING_METRICS:
        ledger.note_metric(name)
    one = sectors[0] if len(sectors) == 1 else "all"
    good = ledger.figure("pct_good_or_outstanding", sector=one)
    where = "" if one == "all" else f" {sector_label(one).lower()}"
    share = f"; {good.text} of rated{where} locations are good or outstanding" if good else ""
    shape = (
        "A single bar of the share of locations"
        if one != "all"
        else "Stacked bar chart of the share of locations in each sector"
    )
    return Chart(
        ctx.next_key("ratings"),
        title,
        (f"{shape} by current CQC rating at {ctx.as_of_text}{share}. The table gives the counts."),
        charts.rating_distribution(rows),
        Table(
            f"Locations by current CQC rating at {ctx.as_of_text}",
            ("Sector", *(label for _, label in RATING_METRICS)),
            tuple(body),
        ),
        ledger.release_ids("rated_good"),
    )


def trend_chart(ctx: Context) -> Chart | None:
    """The share rated good or outstanding at each CQC release loaded."""
    points = [p for p in ctx.inputs.trend if p.pct_good_or_outstanding is not None]
    if len({p.as_of for p in points}) < 2:
        return None
    policy = ctx.ledger.policy
    if policy is not None:
        points = [p for p in points if not policy.hides(p.rated)]
    shown = [p for p in points if p.sector in ("all", "care_home", "home_care")]
    dates = sorted({p.as_of for p in shown})
    labels = release_labels(dates)
    rows = [
        (labels[p.as_of], sector_label(p.sector), p.pct_good_or_outstanding or 0.0)
        for p in sorted(shown, key=lambda p: p.as_of)
    ]
    series = sorted({p.sector for p in shown}, key=lambda s: (s != "all", s))
    body = []
    for sector in series:
        by_date = {p.as_of: p for p in shown if p.sector == sector}
        body.append(
            (
                text_cell(sector_label(sector)),
                *(
                    text_cell(f"{by_date[d].pct_good_or_outstanding:.1f}%" if d in by_date else "")
                    for d in dates
                ),
            )
        )
    overall = [
        (long_date(p.as_of), p.pct_good_or_outstanding or 0.0)
        for p in sorted(shown, key=lambda p: p.as_of)
        if p.sector == "all"
    ]
    change = ""
    if overall:
        change = ": " + series_phrase(
            "across all sectors the share", overall, lambda v: f"{v:.1f}%", "past", "on"
        )
    floor = charts.trend_axis_floor([r[2] for r in rows])
    axis = f" The vertical axis starts at {floor:.0f}%, not at zero." if floor else ""
    ctx.ledger.note_metric("pct_good_or_outstanding")
    return Chart(
        ctx.next_key("trend"),
        "Share of rated locations rated good or outstanding, release by release",
        f"Line chart of the share rated good or outstanding across all sectors, care homes and "
        f"home care at each CQC release loaded{change}.{axis} The table gives every value.",
        charts.rating_trend(rows),
        Table(
            "Rated good or outstanding (%) at each CQC release",
            ("Sector", *(labels[d] for d in dates)),
            tuple(body),
        ),
        tuple(dict.fromkeys(p.release_id for p in shown)),
    )


def release_labels(dates: list[date]) -> dict[date, str]:
    """Each release's tick label: "Jun 2026", or "1 Jun 2026" when two share a month."""
    months = [d.strftime("%b %Y") for d in dates]
    clash = len(set(months)) < len(months)
    return {d: (f"{d.day} {m}" if clash else m) for d, m in zip(dates, months, strict=True)}


def supply_by_area_chart(ctx: Context) -> Chart | None:
    """Locations in each planning area by main sector."""
    if not ctx.ledger.available("locations"):
        return None
    level, areas = ctx.areas()
    sectors = [
        s.value
        for s in (Sector.CARE_HOME, Sector.HOME_CARE, Sector.SUPPORTED_LIVING)
        if s.unknown_in(ctx.facts) is None
    ]
    rows = []
    body = []
    for code, name in areas:
        figures = [
            ctx.ledger.figure("locations", level=level, area_code=code, sector=s) for s in sectors
        ]
        for sector, figure in zip(sectors, figures, strict=True):
            if figure is not None and figure.value is not None:
                rows.append((name, sector_label(sector), figure.value))
        body.append((text_cell(name), *(figure_cell(f) for f in figures)))
    return Chart(
        ctx.next_key("supply"),
        f"Registered locations by {level.value} and sector",
        f"Grouped bar chart of registered {listed([sector_label(s).lower() for s in sectors])} "
        "locations "
        f"in each {level.value} of {ctx.council_name} at {ctx.as_of_text}. The table gives the "
        "numbers.",
        charts.grouped_bars(rows, category=level.value, series="Sector", value="Locations"),
        Table(
            f"Registered locations by {level.value} at {ctx.as_of_text}",
            (level.value.capitalize(), *(sector_label(s) for s in sectors)),
            tuple(body),
        ),
        ctx.ledger.release_ids("locations"),
    )


def partial_notes(ctx: Context) -> list[str]:
    """Each sector the release names only in part, as readers are told it."""
    notes = [s.partial_in(ctx.facts) for s in Sector]
    return [reader_reason(n) for n in notes if n is not None]


def supply(ctx: Context) -> Section:
    """The market as a whole: supply, quality, change and where services are."""
    missing = ctx.missing("CQC registered services", "locations")
    if missing is not None:
        return Section("market", "Shaping the care market", [missing])
    blocks: list[Block] = [_headline(ctx)]
    sectors = [
        "all",
        "care_home",
        *(s.value for s in CHAPTER_SECTORS),
        *(s.value for s in shown_sectors(ctx.facts) if not s.named),
    ]
    table = metric_table(
        ctx,
        f"Supply and quality by sector at {ctx.as_of_text}",
        [
            ("locations", "Locations"),
            ("providers", "Providers"),
            ("beds", "Beds"),
            ("pct_good_or_outstanding", "Good or outstanding"),
            ("not_rated", "Not yet rated"),
            ("median_rating_age_months", "Median rating age (months)"),
        ],
        [(sector_label(s), {"sector": s}) for s in sectors],
        first_column="Sector",
        note=" ".join(
            [
                "A location registered in several sectors counts in each; all sectors counts it "
                "once.",
                *dict.fromkeys(f"{note[0].upper()}{note[1:]}." for note in partial_notes(ctx)),
            ]
        ),
    )
    if table is not None:
        blocks.append(table)
    quality: list[Block] = []
    for found in (
        rating_chart(
            ctx, [s.value for s in ctx.chapter_sectors()], "Current CQC ratings by sector"
        ),
        trend_chart(ctx),
    ):
        if found is not None:
            quality.append(found)
    rank_gap = ctx.ledger.missing("quality_rank_among_comparators")
    if rank_gap:
        quality.append(Missing("Our place among comparable councils", rank_gap))
    where: list[Block] = []
    for made in (
        supply_by_area_chart(ctx),
        provider_map(ctx),
        area_choropleth(
            ctx,
            "beds_per_1000_aged_75_plus",
            title="Care home beds per 1,000 people aged 75+ by district",
            legend="Beds per 1,000 aged 75+",
            number_format=".1f",
        )
        or area_choropleth(
            ctx, "locations", title="Registered locations by district", legend="Locations"
        ),
    ):
        if made is not None:
            where.append(made)
    section = Section("market", "Shaping the care market", blocks)
    section.subsections = [
        Section("market-quality", "Care quality", quality, page_break=False),
        Section("market-where", "Where services are", where, page_break=False),
    ]
    if ctx.inputs.brokerage is not None:
        # Not asked for: the waiting chapter's one sentence says so, not an empty section.
        section.subsections.append(
            Section(
                "market-capacity",
                "Capacity declared against hours waiting",
                brokerage_capacity(ctx),
                page_break=False,
            )
        )
    _ = Level
    return section
