"""What a request asks for: a person's need at postcode-district level, never an address."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Final

DISTRICT: Final = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
"""An outward code (postcode district) such as NR1, PE30 or IP22."""

DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Urgency(StrEnum):
    """How soon care must start."""

    ROUTINE = "routine"
    URGENT = "urgent"
    HOSPITAL_DISCHARGE = "hospital_discharge"


class Funding(StrEnum):
    """Who pays for the care (the council extract's vocabulary)."""

    COUNCIL_MANAGED = "council_managed"
    DIRECT_PAYMENT = "direct_payment"
    HEALTH = "health"
    SELF_FUNDED = "self_funded"
    UNKNOWN = "unknown"


class TimeOfDay(StrEnum):
    """When in the day a visit falls."""

    MORNING = "morning"
    LUNCH = "lunch"
    TEA = "tea"
    BED = "bed"
    NIGHT = "night"


@dataclass(frozen=True, slots=True)
class Visit:
    """One visit of the weekly pattern: when, which days, how long, one or two carers."""

    time_of_day: TimeOfDay
    days: tuple[str, ...] = DAYS
    minutes: int = 45
    double_handed: bool = False

    def as_json(self) -> dict[str, Any]:
        """The visit as stored and served."""
        return {
            "time_of_day": self.time_of_day.value,
            "days": list(self.days),
            "minutes": self.minutes,
            "double_handed": self.double_handed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Visit:
        """A visit from its stored form (ValueError naming what is wrong)."""
        days = tuple(str(d) for d in data.get("days", DAYS))
        if not days or any(d not in DAYS for d in days):
            raise ValueError(f"visit days must be among {', '.join(DAYS)}, got {list(days)}")
        minutes = int(data.get("minutes", 45))
        if not 5 <= minutes <= 600:
            raise ValueError(f"a visit lasts 5 to 600 minutes, got {minutes}")
        return cls(
            TimeOfDay(data["time_of_day"]), days, minutes, bool(data.get("double_handed", False))
        )


@dataclass(frozen=True, slots=True)
class Need:
    """A request's content: where (district), how much, when, what skills, how urgent."""

    postcode_district: str
    hours_per_week: float
    date_added: date
    locality: str | None = None
    zone: str | None = None
    visits: tuple[Visit, ...] = ()
    skills: tuple[str, ...] = ()
    start_by: date | None = None
    urgency: Urgency = Urgency.ROUTINE
    funding: str = "unknown"
    usual_rate_gbp_per_hour: float | None = None
    person_ref: str | None = None
    person_details: dict[str, Any] = field(default_factory=dict)

    def problems(self) -> list[tuple[str, str, str]]:
        """What is wrong with the need, as (field, expected, got); empty when it is sound."""
        found: list[tuple[str, str, str]] = []
        if not DISTRICT.match(self.postcode_district):
            found.append(
                ("postcode_district", "a postcode district such as NR1", self.postcode_district)
            )
        if not 0 < round(self.hours_per_week, 2) <= 168:
            found.append(
                (
                    "hours_per_week",
                    "hours a week above 0 and at most 168",
                    f"{self.hours_per_week:g}",
                )
            )
        if self.start_by is not None and self.start_by < self.date_added:
            found.append(
                (
                    "start_by",
                    f"a date on or after the date added ({self.date_added.isoformat()})",
                    self.start_by.isoformat(),
                )
            )
        return found
