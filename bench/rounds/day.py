"""A provider's real day: plan 200 to 1,000 calls of the demo county and check every plan.

    python bench/rounds/day.py --sizes 200,400,800,1000 --time-limit 60 --workers 2

Each day comes from `caremarket.demo.provider_day` (call bands, 30-60 minute calls,
about 12% double-handed, skills, carers people know, split/early/late shifts with
breaks and maximum hours; one carer per 8 calls). The plan is scored by the
independent checker. Printed beside it: the capacity in the morning and in the
evening (carer minutes on shift against care and an estimate of travel), so a call
left out can be told apart from a day that cannot be covered. Rows are appended to
bench/out/rounds/results_day.csv with the 1-minute load average.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

from caremarket.brokerage.rounds.check import check
from caremarket.brokerage.rounds.problem import Problem
from caremarket.brokerage.rounds.solve import solve
from caremarket.brokerage.rounds.stop import MaxRuntime
from caremarket.demo.provider_day import BED, MORNING, TEA, WINDOW_MINUTES, provider_day

HERE = Path(__file__).resolve().parent
FIELDS = [
    "visits",
    "carers",
    "double",
    "seed",
    "workers",
    "time_limit_s",
    "seconds",
    "feasible",
    "unplaced",
    "calls",
    "travel_minutes",
    "travel_per_placed_hour",
    "lateness_minutes",
    "known_carer_share",
    "morning_capacity_ratio",
    "evening_capacity_ratio",
    "objective",
    "load_1min",
]


def capacity(problem: Problem, first: float, last: float) -> float:
    """Carer minutes on shift over care minutes plus a travel estimate, for calls set first..last.

    Travel is estimated as each carer's mean leg to the call's home; breaks are not
    taken off the carers' minutes, so a ratio near 1 is already short.
    """
    start = first - WINDOW_MINUTES
    end = last + WINDOW_MINUTES + problem.max_lateness_minutes
    need = 0.0
    mean_leg = float(problem.travel.mean())
    for visit in problem.visits:
        if start <= visit.earliest and visit.latest <= last + WINDOW_MINUTES:
            need += sum(n.duration + mean_leg for n in visit.needs)
    have = sum(max(0.0, min(c.shift_end, end) - max(c.shift_start, start)) for c in problem.carers)
    return have / need if need else float("inf")


def main() -> None:
    """Generate, plan and check each size of day."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,400,800,1000")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE.parent / "out" / "rounds")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = args.out / "results_day.csv"
    for size in (int(s) for s in args.sizes.split(",")):
        problem = provider_day(size, seed=2026 + args.seed)
        began = time.perf_counter()
        plan = solve(problem, MaxRuntime(args.time_limit), seed=args.seed, workers=args.workers)
        took = time.perf_counter() - began
        report = check(problem, plan)
        share = report.known_carer_share
        row = {
            "visits": len(problem.visits),
            "carers": len(problem.carers),
            "double": sum(v.is_double_handed for v in problem.visits),
            "seed": args.seed,
            "workers": args.workers,
            "time_limit_s": args.time_limit,
            "seconds": round(took, 1),
            "feasible": report.is_feasible,
            "unplaced": report.num_unplaced,
            "calls": report.num_calls,
            "travel_minutes": round(report.travel_minutes),
            "travel_per_placed_hour": round(report.travel_per_placed_hour, 1),
            "lateness_minutes": round(report.lateness_minutes),
            "known_carer_share": "" if share is None else round(share, 3),
            "morning_capacity_ratio": round(capacity(problem, MORNING.first, MORNING.last), 2),
            "evening_capacity_ratio": round(capacity(problem, TEA.first, BED.last), 2),
            "objective": round(report.objective, 1),
            "load_1min": round(os.getloadavg()[0], 2),
        }
        new = not results.exists()
        with results.open("a", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            if new:
                writer.writeheader()
            writer.writerow(row)
        print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
        for line in report.violations[:5]:
            print("  violation:", line)


if __name__ == "__main__":
    main()
