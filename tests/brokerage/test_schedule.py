"""The planner's exact scheduler refuses an order that can never be kept; a helper searches."""

from __future__ import annotations

import io
import itertools
import pickle

import numpy as np

from caremarket.brokerage.rounds import Carer, Gap, MaxIterations, Need, Place, Problem, Visit
from caremarket.brokerage.rounds.search.schedule import TRIAL_PASSES, Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.search.worker import serve
from caremarket.brokerage.rounds.stop import Epoch

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


def test_a_portfolio_helper_answers_an_epoch_through_its_pipes() -> None:
    """The helper reads (table, stop, seed, routes, temperature) and writes back better routes."""
    care = (Need(CARE, 20),)
    problem = Problem(
        visits=tuple(Visit(f"V{i}", f"P{i}", i, 480, 600, care) for i in (1, 2, 3)),
        carers=(Carer("C1", 0, 0, 420, 1200, CARE),),
        places=tuple(Place(str(i), i, 0) for i in range(4)),
        travel=np.abs(np.subtract.outer(np.arange(4.0), np.arange(4.0))) * 10,
    )
    table = TaskTable.of(problem)
    zigzag = [[2, 0, 1]]  # places 3, 1, 2: a detour a search straightens out
    source = io.BytesIO(pickle.dumps((table, Epoch(MaxIterations(30), 1.0, 0), 1, zigzag, 1.0)))
    sink = io.BytesIO()
    serve(source, sink)
    routes, used = pickle.loads(sink.getvalue())
    assert used == 30
    assert sorted(routes[0]) == [0, 1, 2]
    legs = [0, *(table.place[t] for t in routes[0]), 0]
    assert sum(10 * abs(a - b) for a, b in itertools.pairwise(legs)) == 60  # was 80
