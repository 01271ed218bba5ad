"""A portfolio: searches from different seeds in parallel processes, sharing their best plan.

The budget is cut into epochs. In each, every worker searches from the best plan so
far with its own seed (worker 0 in the calling process, the others in fresh
processes); at the end of the epoch the cheapest plan found becomes everyone's
starting point (ties go to the lower worker). The annealing temperature follows the
whole budget, not the epoch. The same seed and an iteration limit give the same plan.
"""

from __future__ import annotations

import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor

from caremarket.brokerage.rounds.search.alns import construct, search, starting_temperature
from caremarket.brokerage.rounds.search.schedule import Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.stop import StoppingCriterion

EPOCHS = 4


class Epoch:
    """The part of a budget from where a worker stands up to a fraction `until` of it."""

    def __init__(self, whole: StoppingCriterion, until: float, offset: int) -> None:
        self.whole = whole
        self.until = until
        self.offset = offset
        self.used = 0

    def __call__(self, iteration: int) -> bool:
        """Whether the epoch (or the whole budget) is spent."""
        self.used = iteration
        at = self.offset + iteration
        return self.whole(at) or self.whole.fraction(at) >= self.until - 1e-12

    def fraction(self, iteration: int) -> float:
        """How much of the whole budget is spent."""
        return self.whole.fraction(self.offset + iteration)


def worker_seed(seed: int, worker: int, epoch: int) -> int:
    """The seed of one worker in one epoch, a fixed mix of the three."""
    if worker == 0 and epoch == 0:
        return seed
    return random.Random(f"{seed}/{worker}/{epoch}").getrandbits(63)


def _epoch(
    table: TaskTable, stop: Epoch, seed: int, routes: list[list[int]], temp: float
) -> tuple[list[list[int]], int]:
    start = Schedule(table)
    start.routes = [list(r) for r in routes]
    start.evaluate()
    best = search(table, stop, random.Random(seed), start, temp)
    return best.routes, stop.used


def portfolio(table: TaskTable, stop: StoppingCriterion, seed: int, workers: int) -> Schedule:
    """Search with `workers` processes in epochs and return the cheapest schedule found."""
    best = construct(table, random.Random(seed))
    temp = starting_temperature(table, best)
    offsets = [0] * workers
    # A wall-clock limit travels to the children as its start on the monotonic clock,
    # which every process of the machine shares; an iteration limit is plain data.
    # Fresh ("spawn") processes: forking a process that may hold library threads is unsafe.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
        for epoch in range(EPOCHS):
            until = (epoch + 1) / EPOCHS
            futures = [
                pool.submit(
                    _epoch,
                    table,
                    Epoch(stop, until, offsets[w]),
                    worker_seed(seed, w, epoch),
                    best.routes,
                    temp,
                )
                for w in range(1, workers)
            ]
            mine = Epoch(stop, until, offsets[0])
            found = [search(table, mine, random.Random(worker_seed(seed, 0, epoch)), best, temp)]
            offsets[0] += mine.used
            for w, future in enumerate(futures, start=1):
                routes, used = future.result()
                offsets[w] += used
                schedule = Schedule(table)
                schedule.routes = routes
                schedule.evaluate()
                found.append(schedule)
            best = min(found, key=lambda s: (not s.feasible, s.cost))
            if stop(max(offsets)):
                break
    return best
