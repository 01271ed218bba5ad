"""Fit a visit in by re-planning a few nearby rounds together, each call kept with its carer
where the new plan allows.

The carers chosen are the qualified ones with calls nearest the visit in place and
time; their rounds and the visit become a small problem for the planner, in which
every call prefers the carer it has (a missed preference costs like `KEEP_WEIGHT`
minutes). A call whose double-handed partner is with a carer outside the group keeps
its start time (the partner's stays as it is), though another carer of the group may
make it. The result is taken only when every call of those rounds and the visit are
made and no more calls change carer than the step allows; the steps widen the group
only when the smaller one fails (`STEPS`), so only as many rounds change as needed.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from caremarket.brokerage.rounds.plan import Call, Plan, Route
from caremarket.brokerage.rounds.problem import Problem, Visit
from caremarket.brokerage.rounds.solve import solve
from caremarket.brokerage.rounds.stop import MaxIterations

# (carers re-planned together, most calls that may change carer), tried in turn.
STEPS = ((4, 3), (8, 7))
ITERATIONS = 150  # planner iterations per try (the same result every run)
KEEP_WEIGHT = 240.0  # minutes a call moved to another carer of the group costs
NEAR_MINUTES = 90.0  # calls this close in time to the visit's window count as near
_TOLERANCE = 1e-6
_PART = "#"  # joins a visit id and the part of it a pinned call makes


def _nearest(problem: Problem, plan: Plan, visit: Visit) -> list[int]:
    """Qualified carers on shift around the visit, those with calls nearest it first."""
    index = problem.visit_index()
    carers = problem.carer_index()
    scored = []
    for route in plan.routes:
        k = carers.get(route.carer)
        if k is None:
            continue
        carer = problem.carers[k]
        if not any(need.skills <= carer.skills for need in visit.needs):
            continue
        if carer.shift_end < visit.earliest or carer.shift_start > visit.latest + 60:
            continue
        near = [
            float(problem.travel[visit.place, problem.visits[index[c.visit]].place])
            for c in route.calls
            if visit.earliest - NEAR_MINUTES <= c.start <= visit.latest + NEAR_MINUTES
        ]
        distance = min(near) if near else float(problem.travel[carer.start_place, visit.place])
        scored.append((distance, k))
    scored.sort()
    return [k for _, k in scored]


def _try(
    problem: Problem, plan: Plan, visit: Visit, group: list[int], most_moved: int, seed: int
) -> Plan | None:
    index = problem.visit_index()
    ids = {problem.carers[k].id for k in group}
    owners: dict[str, set[str]] = {}
    for route in plan.routes:
        for call in route.calls:
            owners.setdefault(call.visit, set()).add(route.carer)
    visits: list[Visit] = []
    mine: dict[str, str] = {}  # visit (or pinned part) id in the small problem -> its carer
    pinned: dict[str, Call] = {}
    for route in plan.routes:
        if route.carer not in ids:
            continue
        for call in route.calls:
            whole = problem.visits[index[call.visit]]
            if whole.is_double_handed and not owners[call.visit] <= ids:
                name = f"{call.visit}{_PART}{call.need}"
                part = whole.needs[call.need]
                visits.append(
                    replace(
                        whole,
                        id=name,
                        earliest=call.start,
                        latest=call.start,
                        needs=(part,),
                        gap=None,
                        preferred_carers=frozenset({route.carer}),
                    )
                )
                pinned[name] = call
                mine[name] = route.carer
            elif call.visit not in mine:
                visits.append(replace(whole, preferred_carers=frozenset({route.carer})))
                mine[call.visit] = route.carer
    visits.append(replace(visit, preferred_carers=frozenset()))
    carers = [problem.carers[k] for k in group]
    # Only the places these rounds use: the planner's tables stay small.
    used = sorted(
        {v.place for v in visits} | {c.start_place for c in carers} | {c.end_place for c in carers}
    )
    at = {place: n for n, place in enumerate(used)}
    small = Problem(
        visits=tuple(replace(v, place=at[v.place]) for v in visits),
        carers=tuple(
            replace(c, start_place=at[c.start_place], end_place=at[c.end_place]) for c in carers
        ),
        places=tuple(problem.places[p] for p in used),
        travel=problem.travel[np.ix_(used, used)],
        weights=replace(
            problem.weights, not_preferred=max(problem.weights.not_preferred, KEEP_WEIGHT)
        ),
        max_lateness_minutes=problem.max_lateness_minutes,
    )
    result = solve(small, MaxIterations(ITERATIONS), seed=seed, engine="alns")
    if result.unplaced:
        return None
    moved = 0
    fresh: dict[str, Route] = {}
    for route in result.routes:
        calls = []
        for call in route.calls:
            if call.visit in pinned:
                was = pinned[call.visit]
                if abs(call.start - was.start) > _TOLERANCE:
                    return None  # its partner outside the group would be left out of step
                calls.append(Call(was.visit, was.need, call.start))
            else:
                calls.append(call)
            if mine.get(call.visit, route.carer) != route.carer:
                moved += 1
        fresh[route.carer] = Route(route.carer, tuple(calls), route.break_start)
    if moved > most_moved:
        return None
    routes = tuple(fresh.get(r.carer, r) for r in plan.routes)
    return Plan(routes, tuple(u for u in plan.unplaced if u.visit != visit.id))


def rearrange(problem: Problem, plan: Plan, stuck: str, seed: int = 0) -> Plan | None:
    """The plan with `stuck` made by re-planning the fewest nearby rounds, or None."""
    visit = problem.visits[problem.visit_index()[stuck]]
    nearest = _nearest(problem, plan, visit)
    tried = 0
    for size, most_moved in STEPS:
        group = nearest[:size]
        if len(group) < len(visit.needs) or len(group) <= tried:
            continue
        tried = len(group)
        found = _try(problem, plan, visit, group, most_moved, seed)
        if found is not None:
            return found
    return None
