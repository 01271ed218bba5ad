"""Comparing an edition's figures with the previous edition's figures.json."""

from __future__ import annotations

from dataclasses import asdict

from caremarket.report.diff import changes
from caremarket.report.model import Figure


def _figure(metric: str, period: str, value: float, text: str) -> Figure:
    key = f"{metric}|council|E10000020|all|all|{period}"
    return Figure(key, metric, metric, "count", value, text, period=period)


def test_a_moved_date_is_compared_and_projection_periods_only_with_their_own() -> None:
    """Locations as at a new date compare with the old date's; growth only with the same span."""
    before = {
        "figures": [
            asdict(_figure("locations", "2026-03-01", 516, "516")),
            asdict(_figure("growth", "2020-2025", 28.5, "28.5%")),
            asdict(_figure("growth", "2020-2040", 90.0, "90.0%")),
        ]
    }
    now = [
        _figure("locations", "2026-06-01", 513, "513"),
        _figure("growth", "2020-2040", 92.6, "92.6%"),
        _figure("growth", "2020-2025", 28.5, "28.5%"),
    ]
    found = changes(before, now)
    assert [(c.label, c.before, c.after, c.direction) for c in found] == [
        ("locations", "516", "513", "down"),
        ("growth (2020 to 2040)", "90.0%", "92.6%", "up"),
    ]
