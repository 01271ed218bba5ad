"""How figures are written in the document: money, counts, percentages and dates."""

from __future__ import annotations

from datetime import date

from caremarket.domain.freshness import long_date
from caremarket.metrics import Unit

__all__ = [
    "listed",
    "long_date",
    "money",
    "number",
    "ordinal",
    "period_label",
    "period_text",
    "unit_words",
]

_UNIT_WORDS = {
    Unit.COUNT: "number",
    Unit.PEOPLE: "people",
    Unit.BEDS: "beds",
    Unit.JOBS: "jobs",
    Unit.PERCENT: "per cent",
    Unit.GBP: "pounds",
    Unit.GBP_PER_WEEK: "pounds a week",
    Unit.GBP_PER_HOUR: "pounds an hour",
    Unit.HOURS_PER_WEEK: "hours a week",
    Unit.DAYS: "days",
    Unit.MONTHS: "months",
    Unit.PER_1000: "per 1,000 people",
    Unit.PER_100000: "per 100,000 people",
    Unit.SCORE: "score",
    Unit.RANK: "place in a ranking",
}


def unit_words(unit: Unit | str) -> str:
    """A unit as a reader says it: 'pounds a week', 'per cent'."""
    return _UNIT_WORDS[Unit(unit)]


def money(value: float) -> str:
    """Pounds as a council writes them: £37.3m, £412k, £950."""
    size = abs(value)
    if size >= 1_000_000:
        return f"£{value / 1_000_000:,.1f}m"
    if size >= 10_000:
        return f"£{value / 1_000:,.0f}k"
    return f"£{value:,.0f}"


def number(value: float, unit: Unit | str) -> str:
    """A value in its unit's style."""
    kind = Unit(unit)
    if kind is Unit.GBP:
        return money(value)
    if kind is Unit.GBP_PER_WEEK:
        return f"£{value:,.2f} a week"
    if kind is Unit.GBP_PER_HOUR:
        return f"£{value:,.2f} an hour"
    if kind is Unit.PERCENT:
        return f"{value:.1f}%"
    if kind in (Unit.PER_1000, Unit.MONTHS, Unit.DAYS) and value != round(value):
        return f"{value:,.1f}"
    if kind is Unit.HOURS_PER_WEEK:
        return f"{value:,.0f} hours a week"
    if kind is Unit.RANK:
        return ordinal(int(value))
    return f"{value:,.0f}"


def ordinal(value: int) -> str:
    """1st, 2nd, 3rd, 11th."""
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def period_text(period: str) -> str:
    """A metric's period as words: an ISO date as a long date, else as given."""
    try:
        return long_date(date.fromisoformat(period))
    except ValueError:
        return period


def period_label(period: str) -> str:
    """A span of years in words ('2020-2040' -> '2020 to 2040'); a financial year such as
    '2025-26', or anything else, as given."""
    first, dash, last = period.partition("-")
    if dash and len(first) == 4 and len(last) == 4 and first.isdigit() and last.isdigit():
        return f"{first} to {last}"
    return period


def listed(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
