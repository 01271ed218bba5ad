"""The problem as flat lists of tasks (one per carer needed per visit), fast to index in loops."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from caremarket.brokerage.rounds.problem import Gap, Problem

# Insertion looks next to this many neighbours of a task (and at the ends of rounds).
GRANULARITY = 30
# Proximity of two tasks (Vidal et al. 2013, as in PyVRP's granular neighbourhoods):
# travel, plus this weight on the minutes one would wait for the other's window, plus
# this weight on the minutes one would be late for the other's even starting early.
WEIGHT_WAIT = 0.2
WEIGHT_LATE = 1.0


def neighbours(
    travel: npt.NDArray[np.float64],
    place: list[int],
    duration: list[float],
    earliest: list[float],
    latest: list[float],
    count: int,
) -> list[frozenset[int]]:
    """Per task: the `count` tasks nearest in place and time, either way round."""
    n = len(place)
    if n <= 1:
        return [frozenset() for _ in range(n)]
    where = np.asarray(place)
    d = travel[np.ix_(where, where)]
    e = np.asarray(earliest, dtype=float)
    lat = np.asarray(latest, dtype=float)
    s = np.asarray(duration, dtype=float)
    # i then j: wait when j opens after i's latest finish; late when i's earliest is too late.
    wait = np.maximum(e[None, :] - d - s[:, None] - lat[:, None], 0.0)
    late = np.maximum(e[:, None] + s[:, None] + d - lat[None, :], 0.0)
    forward = d + WEIGHT_WAIT * wait + WEIGHT_LATE * late
    proximity = np.minimum(forward, forward.T)
    np.fill_diagonal(proximity, np.inf)
    keep = min(count, n - 1)
    order = np.argpartition(proximity, keep - 1, axis=1)[:, :keep]
    return [frozenset(int(j) for j in row) for row in order]


@dataclass
class TaskTable:
    """Tasks, carers and travel as plain lists: what the search reads in its inner loops.

    A job is a visit: one task, or two tasks (`partner`) whose starts must differ
    by `gap_min`..`gap_max` (second minus first) and be made by different carers.
    """

    travel: list[list[float]]
    place: list[int]
    duration: list[float]
    earliest: list[float]
    latest: list[float]
    visit_of: list[int]
    need_of: list[int]
    partner: list[int]
    is_second: list[bool]
    gap_min: list[float]
    gap_max: list[float]
    demand: list[float]
    eligible: list[list[int]]
    not_preferred: list[list[float]]
    jobs: list[tuple[int, ...]]
    start_place: list[int]
    end_place: list[int]
    shift_start: list[float]
    shift_end: list[float]
    max_minutes: list[float]
    capacity: list[float]
    rest: list[tuple[float, float, float] | None]
    w_travel: float
    w_late: float
    w_max_late: float
    w_unplaced: float
    hard_late: float
    near: list[frozenset[int]]  # per task: its neighbours (tasks), see `neighbours`
    max_travel: float = 0.0  # the longest travel between two places

    @property
    def num_tasks(self) -> int:
        """How many tasks there are."""
        return len(self.place)

    @property
    def num_carers(self) -> int:
        """How many carers (routes) there are."""
        return len(self.start_place)

    @classmethod
    def of(cls, problem: Problem) -> TaskTable:
        """Flatten a problem into tasks."""
        w = problem.weights
        table = cls(
            travel=problem.travel.astype(float).tolist(),
            place=[],
            duration=[],
            earliest=[],
            latest=[],
            visit_of=[],
            need_of=[],
            partner=[],
            is_second=[],
            gap_min=[],
            gap_max=[],
            demand=[],
            eligible=[],
            not_preferred=[],
            jobs=[],
            start_place=[c.start_place for c in problem.carers],
            end_place=[c.end_place for c in problem.carers],
            shift_start=[c.shift_start for c in problem.carers],
            shift_end=[c.shift_end for c in problem.carers],
            max_minutes=[c.max_minutes for c in problem.carers],
            capacity=list(problem.capacities) or [math.inf] * len(problem.carers),
            rest=[
                None if c.rest is None else (c.rest.earliest, c.rest.latest, c.rest.minutes)
                for c in problem.carers
            ],
            w_travel=w.travel,
            w_late=w.lateness,
            w_max_late=w.max_lateness,
            w_unplaced=w.unplaced,
            hard_late=problem.max_lateness_minutes,
            near=[],
        )
        for i, visit in enumerate(problem.visits):
            gap = visit.gap or Gap()
            first = len(table.place)
            ids = tuple(range(first, first + len(visit.needs)))
            table.jobs.append(ids)
            for n, need in enumerate(visit.needs):
                table.place.append(visit.place)
                table.duration.append(need.duration)
                table.earliest.append(visit.earliest)
                table.latest.append(visit.latest)
                table.visit_of.append(i)
                table.need_of.append(n)
                table.partner.append(ids[1 - n] if len(ids) == 2 else -1)
                table.is_second.append(n == 1)
                table.gap_min.append(gap.min_minutes)
                table.gap_max.append(gap.max_minutes)
                table.demand.append(problem.demands[i] if problem.demands and n == 0 else 0.0)
                table.eligible.append(problem.qualified(need))
                table.not_preferred.append(
                    [
                        w.not_preferred
                        if visit.preferred_carers and c.id not in visit.preferred_carers
                        else 0.0
                        for c in problem.carers
                    ]
                )
        table.max_travel = float(problem.travel.max()) if problem.travel.size else 0.0
        table.near = neighbours(
            problem.travel,
            table.place,
            table.duration,
            table.earliest,
            table.latest,
            GRANULARITY,
        )
        return table
