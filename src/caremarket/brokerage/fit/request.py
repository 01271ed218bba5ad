"""A package to place: where (postcode district only), and its calls in the week.

The request never carries an address: its calls sit at its postcode district, as
the broker sees it before award.
"""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.brokerage.fit.parameters import FitParameters

EVERY_DAY: frozenset[int] = frozenset(range(7))
"""Monday (0) to Sunday (6)."""


@dataclass(frozen=True, slots=True)
class RequestCall:
    """One call of a package: its start window (minutes after midnight), length, days, carers."""

    name: str
    earliest: float
    latest: float
    duration_minutes: float
    days: frozenset[int] = EVERY_DAY
    carers: int = 1
    skills: frozenset[str] = frozenset({"personal_care"})

    def __post_init__(self) -> None:
        """Refuse a call that cannot be made."""
        if self.latest < self.earliest:
            raise ValueError(f"call {self.name}: its window closes before it opens")
        if self.duration_minutes <= 0:
            raise ValueError(f"call {self.name}: its length must be more than 0 minutes")
        if self.carers not in (1, 2):
            raise ValueError(f"call {self.name}: one or two carers, got {self.carers}")
        if not self.days or not self.days <= EVERY_DAY:
            raise ValueError(f"call {self.name}: days are 0 (Monday) to 6 (Sunday)")

    @property
    def contact_minutes_per_week(self) -> float:
        """Carer minutes in the home a week (both carers of a double-handed call)."""
        return self.duration_minutes * self.carers * len(self.days)


@dataclass(frozen=True, slots=True)
class FitRequest:
    """A person's package: an id (never a name), postcode district and the calls of a week."""

    id: str
    postcode_district: str
    calls: tuple[RequestCall, ...]

    def __post_init__(self) -> None:
        """Refuse a request with no calls or calls sharing a name."""
        if not self.calls:
            raise ValueError(f"request {self.id}: no calls")
        names = [c.name for c in self.calls]
        if len(set(names)) != len(names):
            raise ValueError(f"request {self.id}: call names must be unique")

    @property
    def contact_hours_per_week(self) -> float:
        """Carer hours in the home a week."""
        return sum(c.contact_minutes_per_week for c in self.calls) / 60

    @property
    def skills(self) -> frozenset[str]:
        """Every skill any call needs."""
        return frozenset().union(*(c.skills for c in self.calls))


def daily_calls(
    hours_per_week: float,
    parameters: FitParameters,
    skills: frozenset[str] = frozenset({"personal_care"}),
    double_handed: frozenset[str] = frozenset(),
) -> tuple[RequestCall, ...]:
    """Calls every day in the declared bands for a number of hours a week.

    Up to the declared daily minutes one morning call, then morning and tea, then all
    four bands; each call the same length (5-minute steps, the declared shortest at
    least). Bands named in `double_handed` take two carers (the hours count both).
    """
    if hours_per_week <= 0:
        raise ValueError(f"hours a week must be more than 0, got {hours_per_week}")
    daily = hours_per_week * 60 / 7
    bands = parameters.call_bands
    if daily <= parameters.one_call_up_to_minutes_a_day:
        names = ["morning"]
    elif daily <= parameters.two_calls_up_to_minutes_a_day:
        names = ["morning", "tea"]
    else:
        names = ["morning", "lunch", "tea", "bed"]
    carer_calls = len(names) + sum(1 for n in names if n in double_handed)
    minutes = max(parameters.shortest_call_minutes, 5 * round(daily / carer_calls / 5))
    return tuple(
        RequestCall(
            name,
            bands[name][0],
            bands[name][1],
            minutes,
            EVERY_DAY,
            2 if name in double_handed else 1,
            skills,
        )
        for name in names
    )
