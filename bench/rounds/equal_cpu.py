"""The ALNS alone against ALNS + compiled annealing at equal CPU time, one process each.

A wall-clock limit on a shared machine measures the load as much as the search;
this gives each run the same CPU seconds of its own process instead, so the two
searches can be compared while other work runs. Every plan is re-scored by the
independent checker. Usage (instances from --instances or CAREMARKET_MANKOWSKA):

    .venv/bin/python bench/rounds/equal_cpu.py --labels F1,G1 --seeds 0,1,2 --cpu 10

Plans go to `--out` (default bench/out/rounds/equal_cpu/<method>/) in the exchange
JSON form, so `run.py recheck`-style re-scoring works on them; `--cooling k=v,...`
overrides the annealing's parameters (see `search.anneal.Cooling`) for tuning.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from dataclasses import fields, replace
from pathlib import Path

from caremarket.brokerage.rounds import benchmark, check, mankowska
from caremarket.brokerage.rounds.search.alns import search
from caremarket.brokerage.rounds.search.anneal import COOLING, Cooling, improve
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
    parser.add_argument("--methods", default="alns,anneal")
    parser.add_argument("--cooling", default="", help="k=v,... overriding Cooling")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "out/rounds/equal_cpu"
    )
    args = parser.parse_args()
    cooling = _cooling(args.cooling)
    methods = args.methods.split(",")
    folder = benchmark.instance_folder(args.instances)
    if folder is None:
        raise SystemExit("name the Mankowska instances with --instances or CAREMARKET_MANKOWSKA")
    entries = {e.label: e for e in benchmark.entries(folder)}
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"{args.cpu:g} CPU-seconds per run; gap to best_2026 (%)")
    print(f"{'inst':>4} {'seed':>4} " + " ".join(f"{m:>8}" for m in methods) + f" {'load':>5}")
    gaps: dict[str, list[float]] = {m: [] for m in methods}
    for label in args.labels.split(","):
        entry = entries[label]
        instance = mankowska.read(entry.file)
        problem = instance.problem
        table = TaskTable.of(problem)
        for seed in seeds:
            row = []
            for method in methods:
                stop, rng = MaxCpu(args.cpu), random.Random(seed)
                if method == "alns":
                    best = search(table, stop, rng)
                else:
                    best = improve(table, stop, rng, cooling=cooling)
                plan = _plan(problem, table, best, {})
                report = check(problem, plan)
                (args.out / method).mkdir(parents=True, exist_ok=True)
                path = args.out / method / f"{entry.file.stem}_seed{seed}.json"
                mankowska.write_plan(path, instance, plan, report.objective)
                if not report.is_feasible:
                    raise SystemExit(f"{label} seed {seed} {method}: {report.violations[:3]}")
                gap = 100 * (report.objective / entry.best_known - 1)
                gaps[method].append(gap)
                row.append(gap)
            load = os.getloadavg()[0]
            cells = " ".join(f"{g:8.2f}" for g in row)
            print(f"{label:>4} {seed:>4} {cells} {load:5.1f}", flush=True)
    print(f"{'mean':>9} " + " ".join(f"{statistics.mean(gaps[m]):8.2f}" for m in methods))


def _cooling(given: str) -> Cooling:
    """The default cooling with the `k=v` pairs given."""
    if not given:
        return COOLING
    kinds = {f.name: f.type for f in fields(Cooling)}
    changes: dict[str, float | int] = {}
    for pair in given.split(","):
        key, value = pair.split("=")
        changes[key] = int(value) if kinds[key] in (int, "int") else float(value)
    return replace(COOLING, **changes)


if __name__ == "__main__":
    main()
