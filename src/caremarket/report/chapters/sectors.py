"""Market sectors, one chapter each: investment, providers, quality, workforce, key data per
client group, the council's "we said / we did / we will" and its commissioning intentions."""

from __future__ import annotations

from caremarket.domain.sector import Sector
from caremarket.report.chapters.supply import rating_chart
from caremarket.report.context import (
    KEY_GROUPS,
    Context,
    group_label,
    metric_table,
)
from caremarket.report.formatting import listed
from caremarket.report.model import Block, KeyData, KeyFigure, Missing, Paragraph, Section
from caremarket.report.sentences import reader_reason

CARE_HOMES = frozenset({Sector.CARE_HOME_NURSING, Sector.CARE_HOME_RESIDENTIAL, Sector.CARE_HOME})
OVER_COUNTING = (
    "A service registered for several client groups is counted in each group, so the "
    "groups add up to more than the sector."
)


def _market_name(sector: Sector) -> str:
    return sector.label[0].lower() + sector.label[1:]


def _key_data(ctx: Context, sector: Sector, group: str) -> KeyData:
    """The same bullets for every client group, as a council's web MPS gives them."""
    day = ctx.as_of_text
    market = _market_name(sector)
    who = "everyone" if group == "all" else group_label(group).lower()
    care_home = sector in CARE_HOMES
    wanted: list[tuple[str, str]] = [
        ("spend_in_year", f"Our spend on {market} for {who} in {{period}}"),
        ("people_funded", f"The number of people accessing {market} that we fund at {day}"),
        ("locations", f"The number of registered locations at {day}"),
        ("accredited_locations", f"The number of accredited locations at {day}"),
    ]
    if care_home:
        wanted += [
            ("beds", f"The number of registered places (beds) at {day}"),
            ("accredited_beds", f"The number of accredited places (beds) at {day}"),
        ]
    wanted.append(
        (
            "pct_good_or_outstanding",
            f"Percentage of CQC registered and inspected services rated good or outstanding "
            f"as at {day} (excluding services not yet inspected)",
        )
    )
    items = []
    for name, sentence in wanted:
        figure = ctx.ledger.figure(name, sector=sector.value, client_group=group)
        if figure is not None:
            items.append(KeyFigure(sentence.format(period=figure.period), figure))
    title = "All client groups" if group == "all" else group_label(group)
    last = group == KEY_GROUPS[-1].value
    return KeyData(f"Key data: {title}", tuple(items), (OVER_COUNTING,) if last else ())


def _overview(ctx: Context, sector: Sector) -> list[Block]:
    s = sector.value
    ledger = ctx.ledger
    day = ctx.as_of_text
    wanted: list[tuple[str, str]] = [
        ("spend_in_year", "Our investment in {period}"),
        ("direct_payment_share_of_spend", "Direct payments' share of that spend"),
        ("providers", f"Providers registered with CQC at {day}"),
        ("locations", f"Locations registered with CQC at {day}"),
    ]
    if sector in CARE_HOMES:
        wanted += [
            ("beds", f"Registered beds at {day}"),
            ("council_share_of_beds", "Beds filled by people the council or the NHS funds"),
            ("usual_weekly_price_gbp", "Our usual weekly price"),
        ]
    if sector is Sector.HOME_CARE:
        wanted += [
            ("hours_commissioned_per_week", f"Hours of care we commission at {day}"),
            ("people_waiting", f"People waiting for home care at {day}"),
            ("usual_hourly_rate_gbp", "Our usual hourly rate"),
        ]
    wanted += [
        ("pct_good_or_outstanding", "Rated good or outstanding (of rated services)"),
        ("quality_rank_among_comparators", "Our place among comparable councils for quality"),
        ("jobs", "Jobs in the sector"),
        ("vacancies", "Vacant posts"),
        ("zero_hours_share", "Jobs on zero-hours contracts"),
    ]
    items = []
    for name, sentence in wanted:
        target = "all" if name == "people_waiting" else s
        figure = ledger.figure(name, sector=target)
        if figure is None or (figure.value is None and not figure.suppressed):
            continue
        items.append(KeyFigure(sentence.format(period=figure.period), figure))
    blocks: list[Block] = [KeyData("The sector at a glance", tuple(items))]
    gaps = {
        hint: None
        for name in ("spend_in_year", "jobs", "usual_weekly_price_gbp", "locations")
        for hint in ledger.missing(name)
    }
    if gaps:
        blocks.append(Missing("Figures this chapter cannot show yet", tuple(gaps)))
    return blocks


def sector_chapter(ctx: Context, sector: Sector) -> Section:
    """One sector's chapter."""
    s = sector.value
    blocks = _overview(ctx, sector)
    partial = sector.partial_in(ctx.facts)
    if partial is not None:
        partial = reader_reason(partial)
        blocks.append(Paragraph(f"{partial[0].upper()}{partial[1:]}: the count is a floor."))
    registered = ctx.ledger.figure("locations", sector=s)
    chapter = Section(f"sector-{s.replace('_', '-')}", sector.label, blocks)
    if registered is not None and not registered.value:
        none_listed = (
            f"The CQC release lists no {sector.label.lower()} at {ctx.as_of_text}: there are "
            "none, or the release does not tell this sector apart."
        )
        blocks.append(
            Missing(f"{sector.label}", (none_listed[0].lower() + none_listed[1:],), none_listed)
        )
    data: list[Block] = [_key_data(ctx, sector, g.value) for g in KEY_GROUPS]
    if ctx.ledger.available("locations") and not ctx.has_client_groups():
        data = [
            Missing(
                "Key data by client group",
                (
                    "the CQC release loaded does not list the client groups (service user bands) "
                    "services are registered for: load an HSCA Active Locations release or a CQC "
                    "API extract",
                ),
                "Not known: the CQC release used does not list the client groups services are "
                "registered for.",
            )
        ]
    quality: list[Block] = []
    chart = rating_chart(ctx, [s], f"Current CQC ratings: {sector.label.lower()}")
    if chart is not None:
        quality.append(chart)
    level, areas = ctx.areas()
    table = metric_table(
        ctx,
        f"{sector.label} by {level.value} at {ctx.as_of_text}",
        [
            ("locations", "Locations"),
            *([("beds", "Beds")] if sector in CARE_HOMES else []),
            ("pct_good_or_outstanding", "Good or outstanding"),
            ("spend_in_year", "Our spend"),
        ],
        [(name, {"level": level, "area_code": code, "sector": s}) for code, name in areas],
        first_column=level.value.capitalize(),
    )
    if table is not None:
        quality.append(table)
    said = ctx.narrative(
        ["we_said_we_did"], sector=s, placeholder="In our last MPS we said / We have / We will"
    )
    intentions = ctx.narrative(
        ["commissioning_intentions", "sector"], sector=s, placeholder="Commissioning intentions"
    )
    chapter.subsections = [
        Section(
            f"{chapter.key}-key-data", "Key data by client group", list(data), page_break=False
        ),
        Section(
            f"{chapter.key}-quality", "Quality and where services are", quality, page_break=False
        ),
        Section(f"{chapter.key}-we-said", "We said, we have, we will", said, page_break=False),
        Section(
            f"{chapter.key}-intentions", "Commissioning intentions", intentions, page_break=False
        ),
    ]
    return chapter


def sectors(ctx: Context) -> Section:
    """The market sectors part: one chapter per sector."""
    part = Section("sectors", "Market sectors", [])
    part.blocks = [
        Paragraph(
            "Each chapter gives the sector's figures in the same order: our investment, the "
            "providers and places registered, quality, the workforce, key data for each client "
            "group, what we said and did since the last edition, and what we will commission."
        )
    ]
    if ctx.inputs.narrative is not None:
        part.blocks += ctx.narrative(["sector"])
    chosen = ctx.chapter_sectors()
    if Sector.CARE_HOME in chosen:
        part.blocks.append(
            Paragraph(
                "The CQC release loaded does not say which care homes provide nursing, so care "
                "homes with and without nursing share one chapter."
            )
        )
    by_reason: dict[str, list[str]] = {}
    for untold, reason in ctx.untold_sectors().items():
        by_reason.setdefault(reason, []).append(untold.label.lower())
    if by_reason:
        told = tuple(
            f"{listed(labels)[0].upper()}{listed(labels)[1:]}: {reason}"
            for reason, labels in by_reason.items()
        )
        part.blocks.append(
            Missing(
                "Sectors this edition cannot describe",
                told,
                "Sectors this edition cannot describe. "
                + " ".join(f"{reader_reason(t)}." for t in told),
            )
        )
    # Asked only where the release can have unnamed services (else it names every one).
    can_be_unnamed = Sector.COMMUNITY_UNSPECIFIED.unknown_in(ctx.facts) is None
    unnamed = (
        ctx.ledger.figure("locations", sector=Sector.COMMUNITY_UNSPECIFIED.value)
        if can_be_unnamed
        else None
    )
    if unnamed is not None and unnamed.value:
        part.blocks.append(
            Paragraph(
                f"A further {unnamed.text} community-based adult social care locations are "
                "registered, but the release does not name the service they provide; they are "
                "counted in the supply tables and in the total, not in a sector chapter."
            )
        )
    part.subsections = [sector_chapter(ctx, s) for s in chosen]
    # Sector chapters follow on from one another: a chapter ending high on a page does not
    # leave the rest of it empty.
    for chapter in part.subsections:
        chapter.page_break = False
    return part
