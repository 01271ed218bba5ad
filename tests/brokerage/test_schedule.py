"""The planner's exact scheduler: an order that can never be kept is refused and undone."""

from __future__ import annotations

import numpy as np

from caremarket.brokerage.rounds import Carer, Gap, Need, Place, Problem, Visit
from caremarket.brokerage.rounds.search.schedule import TRIAL_PASSES, Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable

CARE = frozenset({"personal_care"})


def test_crossing_pairs_are_refused_and_the_snapshot_restores_the_times() -> None:
    """A before B on one round and B before A on the other never settles; restore undoes it."""
    both = (Need(CARE, 30), Need(CARE, 30))
    problem = Problem(
        visits=(
            Visit("A", "P1", 1, 480, 600, both, Gap(0, 0)),
            Visit("B", "P2", 2, 480, 600, both, Gap(0, 0)),
        ),
        carers=(Carer("C1", 0, 0, 420, 1200, CARE), Carer("C2", 0, 0, 420, 1200, CARE)),
        places=(Place("base", 0, 0), Place("a", 1, 0), Place("b", 2, 0)),
        travel=np.array([[0.0, 10, 10], [10, 0, 10], [10, 10, 0]]),
    )
    table = TaskTable.of(problem)
    (a0, a1), (b0, b1) = table.jobs
    schedule = Schedule(table)
    schedule.routes = [[a0, b0], [b1]]
    assert schedule.evaluate()
    times, cost = list(schedule.start), schedule.cost
    before = schedule.snapshot()
    schedule.routes[1].append(a1)
    schedule.route_of[a1] = 1
    assert not schedule.evaluate(dirty={1}, limit=TRIAL_PASSES)
    schedule.routes[1].remove(a1)
    schedule.route_of[a1] = -1
    schedule.restore(before)
    assert schedule.start == times and schedule.cost == cost and schedule.feasible
    schedule.routes[1].insert(0, a1)
    schedule.route_of[a1] = 1
    assert schedule.evaluate(dirty={1}, limit=TRIAL_PASSES)
    assert schedule.start[a0] == schedule.start[a1] and schedule.start[b0] == schedule.start[b1]
