"""Simulated annealing over many small moves, compiled: the improvement phase after the ALNS.

After Ceschia, Di Gaspero, Rosati & Schaerf (2026), "Multi-neighborhood simulated
annealing for the home healthcare routing and scheduling problem", ITOR 33(1):38-67:
one task at a time is moved within or between rounds, two tasks swap, the two tasks
of a double-handed visit move together, a stretch of a round is reversed (2-opt) or
two rounds exchange their tails (2-opt*); each move is drawn next to one of a task's
granular neighbours (`tasks.neighbours`) and scored exactly by re-scheduling
(`kernel.evaluate`, the same earliest schedule as `schedule.py`); it is kept by the
Metropolis rule at a temperature that falls geometrically over the budget. The
moves run in compiled chunks (`kernel.anneal`), between which the budget is asked.

The kernel models travel, total and maximal lateness, windows, shifts, skills and
double-handed visits (gaps, two different carers). Plans with breaks, hour or load
limits or continuity preferences are not for it (`fits`): they keep the ALNS.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from caremarket.brokerage.rounds.search import kernel
from caremarket.brokerage.rounds.search.alns import TEMP_FACTOR, search
from caremarket.brokerage.rounds.search.schedule import Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.stop import Epoch, StoppingCriterion


@dataclass(frozen=True, slots=True)
class Cooling:
    """The annealing's parameters (as declared 2026-11-29, tuned on Mankowska F1 and G1).

    Temperatures are in units of the starting plan's cost per task (its travel and
    lateness, over the number of tasks), so one schedule serves small and large
    problems. The ALNS has the first `alns_share` of the budget to build and
    improve a plan; the annealing the rest, cooling geometrically from `start` to
    `end` and asking the budget every `moves_per_task` x tasks moves. Move weights
    are relocate, swap, pair, 2-opt, 2-opt*; `any_route` is the share of relocations
    to a random place on a random round (reaching empty rounds). A move whose pairs
    have not settled after `max_sweeps` sweeps of the routes is refused.
    """

    start: float = 1.0
    end: float = 0.01
    alns_share: float = 0.1
    moves_per_task: int = 10
    relocate: float = 0.35
    swap: float = 0.25
    pair: float = 0.15
    two_opt: float = 0.1
    two_opt_star: float = 0.15
    any_route: float = 0.05
    # Orders that settle do so in one or two sweeps; the rest are mostly cycles of
    # pairs that never settle (3 against 16 on G1: 1.4 sweeps per move against 3.3).
    max_sweeps: int = 3

    def move_weights(self) -> npt.NDArray[np.float64]:
        """The weights of the moves in the kernel's order."""
        return np.array(
            [self.relocate, self.swap, self.pair, self.two_opt, self.two_opt_star], dtype=float
        )

    def temperature(self, unit: float, fraction: float) -> float:
        """The temperature when `fraction` of the whole budget is spent."""
        f = min(1.0, max(0.0, (fraction - self.alns_share) / (1.0 - self.alns_share)))
        return float(unit * self.start * (self.end / self.start) ** f)


COOLING = Cooling()


def fits(table: TaskTable) -> bool:
    """Whether the kernel models everything that counts in this problem."""
    return (
        table.num_tasks >= 2
        and all(r is None for r in table.rest)
        and all(math.isinf(m) for m in table.max_minutes)
        and (all(d == 0 for d in table.demand) or all(math.isinf(c) for c in table.capacity))
        and not any(any(row) for row in table.not_preferred)
    )


class Arrays:
    """A task table and a schedule's routes as the kernel's arrays, with its work buffers."""

    def __init__(self, table: TaskTable, schedule: Schedule) -> None:
        n, num_routes = table.num_tasks, table.num_carers
        self.ti = np.array(
            [table.place, table.partner, [int(s) for s in table.is_second]], dtype=np.int64
        ).T.copy()
        self.tf = np.array(
            [table.duration, table.earliest, table.latest, table.gap_min, table.gap_max],
            dtype=np.float64,
        ).T.copy()
        self.ci = np.array([table.start_place, table.end_place], dtype=np.int64).T.copy()
        self.cf = np.array([table.shift_start, table.shift_end], dtype=np.float64).T.copy()
        self.travel = np.array(table.travel, dtype=np.float64)
        self.w = np.array(
            [table.w_travel, table.w_late, table.w_max_late, table.hard_late], dtype=np.float64
        )
        self.elig = np.zeros((n, num_routes), dtype=np.bool_)
        for t, carers in enumerate(table.eligible):
            self.elig[t, carers] = True
        width = max(1, max((len(s) for s in table.near), default=1))
        self.near = np.empty((n, width), dtype=np.int64)
        for t, near in enumerate(table.near):
            row = sorted(near) or [t]
            self.near[t] = [row[i % len(row)] for i in range(width)]
        self.pass_limit = sum(1 for t in table.partner if t >= 0) // 2 + 2
        self.routes = np.full((num_routes, n), -1, dtype=np.int64)
        self.rlen = np.zeros(num_routes, dtype=np.int64)
        self.route_of = np.full(n, -1, dtype=np.int64)
        self.pos = np.full(n, -1, dtype=np.int64)
        for k, route in enumerate(schedule.routes):
            self.rlen[k] = len(route)
            for i, t in enumerate(route):
                self.routes[k, i] = t
                self.route_of[t] = k
                self.pos[t] = i
        self.placed = np.flatnonzero(self.route_of >= 0).astype(np.int64)
        self.best_routes = self.routes.copy()
        self.best_rlen = self.rlen.copy()
        self.lb = np.zeros(n)
        self.start = np.zeros(n)
        self.pre = np.zeros((n, 3))
        self.idx = np.zeros(num_routes, dtype=np.int64)
        self.racc = np.zeros((num_routes, 4))
        self.loc = np.zeros(num_routes, dtype=np.int64)
        self.stack = np.zeros(num_routes + 4 * n + 4, dtype=np.int64)
        self.span = np.zeros((num_routes, 2), dtype=np.int64)
        self.undo_t = np.zeros(n, dtype=np.int64)
        self.undo_v = np.zeros((n, 4))
        # travel, lateness, largest lateness; sweeps made; calls in the undo log
        self.acc = np.zeros(5)
        self.bak = np.zeros((4, n), dtype=np.int64)
        self.bak_len = np.zeros(4, dtype=np.int64)
        self.bak_k = np.full(4, -1, dtype=np.int64)
        self.tmp = np.zeros(n, dtype=np.int64)
        self.counts = np.zeros((kernel.NUM_MOVES, 3), dtype=np.int64)

    def cost(self) -> float:
        """The travel and lateness cost of the current routes (infinity: no schedule)."""
        return float(
            kernel.evaluate(
                self.routes, self.rlen, self.route_of, self.pos, self.ti, self.tf, self.cf,
                self.ci, self.travel, self.w, self.lb, self.start, self.pre, self.idx,
                self.racc, self.loc, self.stack, self.span, self.undo_t, self.undo_v,
                self.acc, self.pass_limit, self.bak, self.bak_len, self.bak_k, -1,
            )
        )  # fmt: skip

    def best(self) -> list[list[int]]:
        """The best routes found, as lists of tasks."""
        return [
            [int(t) for t in self.best_routes[k, : self.best_rlen[k]]]
            for k in range(self.best_rlen.shape[0])
        ]


def anneal(
    table: TaskTable,
    stop: StoppingCriterion,
    rng: random.Random,
    initial: Schedule,
    unit: float,
    offset: int = 0,
    cooling: Cooling = COOLING,
) -> Schedule:
    """Anneal from a feasible schedule until `stop` (asked at `offset` + chunks done); the best.

    The temperature follows `stop.fraction` (see `Cooling.temperature`), in units of
    `unit`; visits the schedule leaves out stay out.
    """
    arrays = Arrays(table, initial)
    current = arrays.cost()
    if not initial.feasible or current == math.inf or arrays.placed.size < 2:
        return initial
    state = np.array([current, current, current - table.w_travel * arrays.acc[0]])
    weights = cooling.move_weights()
    moves = cooling.moves_per_task * table.num_tasks
    a = arrays
    chunk = 0
    while not stop(offset + chunk):
        temp = cooling.temperature(unit, stop.fraction(offset + chunk))
        kernel.anneal(
            rng.getrandbits(31), moves, temp, weights, cooling.any_route,
            a.routes, a.rlen, a.route_of, a.pos, a.placed, a.ti, a.tf, a.cf, a.ci, a.elig,
            a.near, a.travel, a.w, cooling.max_sweeps, a.lb, a.start, a.pre, a.idx, a.racc,
            a.loc, a.stack, a.span, a.undo_t, a.undo_v, a.acc, a.bak, a.bak_len, a.bak_k, a.tmp,
            a.best_routes, a.best_rlen, state, a.counts,
        )  # fmt: skip
        chunk += 1
    best = Schedule(table)
    best.routes = arrays.best()
    best.evaluate()
    return best if best.feasible and best.cost <= initial.cost + 1e-9 else initial


def improve(
    table: TaskTable,
    stop: StoppingCriterion,
    rng: random.Random,
    initial: Schedule | None = None,
    start_temp: float | None = None,
    cooling: Cooling = COOLING,
) -> Schedule:
    """ALNS for the first share of the budget, then annealing; the ALNS alone if it does not fit.

    `start_temp` is the ALNS's starting temperature (shared by a portfolio); the
    annealing's temperature unit is derived from it, or from the first plan.
    """
    if not fits(table):
        return search(table, stop, rng, initial, start_temp)
    first = Epoch(stop, cooling.alns_share, 0)
    current = search(table, first, rng, initial, start_temp)
    if start_temp is not None:
        base = start_temp * math.log(2) / TEMP_FACTOR
    else:
        base = current.cost - table.w_unplaced * current.num_unplaced
    unit = base / table.num_tasks if 0 < base < math.inf else 1.0
    return anneal(table, stop, rng, current, unit, offset=first.used, cooling=cooling)
