"""Commissioning intentions and key messages to providers (the council's words)."""

from __future__ import annotations

from caremarket.report.context import Context
from caremarket.report.model import Section


def intentions(ctx: Context) -> Section:
    """What the council will commission, and what it asks of providers."""
    section = Section("intentions", "Commissioning intentions and key messages", [])
    section.subsections = [
        Section(
            "intentions-commissioning",
            "Commissioning intentions",
            ctx.narrative(["commissioning_intentions"], placeholder="Commissioning intentions"),
            page_break=False,
        ),
        Section(
            "intentions-messages",
            "Key messages to providers",
            ctx.narrative(["key_messages"], placeholder="Key messages to providers"),
            page_break=False,
        ),
    ]
    return section
