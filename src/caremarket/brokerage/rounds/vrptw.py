"""Plain rounds (one carer per visit, hard windows, any carer may make any visit) go to PyVRP.

On the 56 Solomon VRPTW instances PyVRP's hybrid genetic search comes closer to
the best-known distances than the planner's own search (see bench/rounds), so
`solve` hands it every problem it can model exactly and keeps the rest.
"""

from __future__ import annotations

import math

from pyvrp import Model
from pyvrp.stop import MaxIterations as PyVRPIterations
from pyvrp.stop import MaxRuntime as PyVRPRuntime

from caremarket.brokerage.rounds.plan import Call, Plan, Route
from caremarket.brokerage.rounds.problem import Problem
from caremarket.brokerage.rounds.stop import MaxIterations, MaxRuntime, StoppingCriterion

SCALE = 1000  # PyVRP works in integers: thousandths of a minute


def fits(problem: Problem) -> bool:
    """Whether PyVRP can model the problem exactly."""
    return (
        bool(problem.visits)
        and bool(problem.carers)
        and problem.max_lateness_minutes == 0
        and all(not v.is_double_handed for v in problem.visits)
        and all(len(problem.qualified(v.needs[0])) == len(problem.carers) for v in problem.visits)
        and all(c.rest is None and math.isinf(c.max_minutes) for c in problem.carers)
        and all(math.isfinite(c.shift_end) for c in problem.carers)
        and (
            problem.weights.not_preferred == 0
            or all(not v.preferred_carers for v in problem.visits)
        )
    )


def _units(value: float) -> int:
    return round(SCALE * value)


def solve_vrptw(problem: Problem, stop: StoppingCriterion, seed: int) -> Plan | None:
    """PyVRP's plan for a problem that `fits`, or None if PyVRP finds no feasible plan."""
    model = Model()
    where = [model.add_location(x=p.x, y=p.y) for p in problem.places]
    depots = {}
    for carer in problem.carers:
        for place in (carer.start_place, carer.end_place):
            if place not in depots:
                depots[place] = model.add_depot(where[place])
    for k, carer in enumerate(problem.carers):
        model.add_vehicle_type(
            num_available=1,
            capacity=round(problem.capacities[k]) if problem.capacities else [],
            start_depot=depots[carer.start_place],
            end_depot=depots[carer.end_place],
            tw_early=_units(carer.shift_start),
            tw_late=_units(carer.shift_end),
            name=carer.id,
        )
    for i, visit in enumerate(problem.visits):
        model.add_client(
            where[visit.place],
            delivery=round(problem.demands[i]) if problem.demands else [],
            service_duration=_units(visit.needs[0].duration),
            tw_early=_units(visit.earliest),
            tw_late=_units(visit.latest),
        )
    for a, frm in enumerate(where):
        for b, to in enumerate(where):
            value = 0 if a == b else _units(float(problem.travel[a, b]))
            model.add_edge(frm, to, distance=value, duration=value)
    if isinstance(stop, MaxIterations):
        criterion: PyVRPIterations | PyVRPRuntime = PyVRPIterations(stop.iterations)
    elif isinstance(stop, MaxRuntime):
        criterion = PyVRPRuntime(max(0.0, stop.seconds * (1 - stop.fraction(0))))
    else:
        criterion = PyVRPRuntime(10.0)
    result = model.solve(stop=criterion, seed=seed, display=False)
    if not result.is_feasible():
        return None
    calls: dict[int, list[Call]] = {k: [] for k in range(len(problem.carers))}
    for route in result.best.routes():
        k = route.vehicle_type()
        carer = problem.carers[k]
        # PyVRP times in whole thousandths of a minute; re-time in exact minutes so that
        # no call starts before the carer can arrive or before its window opens.
        at, clock = carer.start_place, carer.shift_start
        for item in route.schedule():
            if item.is_client():
                visit = problem.visits[item.idx]
                arrival = clock + float(problem.travel[at, visit.place])
                start = max(item.start_time / SCALE, arrival, visit.earliest)
                calls[k].append(Call(visit.id, 0, start))
                at, clock = visit.place, start + visit.needs[0].duration
    return Plan(tuple(Route(c.id, tuple(calls[k])) for k, c in enumerate(problem.carers)))
