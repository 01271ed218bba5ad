"""A home-care provider's day in the demo county: people, their calls and the carers on shift.

Synthetic, like the rest of the demo, but shaped like a real day of a provider
around Norwich: each person has one to four calls in the morning, lunch, tea and
bed bands, each 30 to 60 minutes with an hour's window around a set time; about
one call in eight needs two carers at once (people who need a hoist); some need
medication or dementia care; each person knows two or three carers, who live
near them and work the shifts their calls fall in (continuity of carer). Carers
work early, late or split shifts, with a break (the split shift's afternoon off is
its break) and a maximum of working hours. Homes and carers' homes are real
postcodes; travel is the calibrated straight-line estimate. The numbers below are
assumptions of the demo, chosen to look like a real day, not measurements.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Final

from caremarket.brokerage.rounds.problem import Break, Carer, Gap, Need, Place, Problem, Visit
from caremarket.brokerage.rounds.templates import CARE_WEIGHTS
from caremarket.brokerage.rounds.travel import StraightLine
from caremarket.demo.norfolk_postcodes import Postcode, norfolk_postcodes


@dataclass(frozen=True)
class Band:
    """A call band: the set times of its calls are spread from `first` to `last`."""

    name: str
    first: int
    last: int


@dataclass(frozen=True)
class Shift:
    """A kind of shift: hours, break (start window and minutes) and maximum working minutes."""

    name: str
    start: int
    end: int
    rest: tuple[int, int, int]
    max_minutes: int
    share: float


MORNING: Final = Band("morning", 7 * 60 + 30, 10 * 60 + 30)
LUNCH: Final = Band("lunch", 12 * 60, 13 * 60 + 30)
TEA: Final = Band("tea", 16 * 60 + 30, 18 * 60)
BED: Final = Band("bed", 19 * 60 + 30, 21 * 60 + 30)
# Calls a day (bands) and the share of people with that pattern.
PATTERNS: Final = (
    ((MORNING,), 0.25),
    ((MORNING, TEA), 0.20),
    ((MORNING, BED), 0.15),
    ((MORNING, TEA, BED), 0.15),
    ((MORNING, LUNCH, TEA, BED), 0.25),
)
CALL_MINUTES: Final = ((30, 0.45), (45, 0.35), (60, 0.20))
WINDOW_MINUTES: Final = 30  # a call may start this long either side of its set time
LATE_LIMIT_MINUTES: Final = 30  # and at most this long after its window closes
DOUBLE_SHARE: Final = 0.12  # of calls, made by two carers at once (hoist users)
MEDICATION_SHARE: Final = 0.4
DEMENTIA_SHARE: Final = 0.2
KNOWN_CARERS: Final = (2, 3)
SHIFTS: Final = (
    Shift("split", 7 * 60, 22 * 60 + 30, (12 * 60 + 30, 14 * 60, 150), 10 * 60, 0.55),
    Shift("early", 7 * 60, 15 * 60, (11 * 60, 13 * 60, 20), 8 * 60, 0.30),
    Shift("late", 14 * 60, 22 * 60 + 30, (17 * 60 + 30, 19 * 60, 20), 8 * 60, 0.15),
)
DEMENTIA_TRAINED: Final = 0.6  # of carers
HOIST_TRAINED: Final = 0.8
CENTRE: Final = (52.628, 1.297)  # Norwich
PATCH_KM: Final = 9.0  # the provider's patch: homes within this distance of the centre
VISITS_PER_CARER: Final = 8.0


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.2
    dx = (a[1] - b[1]) * 111.2 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def _patch() -> list[Postcode]:
    return [p for p in norfolk_postcodes() if _km((p.latitude, p.longitude), CENTRE) <= PATCH_KM]


def _pick(rng: random.Random, options: tuple[tuple[object, float], ...]) -> object:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def provider_day(num_visits: int, seed: int = 2026, num_carers: int | None = None) -> Problem:
    """A day of about `num_visits` calls (200 to 1,000 is the intended range) and its carers.

    Carers: `num_carers`, or one per `VISITS_PER_CARER` calls. The same seed gives
    the same day. Continuity is in the objective through `Weights.not_preferred`
    (the cost of a call made by a carer the person does not know).
    """
    if num_visits < 1:
        raise ValueError("a day needs at least one visit")
    rng = random.Random(f"provider-day-{seed}-{num_visits}")
    homes = _patch()
    rng.shuffle(homes)
    count = num_carers or max(2, round(num_visits / VISITS_PER_CARER))
    carers, carer_homes = _carers(count, homes, rng)
    places = [Place(f"carer home {c.id}", h.longitude, h.latitude) for c, h in carer_homes]
    visits: list[Visit] = []
    person = 0
    double_calls = 0
    while len(visits) < num_visits:
        person += 1
        home = homes[(len(carers) + person) % len(homes)]
        pattern = _pick(rng, PATTERNS)
        assert isinstance(pattern, tuple)
        place = len(places)
        places.append(Place(f"home of P{person:05d}", home.longitude, home.latitude))
        minutes = int(str(_pick(rng, CALL_MINUTES)))
        want_double = double_calls < DOUBLE_SHARE * (len(visits) + len(pattern))
        double = want_double and rng.random() < 0.5
        skills = {"personal_care"}
        if rng.random() < MEDICATION_SHARE:
            skills.add("medication")
        if rng.random() < DEMENTIA_SHARE:
            skills.add("dementia")
        known = _known(home, [b.first for b in pattern], carer_homes, rng)
        for band in pattern:
            if len(visits) >= num_visits:
                break
            at = 5 * round(rng.uniform(band.first, band.last) / 5)
            needs: tuple[Need, ...] = (Need(frozenset(skills), minutes),)
            if double:
                needs = (
                    Need(frozenset(skills | {"moving_and_handling"}), minutes),
                    Need(frozenset({"personal_care", "moving_and_handling"}), minutes),
                )
                double_calls += 1
            visits.append(
                Visit(
                    id=f"P{person:05d}-{band.name}",
                    person=f"P{person:05d}",
                    place=place,
                    earliest=at - WINDOW_MINUTES,
                    latest=at + WINDOW_MINUTES,
                    needs=needs,
                    gap=Gap(0, 0) if double else None,
                    preferred_carers=known,
                )
            )
    travel = StraightLine.calibrated().minutes(places)
    return Problem(
        visits=tuple(visits),
        carers=tuple(carers),
        places=tuple(places),
        travel=travel,
        weights=CARE_WEIGHTS,
        max_lateness_minutes=LATE_LIMIT_MINUTES,
    )


def _carers(
    count: int, homes: list[Postcode], rng: random.Random
) -> tuple[list[Carer], list[tuple[Carer, Postcode]]]:
    carers: list[Carer] = []
    pairs: list[tuple[Carer, Postcode]] = []
    for n in range(count):
        shift = _shift_of(n, count)
        skills = {"personal_care", "medication"}
        if rng.random() < DEMENTIA_TRAINED:
            skills.add("dementia")
        if rng.random() < HOIST_TRAINED:
            skills.add("moving_and_handling")
        home = homes[n % len(homes)]
        carer = Carer(
            id=f"C{n + 1:03d}",
            start_place=n,
            end_place=n,
            shift_start=shift.start,
            shift_end=shift.end,
            skills=frozenset(skills),
            max_minutes=shift.max_minutes,
            rest=Break(shift.rest[0], shift.rest[1], shift.rest[2]),
        )
        carers.append(carer)
        pairs.append((carer, home))
    return carers, pairs


def _shift_of(n: int, count: int) -> Shift:
    """Shifts in their shares, in turn (split, early, late, split, ...)."""
    edge = 0.0
    position = (n + 0.5) / count
    for shift in SHIFTS:
        edge += shift.share
        if position < edge:
            return shift
    return SHIFTS[-1]


def _known(
    home: Postcode,
    times: list[int],
    carers: list[tuple[Carer, Postcode]],
    rng: random.Random,
) -> frozenset[str]:
    """Two or three carers living near the person whose shifts cover some of their calls."""
    here = (home.latitude, home.longitude)
    fits = [(c, h) for c, h in carers if any(c.shift_start <= t <= c.shift_end - 30 for t in times)]
    fits.sort(key=lambda ch: _km(here, (ch[1].latitude, ch[1].longitude)))
    near = fits[:8]
    how_many = rng.randint(*KNOWN_CARERS)
    return frozenset(c.id for c, _ in rng.sample(near, min(how_many, len(near))))
