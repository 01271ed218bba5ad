"""A portfolio: several searches from different seeds in parallel processes, the best plan kept.

Worker 0 searches in the calling process from the seed itself (so one worker is the
plain search); workers 1.. run in fresh processes from seeds derived from it. The
same seed and an iteration limit give the same plan; ties go to the lower worker.
"""

from __future__ import annotations

import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor

from caremarket.brokerage.rounds.search.alns import search
from caremarket.brokerage.rounds.search.schedule import Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.stop import StoppingCriterion


def worker_seed(seed: int, worker: int) -> int:
    """The seed of one worker: the seed itself for worker 0, a fixed mix of both otherwise."""
    return seed if worker == 0 else random.Random(f"{seed}/{worker}").getrandbits(63)


def _routes(table: TaskTable, stop: StoppingCriterion, seed: int) -> list[list[int]]:
    return search(table, stop, random.Random(seed)).routes


def portfolio(table: TaskTable, stop: StoppingCriterion, seed: int, workers: int) -> Schedule:
    """Run `workers` searches at once and return the cheapest schedule they found."""
    # A wall-clock limit travels to the children as its start on the monotonic clock,
    # which every process of the machine shares; an iteration limit is plain data.
    # Fresh ("spawn") processes: forking a process that may hold library threads is unsafe.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
        futures = [
            pool.submit(_routes, table, stop, worker_seed(seed, w)) for w in range(1, workers)
        ]
        found = [search(table, stop, random.Random(seed))]
        for future in futures:
            schedule = Schedule(table)
            schedule.routes = future.result()
            schedule.evaluate()
            found.append(schedule)
    return min(found, key=lambda s: (not s.feasible, s.cost))
