"""The problem as flat lists of tasks (one per carer needed per visit), fast to index in loops."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from caremarket.brokerage.rounds.problem import Gap, Problem

GRANULARITY = 30  # insertion looks next to this many nearest places (and round ends)


def _near(problem: Problem, count: int) -> list[frozenset[int]]:
    """Per place: the nearest `count` places and every carer's start and end place."""
    ends = {c.start_place for c in problem.carers} | {c.end_place for c in problem.carers}
    order = np.argsort(problem.travel + problem.travel.T, axis=1)[:, : count + 1]
    return [frozenset(int(j) for j in row) | ends for row in order]


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
    near: list[frozenset[int]]

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
            near=_near(problem, GRANULARITY),
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
        return table
