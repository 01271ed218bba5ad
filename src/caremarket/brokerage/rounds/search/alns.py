"""Adaptive large neighbourhood search: take visits out, put them back, keep what pays.

Destroy moves are chosen by adaptive weights (Ropke & Pisinger, 2006); repair is
greedy insertion in one of several orders, with or without cost noise; a
candidate is accepted by simulated annealing on the exact rescheduled cost.
"""

from __future__ import annotations

import math
import random

from caremarket.brokerage.rounds.search.insertion import Inserter
from caremarket.brokerage.rounds.search.removal import REMOVALS
from caremarket.brokerage.rounds.search.schedule import Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.stop import StoppingCriterion

_SCORES = (33.0, 9.0, 13.0)  # new best, better than current, accepted
_DECAY = 0.8
_SEGMENT = 100
# A plan 1% worse is accepted half the time at first; the temperature then cools 500-fold.
TEMP_FACTOR = 0.01
# At most this many visits come out per iteration (20, 30 and 45 tried at equal CPU time on
# E1-G2: 30 was best; with fewer, more but smaller iterations gained less).
MAX_REMOVE = 30
_REPAIRS = ("earliest", "random", "hardest", "noisy")


def _order(table: TaskTable, jobs: list[int], how: str, rng: random.Random) -> list[int]:
    if how == "earliest":
        return sorted(jobs, key=lambda j: table.earliest[table.jobs[j][0]])
    if how == "hardest":
        return sorted(jobs, key=lambda j: (-len(table.jobs[j]), table.earliest[table.jobs[j][0]]))
    shuffled = list(jobs)
    rng.shuffle(shuffled)
    return shuffled


def construct(table: TaskTable, rng: random.Random) -> Schedule:
    """A first plan: double-handed visits first, then by window, each where it costs least."""
    schedule = Schedule(table)
    schedule.evaluate()
    Inserter(schedule, rng).insert_all(_order(table, list(range(len(table.jobs))), "hardest", rng))
    return schedule


def starting_temperature(table: TaskTable, schedule: Schedule) -> float:
    """The annealing's first temperature, in proportion to a plan's cost."""
    # Scale by the plan's own cost, not the penalty for visits construction left out.
    base = schedule.cost - table.w_unplaced * schedule.num_unplaced
    return TEMP_FACTOR * base / math.log(2) if 0 < base < math.inf else 1.0


def search(
    table: TaskTable,
    stop: StoppingCriterion,
    rng: random.Random,
    initial: Schedule | None = None,
    start_temp: float | None = None,
) -> Schedule:
    """Improve a plan (`initial`, or one constructed) until `stop` says so; return the best.

    The temperature falls with `stop.fraction` from `start_temp` (by default set
    from the first plan's cost).
    """
    current = construct(table, rng) if initial is None else initial.copy()
    best = current.copy()
    if not table.jobs:
        return best
    num_jobs = len(table.jobs)
    removal_weights = [1.0] * len(REMOVALS)
    repair_weights = [1.0] * len(_REPAIRS)
    scores_d = [0.0] * len(REMOVALS)
    scores_r = [0.0] * len(_REPAIRS)
    uses_d = [0] * len(REMOVALS)
    uses_r = [0] * len(_REPAIRS)
    if start_temp is None:
        start_temp = starting_temperature(table, current)
    upper = max(2, min(MAX_REMOVE, int(0.25 * num_jobs)))
    lower = min(2, upper)
    iteration = 0
    while not stop(iteration):
        temp = start_temp * (0.002 ** stop.fraction(iteration))
        d = rng.choices(range(len(REMOVALS)), weights=removal_weights)[0]
        r = rng.choices(range(len(_REPAIRS)), weights=repair_weights)[0]
        candidate = current.copy()
        count = rng.randint(lower, upper)
        jobs = REMOVALS[d](candidate, rng, count)
        unplaced = [j for j, tasks in enumerate(table.jobs) if candidate.route_of[tasks[0]] < 0]
        candidate.remove_jobs(jobs)
        noise = 0.1 if _REPAIRS[r] == "noisy" else 0.0
        order = _order(table, jobs + unplaced, "random" if noise else _REPAIRS[r], rng)
        Inserter(candidate, rng, noise).insert_all(order)
        score = 0.0
        if candidate.feasible and candidate.cost < best.cost - 1e-9:
            best = candidate.copy()
            current = candidate
            score = _SCORES[0]
        elif candidate.feasible and candidate.cost < current.cost - 1e-9:
            current = candidate
            score = _SCORES[1]
        elif candidate.feasible and rng.random() < math.exp(
            -(candidate.cost - current.cost) / max(temp, 1e-12)
        ):
            current = candidate
            score = _SCORES[2]
        scores_d[d] += score
        scores_r[r] += score
        uses_d[d] += 1
        uses_r[r] += 1
        iteration += 1
        if iteration % _SEGMENT == 0:
            _update(removal_weights, scores_d, uses_d)
            _update(repair_weights, scores_r, uses_r)
    return best


def _update(weights: list[float], scores: list[float], uses: list[int]) -> None:
    for i in range(len(weights)):
        if uses[i]:
            weights[i] = _DECAY * weights[i] + (1 - _DECAY) * max(scores[i] / uses[i], 0.5)
        scores[i] = 0.0
        uses[i] = 0
