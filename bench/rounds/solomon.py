"""Solomon (1987) VRPTW instances as a rounds problem, and PyVRP on the same instance.

A plain VRPTW is a rounds problem with one need per visit, every carer qualified,
hard windows (no lateness), vehicle capacities and travel as the only cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from caremarket.brokerage.rounds.plan import Plan
from caremarket.brokerage.rounds.problem import Carer, Need, Place, Problem, Visit, Weights
from caremarket.brokerage.rounds.solve import solve
from caremarket.brokerage.rounds.stop import MaxRuntime


@dataclass(frozen=True)
class Solomon:
    """The numbers of one Solomon file: row 0 is the depot."""

    name: str
    vehicles: int
    capacity: float
    x: list[float]
    y: list[float]
    demand: list[float]
    ready: list[float]
    due: list[float]
    service: list[float]


def read(path: Path) -> Solomon:
    """Parse one Solomon-format file."""
    lines = [ln.split() for ln in path.read_text().splitlines()]
    numbers = [ln for ln in lines if ln and all(_is_number(v) for v in ln)]
    vehicles, capacity = int(numbers[0][0]), float(numbers[0][1])
    rows = [list(map(float, ln)) for ln in numbers[1:] if len(ln) == 7]
    return Solomon(
        name=path.stem,
        vehicles=vehicles,
        capacity=capacity,
        x=[r[1] for r in rows],
        y=[r[2] for r in rows],
        demand=[r[3] for r in rows],
        ready=[r[4] for r in rows],
        due=[r[5] for r in rows],
        service=[r[6] for r in rows],
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def distances(data: Solomon) -> np.ndarray:
    """Euclidean distances (also travel times), unrounded."""
    xy = np.column_stack([data.x, data.y])
    return np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))


def to_problem(data: Solomon) -> Problem:
    """The instance as a rounds problem with hard windows and capacities."""
    n = len(data.x)
    visits = tuple(
        Visit(str(i), str(i), i, data.ready[i], data.due[i], (Need(frozenset(), data.service[i]),))
        for i in range(1, n)
    )
    carers = tuple(
        Carer(str(k), 0, 0, data.ready[0], data.due[0], frozenset()) for k in range(data.vehicles)
    )
    return Problem(
        visits=visits,
        carers=carers,
        places=tuple(Place(str(i), data.x[i], data.y[i]) for i in range(n)),
        travel=distances(data),
        weights=Weights(travel=1.0, lateness=0.0, max_lateness=0.0),
        max_lateness_minutes=0.0,
        demands=tuple(data.demand[1:]),
        capacities=tuple([data.capacity] * data.vehicles),
    )


def solve_pyvrp(problem: Problem, seconds: float, seed: int = 0) -> Plan:
    """PyVRP's hybrid genetic search on the instance."""
    return solve(problem, MaxRuntime(seconds), seed=seed, engine="pyvrp")


def solve_alns(problem: Problem, seconds: float, seed: int = 0) -> Plan:
    """The planner's own search on the instance (what `solve` would use without PyVRP)."""
    return solve(problem, MaxRuntime(seconds), seed=seed, engine="alns")


def is_close(a: float, b: float) -> bool:
    """Whether two distances agree to a hundredth."""
    return math.isclose(a, b, abs_tol=0.01)
