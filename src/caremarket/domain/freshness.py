"""How old the data behind a figure are, against the date the figure is asked for.

Every output that states figures for a date says which release they come
from and, when that release is older than the date by more than a declared
margin, warns in words a council officer reads. An edition of the Market
Position Statement refuses data older than its year by more than a year,
unless told to go ahead, and then says how old they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import yaml


def _limits() -> dict[str, Any]:
    """The dated, referenced limits in `data/freshness.yaml`."""
    text = resources.files("caremarket.domain.data").joinpath("freshness.yaml")
    loaded: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return loaded


# A figure's data may be this many months older than the date asked for before outputs
# warn; an MPS edition refuses data this many months older than its year's start.
WARN_AFTER_MONTHS: int = int(_limits()["warn_after_months"])
REFUSE_EDITION_AFTER_MONTHS: int = int(_limits()["refuse_edition_after_months"])

_DAYS_PER_MONTH = 365.25 / 12


def long_date(day: date) -> str:
    """1 June 2026."""
    return f"{day.day} {day.strftime('%B %Y')}"


def months_between(earlier: date, later: date) -> float:
    """Months from one date to another (negative when `later` is before `earlier`)."""
    return (later - earlier).days / _DAYS_PER_MONTH


def age_in_words(months: float) -> str:
    """'2 years and 3 months', '5 months', 'less than a month'."""
    whole = int(months)
    if whole < 1:
        return "less than a month"
    years, rest = divmod(whole, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if rest:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " and ".join(parts)


@dataclass(frozen=True, slots=True)
class Freshness:
    """The newest release behind some figures against the date they are asked for."""

    newest: date
    asked: date

    @property
    def months_old(self) -> float:
        """Months between the newest release and the date asked for (0 when not older)."""
        return max(0.0, months_between(self.newest, self.asked))

    @property
    def stale(self) -> bool:
        """Whether the data are old enough to warn about."""
        return self.months_old > WARN_AFTER_MONTHS

    def warning(self) -> str | None:
        """A sentence for the reader when the data are old (None when they are not)."""
        if not self.stale:
            return None
        return (
            f"These figures come from data of {long_date(self.newest)}, "
            f"{age_in_words(self.months_old)} before {long_date(self.asked)}: "
            "they describe the market as it was then, not as it is on that date."
        )


def edition_start(edition: str | int) -> date | None:
    """The first day of an edition's year ('2026', '2026-27' or 2026); None if it has none."""
    text = str(edition).strip()
    head = text[:4]
    if len(head) == 4 and head.isdigit():
        return date(int(head), 1, 1)
    return None


def edition_too_old(newest: date, edition: str | int) -> str | None:
    """Why data of `newest` are too old for an edition (None when they are fit for it)."""
    start = edition_start(edition)
    if start is None:
        return None
    months = months_between(newest, start)
    if months <= REFUSE_EDITION_AFTER_MONTHS:
        return None
    return (
        f"the newest release used is of {long_date(newest)}, {age_in_words(months)} before "
        f"the {edition} edition's year begins (more than {REFUSE_EDITION_AFTER_MONTHS} months)"
    )
