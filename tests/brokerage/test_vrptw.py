"""Plain VRPTW rounds go to PyVRP; anything it cannot model stays with the planner's search."""

from __future__ import annotations

import numpy as np

from caremarket.brokerage.rounds import (
    Carer,
    Gap,
    MaxIterations,
    Need,
    Place,
    Problem,
    Visit,
    Weights,
    check,
    solve,
)
from caremarket.brokerage.rounds.vrptw import fits


def _plain(double: bool = False) -> Problem:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 30, size=(9, 2))
    travel = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))
    visits = tuple(
        Visit(f"V{i}", f"P{i}", i, 480 + 20 * i, 540 + 20 * i, (Need(frozenset(), 20),))
        for i in range(1, 9)
    )
    if double:
        v = visits[0]
        visits = (Visit(v.id, v.person, v.place, v.earliest, v.latest,
                        (v.needs[0], v.needs[0]), Gap()), *visits[1:])  # fmt: skip
    return Problem(
        visits=visits,
        carers=tuple(Carer(f"C{k}", 0, 0, 420, 900, frozenset()) for k in range(3)),
        places=tuple(Place(str(i), float(x), float(y)) for i, (x, y) in enumerate(xy)),
        travel=travel,
        weights=Weights(travel=1, lateness=0, max_lateness=0),
        max_lateness_minutes=0.0,
    )


def test_plain_rounds_fit_pyvrp_and_pass_the_checker() -> None:
    """A plain VRPTW goes to PyVRP and its plan is feasible (to PyVRP's thousandths)."""
    problem = _plain()
    assert fits(problem)
    plan = solve(problem, MaxIterations(200), seed=0)
    report = check(problem, plan, tolerance=0.01)
    assert report.is_feasible, report.violations
    assert report.num_unplaced == 0


def test_double_handed_rounds_stay_with_the_planner() -> None:
    """A double-handed visit is beyond PyVRP, so the planner's own search plans it."""
    problem = _plain(double=True)
    assert not fits(problem)
    plan = solve(problem, MaxIterations(50), seed=0)
    assert check(problem, plan).is_feasible
