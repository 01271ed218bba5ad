"""Commissioning intentions, key messages to providers, and what the council said and did
since the last edition (the council's words)."""

from __future__ import annotations

from caremarket.report.context import ANY, Context
from caremarket.report.model import Block, Paragraph, Section


def intentions(ctx: Context) -> Section:
    """What the council will commission, what it asks of providers, and what it has done."""
    commissioning: list[Block] = ctx.narrative(["commissioning_intentions"])
    if ctx.inputs.narrative is not None and not commissioning:
        by_sector = ctx.narrative(["commissioning_intentions"], sector=ANY)
        commissioning = (
            [Paragraph("Our commissioning intentions are given in each sector's chapter.")]
            if by_sector
            else ctx.narrative(["commissioning_intentions"], placeholder="Commissioning intentions")
        )
    section = Section("intentions", "Commissioning intentions and key messages", [])
    section.subsections = [
        Section(
            "intentions-commissioning", "Commissioning intentions", commissioning, page_break=False
        ),
        Section(
            "intentions-messages",
            "Key messages to providers",
            ctx.narrative(["key_messages"], sector=ANY, placeholder="Key messages to providers"),
            page_break=False,
        ),
    ]
    if ctx.inputs.narrative is not None:
        said = ctx.narrative(["we_said_we_did", "other"])
        if said:
            section.subsections.append(
                Section("intentions-we-said", "What we said and what we did", said,
                        page_break=False)
            )  # fmt: skip
    return section
