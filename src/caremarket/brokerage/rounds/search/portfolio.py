"""A portfolio: searches from different seeds in parallel processes, sharing their best plan.

The budget is cut into epochs. In each, every worker searches from the best plan so
far with its own seed (worker 0 in the calling process, the others in helper
processes, `search/worker.py`); at the end of the epoch the cheapest plan found
becomes everyone's starting point (ties go to the lower worker). The annealing
temperature follows the whole budget, not the epoch. The same seed and an iteration
limit give the same plan. A helper that fails is dropped and the search goes on.
"""

from __future__ import annotations

import pickle
import random
import subprocess
import sys

from caremarket.brokerage.rounds.search.alns import construct, search, starting_temperature
from caremarket.brokerage.rounds.search.anneal import improve
from caremarket.brokerage.rounds.search.schedule import Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.stop import Epoch, StoppingCriterion

EPOCHS = 4
WORKER = "caremarket.brokerage.rounds.search.worker"


def worker_seed(seed: int, worker: int, epoch: int) -> int:
    """The seed of one worker in one epoch, a fixed mix of the three."""
    if worker == 0 and epoch == 0:
        return seed
    return random.Random(f"{seed}/{worker}/{epoch}").getrandbits(63)


def _helper() -> subprocess.Popen[bytes]:
    # A fresh interpreter that imports only the search: neither forking this process
    # (it may hold library threads) nor re-importing the program that called us.
    return subprocess.Popen(
        [sys.executable, "-m", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )


def portfolio(
    table: TaskTable, stop: StoppingCriterion, seed: int, workers: int, method: str = "alns"
) -> Schedule:
    """Search with `workers` processes in epochs and return the cheapest schedule found.

    `method` is "alns" (the ALNS alone) or "anneal" (the ALNS, then annealing: see
    `search.anneal.improve`).
    """
    helpers: dict[int, subprocess.Popen[bytes]] = {w: _helper() for w in range(1, workers)}
    best = construct(table, random.Random(seed))
    temp = starting_temperature(table, best)
    offsets = [0] * workers
    finished = False
    try:
        for epoch in range(EPOCHS):
            until = (epoch + 1) / EPOCHS
            # A wall-clock limit travels as its start on the monotonic clock, which
            # every process of the machine shares; an iteration limit is plain data.
            for w, proc in list(helpers.items()):
                message = (
                    table if epoch == 0 else None,
                    Epoch(stop, until, offsets[w]),
                    worker_seed(seed, w, epoch),
                    best.routes,
                    temp,
                    method,
                )
                try:
                    assert proc.stdin is not None
                    pickle.dump(message, proc.stdin)
                    proc.stdin.flush()
                except OSError:
                    del helpers[w]
            mine = Epoch(stop, until, offsets[0])
            how = improve if method == "anneal" else search
            found = [how(table, mine, random.Random(worker_seed(seed, 0, epoch)), best, temp)]
            offsets[0] += mine.used
            for w, proc in sorted(helpers.items()):
                try:
                    assert proc.stdout is not None
                    routes, used = pickle.load(proc.stdout)
                except (EOFError, OSError, pickle.UnpicklingError):
                    del helpers[w]
                    continue
                offsets[w] += used
                schedule = Schedule(table)
                schedule.routes = routes
                schedule.evaluate()
                found.append(schedule)
            best = min(found, key=lambda s: (not s.feasible, s.cost))
            if stop(max(offsets)):
                break
        finished = True
    finally:
        for proc in helpers.values():
            if proc.stdin is not None:
                proc.stdin.close()
            if not finished:  # stopped by an error: the helper's epoch is of no use
                proc.kill()
            proc.wait()
    return best
