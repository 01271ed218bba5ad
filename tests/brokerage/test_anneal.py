"""The compiled annealer: the cost it believes is the checker's; it is used only where it fits."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from caremarket.brokerage.rounds import MaxIterations, check, mankowska, solve
from caremarket.brokerage.rounds.problem import Break, Carer
from caremarket.brokerage.rounds.search import anneal, kernel
from caremarket.brokerage.rounds.search.alns import search
from caremarket.brokerage.rounds.search.schedule import TRIAL_PASSES, Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.solve import _plan


def _chunk(arrays: anneal.Arrays, state: np.ndarray, seed: int, temp: float) -> None:
    a = arrays
    kernel.anneal(
        seed, 3000, temp, anneal.COOLING.move_weights(), 0.05,
        a.routes, a.rlen, a.route_of, a.pos, a.placed, a.ti, a.tf, a.cf, a.ci, a.elig,
        a.near, a.travel, a.w, TRIAL_PASSES, a.lb, a.start, a.pre, a.idx, a.racc,
        a.loc, a.stack, a.span, a.undo_t, a.undo_v, a.acc, a.bak, a.bak_len, a.bak_k, a.tmp,
        a.best_routes, a.best_rlen, state, a.counts,
    )  # fmt: skip


def test_kernel_cost_is_the_checkers(mankowska_dir: Path) -> None:
    """On B1 (gaps between double services), the kernel's costs equal the checker's and Python's."""
    instance = mankowska.read(mankowska_dir / "instances" / "InstanzCPLEX_HCSRP_25_1.txt")
    problem = instance.problem
    table = TaskTable.of(problem)
    assert any(lo < hi for lo, hi in zip(table.gap_min, table.gap_max, strict=True))
    start = search(table, MaxIterations(5), random.Random(0))
    arrays = anneal.Arrays(table, start)
    assert arrays.cost() == pytest.approx(start.cost, abs=1e-9)
    state = np.array([start.cost, start.cost, start.cost - table.w_travel * start.travel])
    # Hot first, so that many moves are accepted and the routes wander far, then cold.
    for seed, temp in enumerate((50.0, 5.0, 0.5, 0.05)):
        _chunk(arrays, state, seed, temp)
        now = Schedule(table)
        now.routes = [
            list(map(int, arrays.routes[k, : arrays.rlen[k]])) for k in range(table.num_carers)
        ]
        assert now.evaluate()
        assert state[kernel.CURRENT] == pytest.approx(now.cost, abs=1e-6)
        # The starts the kernel keeps, swept again only where moves reached, are Python's.
        assert arrays.start[arrays.placed] == pytest.approx(
            np.asarray(now.start)[arrays.placed], abs=1e-6
        )
    assert arrays.counts[:, kernel.ACCEPTED].sum() > 100
    best = Schedule(table)
    best.routes = arrays.best()
    best.evaluate()
    report = check(problem, _plan(problem, table, best, {}))
    assert report.is_feasible, report.violations
    assert report.objective == pytest.approx(state[kernel.BEST], abs=1e-6)
    assert report.objective < start.cost


def test_annealing_is_reproducible_and_checked(mankowska_dir: Path) -> None:
    """With an iteration limit a seed gives one plan (ALNS, then annealing), and it is feasible."""
    problem = mankowska.read(mankowska_dir / "instances" / "InstanzCPLEX_HCSRP_25_2.txt").problem
    first = solve(problem, MaxIterations(30), seed=3, engine="anneal")
    assert first == solve(problem, MaxIterations(30), seed=3, engine="anneal")
    report = check(problem, first)
    assert report.is_feasible, report.violations


def test_breaks_keep_the_alns(mankowska_dir: Path) -> None:
    """A carer's break is not modelled by the kernel, so such a problem does not fit it."""
    problem = mankowska.read(mankowska_dir / "instances" / "InstanzCPLEX_HCSRP_10_1.txt").problem
    assert anneal.fits(TaskTable.of(problem))
    carer = problem.carers[0]
    rested = Carer(
        carer.id, carer.start_place, carer.end_place, carer.shift_start, carer.shift_end,
        carer.skills, rest=Break(700, 800, 30),
    )  # fmt: skip
    with_break = type(problem)(
        problem.visits, (rested, *problem.carers[1:]), problem.places, problem.travel
    )
    assert not anneal.fits(TaskTable.of(with_break))
