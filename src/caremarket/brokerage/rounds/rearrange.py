"""Fit a visit in by re-planning a few nearby rounds together, each call kept with its carer
where the new plan allows.

The carers chosen are the few qualified ones with calls nearest the visit in place
and time; their rounds and the visit become a small problem for the planner, in
which every call prefers the carer it has (a missed preference costs like
`KEEP_WEIGHT` minutes). The result is taken only when every call of those rounds
and the visit are made, with at most `MAX_MOVED` calls changing carer. Carers
sharing a double-handed visit with a carer outside the group are left out of it,
so the rest of the plan is untouched.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from caremarket.brokerage.rounds.plan import Plan
from caremarket.brokerage.rounds.problem import Problem, Visit
from caremarket.brokerage.rounds.solve import solve
from caremarket.brokerage.rounds.stop import MaxIterations

GROUP = 4  # carers re-planned together
ITERATIONS = 200  # planner iterations per try (the same result every run)
KEEP_WEIGHT = 240.0  # minutes a call moved to another carer of the group costs
MAX_MOVED = 3  # a re-arrangement moving more calls than this to other carers is refused
NEAR_MINUTES = 90.0  # calls this close in time to the visit's window count as near


def _group(problem: Problem, plan: Plan, visit: Visit) -> list[int]:
    """The carers to re-plan with the visit: qualified, free of outside pairs, nearest first."""
    index = problem.visit_index()
    carers = problem.carer_index()
    owner: dict[str, set[str]] = {}
    for route in plan.routes:
        for call in route.calls:
            owner.setdefault(call.visit, set()).add(route.carer)
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
        scored.append((distance, k, route))
    scored.sort(key=lambda item: (item[0], item[1]))
    chosen: list[int] = []
    names: set[str] = set()
    for _, k, route in scored:
        if len(chosen) == GROUP:
            break
        chosen.append(k)
        names.add(route.carer)
    # Drop carers holding half of a double-handed visit whose other half is outside.
    while True:
        outside = {
            problem.carers[k].id
            for k in chosen
            for route in plan.routes
            if route.carer == problem.carers[k].id
            for c in route.calls
            if not owner[c.visit] <= names
        }
        if not outside:
            return chosen
        chosen = [k for k in chosen if problem.carers[k].id not in outside]
        names -= outside


def rearrange(problem: Problem, plan: Plan, stuck: str, seed: int = 0) -> Plan | None:
    """The plan with `stuck` made by re-planning a few nearby rounds, or None if that fails."""
    index = problem.visit_index()
    visit = problem.visits[index[stuck]]
    group = _group(problem, plan, visit)
    if len(group) < len(visit.needs):
        return None
    ids = {problem.carers[k].id for k in group}
    mine = {c.visit: r.carer for r in plan.routes if r.carer in ids for c in r.calls}
    visits = [
        replace(problem.visits[index[name]], preferred_carers=frozenset({who}))
        for name, who in mine.items()
    ]
    visits.append(replace(visit, preferred_carers=frozenset()))
    weights = replace(
        problem.weights, not_preferred=max(problem.weights.not_preferred, KEEP_WEIGHT)
    )
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
        weights=weights,
        max_lateness_minutes=problem.max_lateness_minutes,
    )
    result = solve(small, MaxIterations(ITERATIONS), seed=seed, engine="alns")
    if result.unplaced:
        return None
    moved = sum(1 for r in result.routes for c in r.calls if mine.get(c.visit, r.carer) != r.carer)
    if moved > MAX_MOVED:
        return None
    fresh = {r.carer: r for r in result.routes}
    routes = tuple(fresh.get(r.carer, r) for r in plan.routes)
    unplaced = tuple(u for u in plan.unplaced if u.visit != stuck)
    return Plan(routes, unplaced)
