"""Google OR-Tools routing on a rounds problem: the baseline the planner is measured against.

Modelled as well as the routing library allows: one node per carer needed per
visit; allowed vehicles for skills; a time dimension with waiting, window opens
as hard lower bounds and window closes as soft upper bounds (lateness costs the
same per minute as travel, as in the Mankowska objective); the gap between the
two carers of a double-handed visit as hard constraints on their start times and
different vehicles for the two. The maximal-lateness term has no place in the
routing objective, so OR-Tools minimises travel + total lateness; its plan is then
scored by the same independent checker as every other plan. A visit the solver
cannot fit is dropped at a large penalty and shows up as unplaced.
"""

from __future__ import annotations

import math

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from caremarket.brokerage.rounds.plan import Call, Plan, Route, Unplaced
from caremarket.brokerage.rounds.problem import Gap, Problem

SCALE = 100  # hundredths of a minute: OR-Tools works in integers
DROP_PENALTY = 10**9


def solve_ortools(problem: Problem, seconds: float, seed: int = 0) -> Plan:
    """Plan rounds with OR-Tools routing within `seconds` (seed is unused: it is deterministic)."""
    tasks = [(i, n) for i, v in enumerate(problem.visits) for n in range(len(v.needs))]
    num_tasks = len(tasks)
    num_carers = len(problem.carers)
    starts = [num_tasks + k for k in range(num_carers)]
    ends = [num_tasks + num_carers + k for k in range(num_carers)]
    place = [problem.visits[i].place for i, _ in tasks]
    place += [c.start_place for c in problem.carers] + [c.end_place for c in problem.carers]
    duration = [problem.visits[i].needs[n].duration for i, n in tasks] + [0.0] * (2 * num_carers)
    manager = pywrapcp.RoutingIndexManager(len(place), num_carers, starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    travel = problem.travel

    def distance(a: int, b: int) -> int:
        i, j = manager.IndexToNode(a), manager.IndexToNode(b)
        return round(SCALE * float(travel[place[i], place[j]]))

    def transit(a: int, b: int) -> int:
        i, j = manager.IndexToNode(a), manager.IndexToNode(b)
        return math.ceil(SCALE * (duration[i] + float(travel[place[i], place[j]])) - 1e-6)

    cost = routing.RegisterTransitCallback(distance)
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    finite = [c.shift_end for c in problem.carers if math.isfinite(c.shift_end)]
    latest = max([v.latest for v in problem.visits] + finite + [0.0])
    horizon = int(SCALE * (latest + 10 * float(travel.max()) + 10_000))
    time_cb = routing.RegisterTransitCallback(transit)
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    clock = routing.GetDimensionOrDie("time")
    for k, carer in enumerate(problem.carers):
        clock.CumulVar(routing.Start(k)).SetMin(int(SCALE * carer.shift_start))
        if math.isfinite(carer.shift_end):
            clock.CumulVar(routing.End(k)).SetMax(int(SCALE * carer.shift_end))
    solver = routing.solver()
    weight = problem.weights.lateness / problem.weights.travel if problem.weights.travel else 1
    for t, (i, n) in enumerate(tasks):
        visit = problem.visits[i]
        index = manager.NodeToIndex(t)
        clock.CumulVar(index).SetMin(math.ceil(SCALE * visit.earliest))
        if math.isfinite(problem.max_lateness_minutes):
            clock.CumulVar(index).SetMax(int(SCALE * (visit.latest + problem.max_lateness_minutes)))
        clock.SetCumulVarSoftUpperBound(index, int(SCALE * visit.latest), max(1, round(weight)))
        allowed = set(problem.qualified(visit.needs[n]))
        for k in range(num_carers):
            if k not in allowed:
                routing.VehicleVar(index).RemoveValue(k)
        routing.AddDisjunction([index], DROP_PENALTY)
        if n == 1:
            first = manager.NodeToIndex(t - 1)
            gap = visit.gap or Gap()
            between = clock.CumulVar(index) - clock.CumulVar(first)
            solver.Add(between >= int(SCALE * gap.min_minutes))
            solver.Add(between <= int(SCALE * gap.max_minutes))
            solver.Add(routing.VehicleVar(index) != routing.VehicleVar(first))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(1000 * seconds))
    solution = routing.SolveWithParameters(params)
    routes = []
    made: set[int] = set()
    for k, carer in enumerate(problem.carers):
        calls = []
        if solution is not None:
            index = solution.Value(routing.NextVar(routing.Start(k)))
            while not routing.IsEnd(index):
                t = manager.IndexToNode(index)
                i, n = tasks[t]
                start = solution.Value(clock.CumulVar(index)) / SCALE
                calls.append(Call(problem.visits[i].id, n, start))
                made.add(i)
                index = solution.Value(routing.NextVar(index))
        routes.append(Route(carer.id, tuple(calls)))
    unplaced = []
    for visit in problem.visits:
        covered = [c for r in routes for c in r.calls if c.visit == visit.id]
        if len(covered) < len(visit.needs):
            unplaced.append(Unplaced(visit.id, "dropped by OR-Tools"))
            if covered:
                routes = [
                    Route(r.carer, tuple(c for c in r.calls if c.visit != visit.id)) for r in routes
                ]
    return Plan(tuple(routes), tuple(unplaced))
