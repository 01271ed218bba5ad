"""The ALNS alone against ALNS + compiled annealing at equal CPU time, one process each.

A wall-clock limit on a shared machine measures the load as much as the search;
this gives each run the same CPU seconds of its own process instead, so the two
searches can be compared while other work runs. Every plan is re-scored by the
independent checker. Usage (instances from --instances or CAREMARKET_MANKOWSKA):

    .venv/bin/python bench/rounds/equal_cpu.py --labels F1,G1 --seeds 0,1,2 --cpu 10
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

from caremarket.brokerage.rounds import benchmark, check, mankowska
from caremarket.brokerage.rounds.search.alns import search
from caremarket.brokerage.rounds.search.anneal import improve
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.solve import _plan


class MaxCpu:
    """Stop after this many CPU seconds of the calling process."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.process_time()

    def __call__(self, iteration: int) -> bool:
        """Whether the CPU time is spent."""
        return time.process_time() - self.started >= self.seconds

    def fraction(self, iteration: int) -> float:
        """CPU seconds spent over those allowed."""
        return min(1.0, (time.process_time() - self.started) / self.seconds)


def main() -> None:
    """Run both searches on the named instances and seeds and print gaps side by side."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instances", type=Path, default=None)
    parser.add_argument("--labels", default="F1,G1")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--cpu", type=float, default=10.0, help="CPU seconds per run")
    args = parser.parse_args()
    folder = benchmark.instance_folder(args.instances)
    if folder is None:
        raise SystemExit("name the Mankowska instances with --instances or CAREMARKET_MANKOWSKA")
    entries = {e.label: e for e in benchmark.entries(folder)}
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"{args.cpu:g} CPU-seconds per run; gap to best_2026 (%)")
    print(f"{'inst':>4} {'seed':>4} {'alns':>8} {'anneal':>8} {'load':>5}")
    gaps: dict[str, list[float]] = {"alns": [], "anneal": []}
    for label in args.labels.split(","):
        entry = entries[label]
        instance = mankowska.read(entry.file)
        problem = instance.problem
        table = TaskTable.of(problem)
        for seed in seeds:
            row = []
            for method in ("alns", "anneal"):
                how = search if method == "alns" else improve
                best = how(table, MaxCpu(args.cpu), random.Random(seed))
                report = check(problem, _plan(problem, table, best, {}))
                if not report.is_feasible:
                    raise SystemExit(f"{label} seed {seed} {method}: {report.violations[:3]}")
                gap = 100 * (report.objective / entry.best_known - 1)
                gaps[method].append(gap)
                row.append(gap)
            load = os.getloadavg()[0]
            print(f"{label:>4} {seed:>4} {row[0]:8.2f} {row[1]:8.2f} {load:5.1f}", flush=True)
    print(
        f"mean {'':>4} {statistics.mean(gaps['alns']):8.2f} {statistics.mean(gaps['anneal']):8.2f}"
    )


if __name__ == "__main__":
    main()
