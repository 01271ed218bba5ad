"""Simulated days of home-care calls, drawn from the people the council's agreements serve.

Each person's hours a week (running agreements, and the hours the interim care
list asks for people still waiting) become calls on a day by the declared call pattern
(`zones.yaml`, `evaluation`): one to four calls in the morning, lunch, tea and
bed slots, at a usual time of their own, with a share of people needing two
carers. People with too few hours for a call a day get care on some days of
the week. Everything a person keeps from day to day (home, usual times, two
carers or one, care days) is drawn from the seed and their id alone, so the
same seed gives the same days whatever design is evaluated.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from caremarket.brokerage.zones.parameters import (
    EvaluationParameters,
    evaluation_parameters,
    zone_parameters,
)


@dataclass(frozen=True, slots=True)
class Client:
    """A person receiving home care: where they live and who serves them today."""

    person: str
    east: float
    north: float
    hours_per_week: float
    branch: str
    """The CQC location (branch office) serving them today; for a person waiting on the
    interim care list, the nearest home-care branch (see `zone_clients`)."""
    block: str = ""
    district_code: str = ""
    locality: str = ""
    area: str | None = None
    """How rural their home is (`rurality`): sets the road speed of drives to it."""
    waiting: bool = False
    """On the interim care list: no provider serves them yet."""


@dataclass(frozen=True, slots=True)
class Call:
    """One call on a simulated day: whose, when it may start, how long, one or two carers."""

    id: str
    client: int
    earliest: float
    latest: float
    minutes: float
    double_handed: bool
    slot: str


@dataclass(frozen=True)
class Day:
    """The calls of one simulated day."""

    number: int
    calls: tuple[Call, ...]


def _rounded(minutes: float, floor: float) -> float:
    return max(floor, 5.0 * round(minutes / 5.0))


def simulate_days(
    clients: Sequence[Client],
    days: int,
    seed: int = 0,
    parameters: EvaluationParameters | None = None,
) -> list[Day]:
    """`days` days of calls for the clients (the same for the same seed and clients)."""
    p = parameters or evaluation_parameters()
    mean_call = 60.0 * zone_parameters().mean_visit_hours
    plans = []
    for client in clients:
        rng = random.Random(f"{seed}:{client.person}")
        weekly = max(client.hours_per_week, 0.0) * 60.0
        daily = weekly / 7.0
        if daily >= p.min_daily_call_minutes:
            calls = min(p.max_calls, max(1, round(daily / mean_call)))
            care_days = frozenset(range(7))
            length = daily / calls
        else:
            per_week = min(7, max(1, round(weekly / p.min_daily_call_minutes)))
            calls = 1
            care_days = frozenset(rng.sample(range(7), per_week))
            length = weekly / per_week
        slots = [p.slots[name] for name in p.pattern[calls]]
        usual = [
            rng.uniform(s.opens + p.window_minutes, max(s.opens, s.closes - p.window_minutes))
            for s in slots
        ]
        double = rng.random() < p.double_handed_share
        plans.append((care_days, slots, usual, _rounded(length, p.min_call_minutes), double))
    out = []
    for number in range(days):
        made = []
        for c, (client, (care_days, slots, usual, minutes, double)) in enumerate(
            zip(clients, plans, strict=True)
        ):
            if weekly_day(number) not in care_days or clients[c].hours_per_week <= 0:
                continue
            rng = random.Random(f"{seed}:{client.person}:{number}")
            for slot, time in zip(slots, usual, strict=True):
                if rng.random() < p.cancelled_share:
                    continue
                made.append(
                    Call(
                        id=f"{client.person}-{number}-{slot.name}",
                        client=c,
                        earliest=round(time - p.window_minutes),
                        latest=round(time + p.window_minutes),
                        minutes=minutes,
                        double_handed=double,
                        slot=slot.name,
                    )
                )
        out.append(Day(number, tuple(made)))
    return out


def weekly_day(number: int) -> int:
    """The day of the week (0-6) a simulated day falls on."""
    return number % 7
