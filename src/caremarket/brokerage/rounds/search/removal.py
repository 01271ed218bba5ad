"""Ways to take visits off the rounds before putting them back: the destroy half of the search."""

from __future__ import annotations

import random
from collections.abc import Callable

from caremarket.brokerage.rounds.search.schedule import Schedule

Removal = Callable[[Schedule, random.Random, int], list[int]]


def _placed(schedule: Schedule) -> list[int]:
    route_of = schedule.route_of
    return [j for j, tasks in enumerate(schedule.table.jobs) if route_of[tasks[0]] >= 0]


def random_visits(schedule: Schedule, rng: random.Random, count: int) -> list[int]:
    """Any visits, uniformly."""
    placed = _placed(schedule)
    return rng.sample(placed, min(count, len(placed)))


def _biased_pick(ranked: list[int], rng: random.Random, count: int, power: float) -> list[int]:
    """Pick from a ranked list, favouring the front (the larger `power`, the stronger)."""
    chosen: list[int] = []
    pool = list(ranked)
    while pool and len(chosen) < count:
        chosen.append(pool.pop(int(rng.random() ** power * len(pool))))
    return chosen


def costly_visits(schedule: Schedule, rng: random.Random, count: int) -> list[int]:
    """Visits whose detour and lateness cost most, with some randomness."""
    tb = schedule.table
    travel, place, start, latest = tb.travel, tb.place, schedule.start, tb.latest
    score = [0.0] * len(tb.jobs)
    for k, route in enumerate(schedule.routes):
        prev = tb.start_place[k]
        for j, t in enumerate(route):
            nxt = place[route[j + 1]] if j + 1 < len(route) else tb.end_place[k]
            here = place[t]
            detour = travel[prev][here] + travel[here][nxt] - travel[prev][nxt]
            late = max(0.0, start[t] - latest[t])
            score[tb.visit_of[t]] += tb.w_travel * detour + tb.w_late * late
            prev = here
    ranked = sorted(_placed(schedule), key=lambda j: -score[j])
    return _biased_pick(ranked, rng, count, 4.0)


def related_visits(schedule: Schedule, rng: random.Random, count: int) -> list[int]:
    """Visits close in place and time to a random seed visit (Shaw removal)."""
    tb = schedule.table
    placed = _placed(schedule)
    if not placed:
        return []
    travel, start = tb.travel, schedule.start
    span = tb.max_travel or 1.0
    horizon = (max(tb.latest) - min(tb.earliest)) or 1.0
    chosen = [rng.choice(placed)]
    rest = set(placed) - set(chosen)
    while rest and len(chosen) < count:
        seed = tb.jobs[rng.choice(chosen)][0]
        ranked = sorted(
            rest,
            key=lambda j: (
                travel[tb.place[seed]][tb.place[tb.jobs[j][0]]] / span
                + abs(start[seed] - start[tb.jobs[j][0]]) / horizon
            ),
        )
        pick = _biased_pick(ranked, rng, 1, 6.0)[0]
        chosen.append(pick)
        rest.discard(pick)
    return chosen


def whole_rounds(schedule: Schedule, rng: random.Random, count: int) -> list[int]:
    """Every visit of one or more random rounds, until about `count` visits are out."""
    tb = schedule.table
    order = [k for k, r in enumerate(schedule.routes) if r]
    rng.shuffle(order)
    chosen: list[int] = []
    seen: set[int] = set()
    for k in order:
        if len(chosen) >= count:
            break
        for t in schedule.routes[k]:
            j = tb.visit_of[t]
            if j not in seen:
                seen.add(j)
                chosen.append(j)
    return chosen


def late_visits(schedule: Schedule, rng: random.Random, count: int) -> list[int]:
    """Visits that start latest after their window, and some around them in time."""
    tb = schedule.table
    start, latest = schedule.start, tb.latest
    ranked = sorted(_placed(schedule), key=lambda j: -max(start[t] - latest[t] for t in tb.jobs[j]))
    return _biased_pick(ranked, rng, count, 3.0)


REMOVALS: tuple[Removal, ...] = (
    random_visits,
    costly_visits,
    related_visits,
    whole_rounds,
    late_visits,
)
