"""Put more visits into rounds already planned, leaving the calls already there where they are.

A call already in a round stays with its carer and in its order; it may start a
little later (or earlier, if the round can make it sooner) when a new call is fitted
in before it. New visits go in one at a time where they cost least (the planner's
greedy insertion), the hardest first: double-handed visits, then by window.
Nothing else moves, so the result shows what it costs to add the visits to these
rounds as they stand.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from caremarket.brokerage.rounds.plan import Call, Plan, Route, Unplaced
from caremarket.brokerage.rounds.problem import Problem
from caremarket.brokerage.rounds.search.insertion import Inserter
from caremarket.brokerage.rounds.search.schedule import Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.solve import NO_ROOM, unplaceable

NO_ROUND = "the rounds as planned have no schedule that keeps every call"
NOT_GIVEN = "neither in the rounds given nor among the visits to add"


@dataclass(frozen=True, slots=True)
class Extended:
    """The rounds with the new visits in, and the new visits that fit nowhere, with why."""

    plan: Plan
    placed: tuple[str, ...]
    left_out: tuple[Unplaced, ...]


def _schedule(problem: Problem, table: TaskTable, plan: Plan) -> Schedule:
    """The plan's rounds as a schedule of the table's tasks (the plan's calls in order)."""
    visits = problem.visit_index()
    carers = problem.carer_index()
    schedule = Schedule(table)
    for route in plan.routes:
        k = carers.get(route.carer)
        if k is None:
            raise ValueError(f"the plan has a round for carer {route.carer}, not in the problem")
        for call in route.calls:
            i = visits.get(call.visit)
            if i is None or not 0 <= call.need < len(table.jobs[i]):
                raise ValueError(f"the plan has a call {call.visit}/{call.need} not in the problem")
            schedule.routes[k].append(table.jobs[i][call.need])
    schedule.evaluate()
    return schedule


class Extender:
    """Extends plans of one problem: its task table is built once, for many extensions."""

    def __init__(self, problem: Problem, seed: int = 0) -> None:
        self.problem = problem
        self.table = TaskTable.of(problem)
        self.index = problem.visit_index()
        self.seed = seed

    def extend(self, plan: Plan, new: Sequence[str]) -> Extended:
        """Insert the visits named in `new` into the plan's rounds without moving its other calls.

        The problem holds every visit (those of the plan and the new ones); visits of the
        problem in neither the plan nor `new` stay out, listed unplaced as the plan had them.
        Raises ValueError when the plan names carers or calls the problem lacks.
        """
        problem, table, index = self.problem, self.table, self.index
        unknown = [v for v in new if v not in index]
        if unknown:
            raise ValueError(f"visits not in the problem: {', '.join(unknown)}")
        schedule = _schedule(problem, table, plan)
        left: list[Unplaced] = []
        if not schedule.feasible:
            left = [Unplaced(v, NO_ROUND) for v in new]
            return Extended(plan, (), tuple(left))
        candidates = []
        for name in dict.fromkeys(new):
            why = unplaceable(problem, problem.visits[index[name]])
            if why is not None:
                left.append(Unplaced(name, why))
            else:
                candidates.append(index[name])
        # The hardest first: two carers before one, then the earliest window.
        candidates.sort(key=lambda i: (-len(problem.visits[i].needs), problem.visits[i].earliest))
        inserter = Inserter(schedule, random.Random(self.seed))
        placed = []
        for i in candidates:
            if inserter.insert(i):
                placed.append(problem.visits[i].id)
            else:
                left.append(Unplaced(problem.visits[i].id, NO_ROOM))
        routes = []
        for k, carer in enumerate(problem.carers):
            calls = tuple(
                Call(problem.visits[table.visit_of[t]].id, table.need_of[t], schedule.start[t])
                for t in schedule.routes[k]
            )
            routes.append(Route(carer.id, calls, schedule.route_break[k] if calls else None))
        done = set(placed) | {c.visit for r in plan.routes for c in r.calls}
        still_out = {u.visit for u in left}
        earlier = tuple(
            u for u in plan.unplaced if u.visit not in done and u.visit not in still_out
        )
        order = {name: n for n, name in enumerate(new)}
        left.sort(key=lambda u: order[u.visit])
        named = done | still_out | {u.visit for u in earlier}
        rest = tuple(Unplaced(v.id, NOT_GIVEN) for v in problem.visits if v.id not in named)
        whole = Plan(tuple(routes), earlier + rest + tuple(left))
        return Extended(whole, tuple(placed), tuple(left))


def extend(problem: Problem, plan: Plan, new: Sequence[str], seed: int = 0) -> Extended:
    """Insert the visits named in `new` into the plan's rounds without moving its other calls."""
    return Extender(problem, seed).extend(plan, new)
