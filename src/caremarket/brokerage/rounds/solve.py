"""Plan rounds: `solve(problem, stop, seed)` returns a `Plan`, the same plan for the same seed."""

from __future__ import annotations

import random
from typing import Literal

from caremarket.brokerage.rounds import vrptw
from caremarket.brokerage.rounds.plan import Call, Plan, Route, Unplaced
from caremarket.brokerage.rounds.problem import Problem, Visit
from caremarket.brokerage.rounds.search import anneal
from caremarket.brokerage.rounds.search.alns import search
from caremarket.brokerage.rounds.search.portfolio import portfolio
from caremarket.brokerage.rounds.search.schedule import Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.stop import MaxIterations, StoppingCriterion

NO_ROOM = "no qualified carer has room for it in their round"


def unplaceable(problem: Problem, visit: Visit) -> str | None:
    """Why no plan could ever include the visit, or None if some plan might."""
    qualified = [problem.qualified(need) for need in visit.needs]
    for need, carers in zip(visit.needs, qualified, strict=True):
        if not carers:
            skills = ", ".join(sorted(need.skills)) or "(none)"
            return f"no carer has the skill(s) {skills}"
    if visit.is_double_handed and len(set(qualified[0]) | set(qualified[1])) < 2:
        return "double-handed, but only one carer is qualified"
    latest = visit.latest + problem.max_lateness_minutes
    for need, carers in zip(visit.needs, qualified, strict=True):
        on_shift = [
            k
            for k in carers
            if problem.carers[k].shift_start
            + problem.travel[problem.carers[k].start_place][visit.place]
            <= latest
            and max(
                visit.earliest,
                problem.carers[k].shift_start
                + problem.travel[problem.carers[k].start_place][visit.place],
            )
            + need.duration
            + problem.travel[visit.place][problem.carers[k].end_place]
            <= problem.carers[k].shift_end
        ]
        if not on_shift:
            return "no qualified carer's shift covers the visit's window"
    return None


def solve(
    problem: Problem,
    stop: StoppingCriterion | None = None,
    seed: int = 0,
    engine: Literal["auto", "alns", "anneal", "pyvrp"] = "auto",
    workers: int = 1,
) -> Plan:
    """Plan rounds for the problem; with an iteration limit the same seed gives the same plan.

    `workers` > 1 runs that many searches in parallel processes, each from its own
    seed derived from `seed`, sharing the best plan between epochs (a portfolio,
    see `search.portfolio`); an iteration limit then applies to each process.

    `engine="auto"` hands plain VRPTW problems (see `vrptw.fits`) to PyVRP, which is
    stronger there, and plans everything else (double-handed visits, skills, soft
    windows, breaks) with the planner's own search: the ALNS, followed by compiled
    annealing when the problem has nothing the annealer does not model (see
    `search.anneal.fits`: no breaks, hour or load limits, continuity preferences).
    `engine="alns"` is the ALNS alone; `engine="anneal"` the ALNS then annealing
    wherever it fits.
    """
    stop = stop or MaxIterations(1000)
    if engine == "pyvrp" or (engine == "auto" and vrptw.fits(problem)):
        plan = vrptw.solve_vrptw(problem, stop, seed)
        if plan is not None:
            return plan
    reasons = {i: why for i, v in enumerate(problem.visits) if (why := unplaceable(problem, v))}
    table = TaskTable.of(problem)
    for i in reasons:
        for t in table.jobs[i]:
            table.eligible[t] = []
    method = "anneal" if engine != "alns" and anneal.fits(table) else "alns"
    if workers > 1:
        best = portfolio(table, stop, seed, workers, method)
    elif method == "anneal":
        best = anneal.improve(table, stop, random.Random(seed))
    else:
        best = search(table, stop, random.Random(seed))
    return _plan(problem, table, best, reasons)


def _plan(problem: Problem, table: TaskTable, best: Schedule, reasons: dict[int, str]) -> Plan:
    routes = []
    for k, carer in enumerate(problem.carers):
        calls = tuple(
            Call(problem.visits[table.visit_of[t]].id, table.need_of[t], best.start[t])
            for t in best.routes[k]
        )
        routes.append(Route(carer.id, calls, best.route_break[k] if calls else None))
    unplaced = tuple(
        Unplaced(problem.visits[i].id, reasons.get(i, NO_ROOM))
        for i, tasks in enumerate(table.jobs)
        if best.route_of[tasks[0]] < 0
    )
    return Plan(tuple(routes), unplaced)
