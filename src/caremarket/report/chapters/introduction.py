"""Introduction, the edition at a glance, and the strategic context (the council's words)."""

from __future__ import annotations

from caremarket.report.context import Context
from caremarket.report.model import Block, KeyData, KeyFigure, Section


def _glance(ctx: Context) -> KeyData:
    day = ctx.as_of_text
    wanted: tuple[tuple[str, str, dict[str, str]], ...] = (
        ("locations", "Registered adult social care locations at {day}", {}),
        ("providers", "Providers running them", {}),
        ("beds", "Registered care home beds at {day}", {}),
        ("pct_good_or_outstanding", "Rated good or outstanding by CQC at {day}", {}),
        ("population_aged_65_plus", "People aged 65 and over in {period}", {"period": "first"}),
        ("growth_aged_85_plus", "Projected growth in people aged 85 and over, {period}", {}),
        ("people_waiting", "People waiting for home care at {day}", {}),
        ("spend_in_year", "Our spend on adult social care in {period}", {}),
        ("jobs", "Jobs in adult social care", {}),
    )
    items: list[KeyFigure] = []
    for name, sentence, arguments in wanted:
        figure = ctx.ledger.figure(name, period=arguments.get("period", "last"))
        if figure is None:
            continue
        items.append(KeyFigure(sentence.format(day=day, period=figure.period), figure))
    return KeyData("This edition at a glance", tuple(items))


def introduction(ctx: Context) -> Section:
    """The council's foreword and the key figures of the edition."""
    blocks: list[Block] = [
        *ctx.narrative(["introduction"], placeholder="Introduction"),
        _glance(ctx),
    ]
    return Section("introduction", "Introduction", blocks)


def strategic_context(ctx: Context) -> Section:
    """The health and care system, the council's vision and how it works with partners."""
    blocks = ctx.narrative(["strategic_context"], placeholder="Strategic context")
    return Section("strategic-context", "Strategic context", list(blocks), page_break=False)
