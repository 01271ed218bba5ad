"""The foreword and the strategic context: the council's own words."""

from __future__ import annotations

from caremarket.report.context import Context
from caremarket.report.model import Section


def introduction(ctx: Context) -> Section:
    """The council's foreword (left out, and listed in the editor's checklist, when unwritten)."""
    blocks = ctx.narrative(["introduction"], placeholder="Foreword")
    return Section("introduction", "Foreword", list(blocks))


def strategic_context(ctx: Context) -> Section:
    """The health and care system, the council's vision and how it works with partners."""
    blocks = ctx.narrative(["strategic_context"], placeholder="Strategic context")
    return Section("strategic-context", "Strategic context", list(blocks), page_break=False)
