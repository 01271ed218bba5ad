"""Benchmark the rounds planner side by side with OR-Tools (Mankowska) and PyVRP (Solomon).

    python bench/rounds/run.py mankowska --instances DIR --sets FG --time-limit 60 --seeds 0,1,2
    python bench/rounds/run.py solomon --time-limit 5
    python bench/rounds/run.py table            # re-print tables from the saved results

Every plan is written as JSON under --out and scored by the independent checker
(caremarket.brokerage.rounds.check), never by the solver's own numbers. Results
are appended to results_<benchmark>.csv as they come, so a long run can be read
while it goes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ortools_baseline import solve_ortools  # noqa: E402
from solomon import read as read_solomon  # noqa: E402
from solomon import solve_alns, solve_pyvrp, to_problem  # noqa: E402

from caremarket.brokerage.rounds import benchmark  # noqa: E402
from caremarket.brokerage.rounds.check import check  # noqa: E402
from caremarket.brokerage.rounds.plan import Plan  # noqa: E402
from caremarket.brokerage.rounds.problem import Problem  # noqa: E402
from caremarket.brokerage.rounds.solve import solve  # noqa: E402
from caremarket.brokerage.rounds.stop import MaxRuntime  # noqa: E402

SHARED = HERE.parents[2] / "shared" / "bench"
FIELDS = [
    "benchmark",
    "instance",
    "group",
    "method",
    "seed",
    "workers",
    "time_limit_s",
    "seconds",
    "objective",
    "best_known",
    "gap_pct",
    "bks_2021",
    "gap_2021_pct",
    "feasible",
    "violations",
    "load_1min",
]


WORKERS = 1


def caremarket(problem: Problem, seconds: float, seed: int) -> Plan:
    """The rounds planner with a wall-clock limit, as `solve` routes it (ALNS, then annealing)."""
    return solve(problem, MaxRuntime(seconds), seed=seed, workers=WORKERS)


def caremarket_alns(problem: Problem, seconds: float, seed: int) -> Plan:
    """The planner's ALNS alone (the search before the compiled annealing), for comparison."""
    return solve(problem, MaxRuntime(seconds), seed=seed, engine="alns", workers=WORKERS)


def ortools(problem: Problem, seconds: float, seed: int) -> Plan:
    """The OR-Tools routing baseline."""
    return solve_ortools(problem, seconds, seed)


def _append(path: Path, row: dict[str, object]) -> None:
    new = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        if new:
            writer.writeheader()
        writer.writerow(row)


def run_mankowska(args: argparse.Namespace) -> None:
    """Every instance of the chosen sets, each seed and method in turn, same limit."""
    global WORKERS
    WORKERS = args.workers
    planners = {"caremarket": caremarket, "caremarket_alns": caremarket_alns, "ortools": ortools}
    results = args.out / "results_mankowska.csv"
    for entry in benchmark.entries(args.instances, args.sets):
        if args.first and int(entry.label[1:]) > args.first:
            continue
        if args.labels and entry.label not in args.labels:
            continue
        for seed in args.seeds:
            for method in args.methods.split(","):
                if method == "ortools" and int(entry.label[1:]) > args.compare_first:
                    continue
                folder = args.out / "mankowska" / method
                result, _ = benchmark.run(
                    entry, planners[method], method, args.time_limit, seed, folder
                )
                _append(results, _row(result, args.time_limit, args.workers))
                print(
                    f"{entry.label:>4} {method:>10} seed {seed} {result.objective:9.2f} "
                    f"best_2026 {entry.best_known:8.2f} gap {result.gap_pct:6.2f}% "
                    f"(bks_2021 {entry.bks_2021:8.2f} gap {result.gap_2021_pct:6.2f}%) "
                    f"{result.seconds:5.1f}s load {result.load_1min:.2f} "
                    f"feasible={result.feasible}",
                    flush=True,
                )
    table(args)


def _row(result: benchmark.Result, limit: float, workers: int) -> dict[str, object]:
    entry = result.entry
    return {
        "benchmark": "mankowska",
        "instance": entry.label,
        "group": entry.group,
        "method": result.method,
        "seed": result.seed,
        "workers": workers if result.method.startswith("caremarket") else 1,
        "time_limit_s": limit,
        "seconds": round(result.seconds, 2),
        "objective": round(result.objective, 3),
        "best_known": entry.best_known,
        "gap_pct": round(result.gap_pct, 3),
        "bks_2021": entry.bks_2021,
        "gap_2021_pct": round(result.gap_2021_pct, 3),
        "feasible": result.feasible,
        "violations": "; ".join(result.violations[:3]),
        "load_1min": round(result.load_1min, 2),
    }


def run_solomon(args: argparse.Namespace) -> None:
    """The 56 Solomon instances, caremarket and PyVRP, same limit."""
    folder = args.solomon / "solomon"
    bks = json.loads((args.solomon / "BKS.json").read_text())
    planners = {"caremarket": caremarket, "alns": solve_alns, "pyvrp": solve_pyvrp}
    results = args.out / "results_solomon.csv"
    for path in sorted(folder.glob("*.txt")):
        data = read_solomon(path)
        problem = to_problem(data)
        best = bks.get(f"{data.name}_distance", bks[data.name])["best_known_cost"]
        for method in args.methods.split(","):
            began = time.perf_counter()
            plan = planners[method](problem, args.time_limit, args.seed)
            took = time.perf_counter() - began
            # PyVRP works in thousandths: forgive that rounding, no more.
            report = check(problem, plan, tolerance=0.01)
            ok = report.is_feasible and report.num_unplaced == 0
            gap = 100 * (report.travel_minutes / best - 1)
            _append(
                results,
                {
                    "benchmark": "solomon",
                    "instance": data.name,
                    "group": data.name.rstrip("0123456789"),
                    "method": method,
                    "time_limit_s": args.time_limit,
                    "seconds": round(took, 2),
                    "objective": round(report.travel_minutes, 3),
                    "best_known": best,
                    "gap_pct": round(gap, 3),
                    "feasible": ok,
                    "violations": "; ".join(report.violations[:3]),
                    "load_1min": round(os.getloadavg()[0], 2),
                },
            )
            print(
                f"{data.name:>6} {method:>10} {report.travel_minutes:9.2f} bks {best:8.2f} "
                f"gap {gap:6.2f}% {took:5.1f}s feasible={ok}",
                flush=True,
            )
    table(args)


def _mankowska_rows(args: argparse.Namespace) -> dict[tuple[str, str, str], dict[str, str]]:
    """The latest row per (instance, method, seed) of the Mankowska results."""
    path = args.out / "results_mankowska.csv"
    latest: dict[tuple[str, str, str], dict[str, str]] = {}
    if path.exists():
        for row in csv.DictReader(path.open()):
            latest[(row["instance"], row["method"], row["seed"])] = row
    return latest


def _results(
    rows: list[dict[str, str]], entries: dict[str, benchmark.Entry]
) -> list[benchmark.Result]:
    return [
        benchmark.Result(
            entries[r["instance"]],
            r["method"],
            int(r["seed"]),
            float(r["objective"]),
            float(r["seconds"]),
            r["feasible"] == "True",
            (),
            float(r["load_1min"]),
        )
        for r in rows
    ]


def mankowska_table(args: argparse.Namespace) -> None:
    """Per set and method: mean gap to best_2026 per seed, its median and min-max over seeds."""
    latest = _mankowska_rows(args)
    if not latest:
        return
    entries = {e.label: e for e in benchmark.entries(Path("."))}
    print("\nmankowska: mean gap to best_2026 (%) per set: median over seeds [min, max]")
    print(
        f"{'set':>5} {'method':>10} {'n':>3} {'seeds':>5} {'median':>7} {'min':>7} {'max':>7} "
        f"{'feasible':>9} {'new best':>8} {'load':>9} {'limit':>6}"
    )
    for method in sorted({m for _, m, _ in latest}):
        rows = [r for (_, m, _), r in latest.items() if m == method]
        for row in benchmark.summarise(_results(rows, entries)):
            mine = [r for r in rows if row.group in ("all", r["group"])]
            loads = [float(r["load_1min"]) for r in mine]
            limits = "/".join(f"{x:g}" for x in sorted({float(r["time_limit_s"]) for r in mine}))
            print(
                f"{row.group:>5} {method:>10} {row.num_instances:3d} {row.num_seeds:5d} "
                f"{row.median_gap_pct:7.2f} {row.min_gap_pct:7.2f} {row.max_gap_pct:7.2f} "
                f"{row.num_feasible:4d}/{row.num_runs:<4d} {row.num_new_best:8d} "
                f"{min(loads):4.1f}-{max(loads):<4.1f} {limits:>6}"
            )


def table(args: argparse.Namespace) -> None:
    """Per group and method: instances, mean gap, feasible share, mean seconds."""
    mankowska_table(args)
    for name in ("solomon",):
        path = args.out / f"results_{name}.csv"
        if not path.exists():
            continue
        rows = list(csv.DictReader(path.open()))
        latest: dict[tuple[str, str], dict[str, str]] = {}
        for row in rows:
            latest[(row["instance"], row["method"])] = row
        groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
        for (_, method), row in latest.items():
            groups[(row["group"], method)].append(row)
            groups[("all", method)].append(row)
        print(f"\n{name}: mean gap to best-known (%), feasible, mean seconds")
        print(
            f"{'set':>5} {'method':>10} {'n':>3} {'gap %':>8} {'feasible':>9} {'seconds':>8} "
            f"{'better':>6} {'limit':>6}"
        )
        for (group, method), items in sorted(groups.items()):
            gaps = [float(r["gap_pct"]) for r in items]
            feasible = sum(r["feasible"] == "True" for r in items)
            better = sum(g < -0.005 for g in gaps)
            print(
                f"{group:>5} {method:>10} {len(items):3d} {statistics.mean(gaps):8.2f} "
                f"{feasible:4d}/{len(items):<4d} "
                f"{statistics.mean(float(r['seconds']) for r in items):8.1f} {better:6d} "
                f"{items[0]['time_limit_s']:>6}"
            )


def markdown(args: argparse.Namespace) -> None:
    """Per-instance Mankowska results as a markdown table (for bench/rounds/README.md)."""
    latest = _mankowska_rows(args)
    labels = sorted({i for i, _, _ in latest}, key=lambda i: (i[0], int(i[1:])))
    print(
        "| instance | best_2026 | bks_2021 | method | limit s | seeds | median | gap % "
        "| min-max gap % | load |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|---|---|")
    for label in labels:
        for method in sorted({m for i, m, _ in latest if i == label}):
            rows = [r for (i, m, _), r in latest.items() if (i, m) == (label, method)]
            objs = [float(r["objective"]) for r in rows]
            gaps = [float(r["gap_pct"]) for r in rows]
            limits = "/".join(f"{x:g}" for x in sorted({float(r["time_limit_s"]) for r in rows}))
            loads = [float(r["load_1min"]) for r in rows]
            print(
                f"| {label} | {float(rows[0]['best_known']):.2f} | {float(rows[0]['bks_2021']):.2f}"
                f" | {method} | {limits} | {len(rows)} | {statistics.median(objs):.2f} | "
                f"{statistics.median(gaps):.2f} | {min(gaps):.2f} to {max(gaps):.2f} | "
                f"{min(loads):.1f}-{max(loads):.1f} |"
            )


def recheck(args: argparse.Namespace) -> None:
    """Re-score every saved Mankowska plan from its exchange JSON alone and update the CSV."""
    path = args.out / "results_mankowska.csv"
    rows = list(csv.DictReader(path.open()))
    files = {e.label: e for e in benchmark.entries(args.instances)}
    for row in rows:
        entry = files[row["instance"]]
        saved = args.out / "mankowska" / row["method"] / f"{entry.file.stem}_seed{row['seed']}.json"
        result = benchmark.rescore(
            entry,
            saved,
            row["method"],
            int(row["seed"]),
            float(row["seconds"]),
            float(row["load_1min"]),
        )
        fresh = _row(result, float(row["time_limit_s"]), 1)
        for key in ("objective", "gap_pct", "gap_2021_pct", "feasible", "violations"):
            row[key] = str(fresh[key])
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    table(args)


def main() -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "benchmark", choices=["mankowska", "solomon", "table", "markdown", "recheck"]
    )
    parser.add_argument("--sets", default="ABCDEFG")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0, help="Solomon: the seed")
    parser.add_argument(
        "--seeds",
        type=lambda text: [int(x) for x in text.split(",")],
        default=[0],
        help="Mankowska: seeds to run, e.g. 0,1,2 (median and spread per set)",
    )
    parser.add_argument("--workers", type=int, default=1, help="parallel searches per run")
    parser.add_argument("--first", type=int, default=0, help="only instances 1..N of each set")
    parser.add_argument(
        "--labels",
        type=lambda text: set(text.split(",")),
        default=set(),
        help="only these instances, e.g. C2,C3 (with --sets naming their sets)",
    )
    parser.add_argument("--methods", default="")
    parser.add_argument(
        "--compare-first",
        type=int,
        default=10,
        help="run the other methods only on instances 1..N of each set (time is short)",
    )
    parser.add_argument("--out", type=Path, default=HERE.parent / "out" / "rounds")
    parser.add_argument(
        "--instances", type=Path, default=None, help=f"instance folder (or ${benchmark.ENV_VAR})"
    )
    parser.add_argument("--solomon", type=Path, default=SHARED / "vrptw_solomon_homberger")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.benchmark in ("mankowska", "recheck"):
        args.instances = benchmark.instance_folder(args.instances)
        if args.instances is None:
            print(
                f"No instances: give --instances DIR or set {benchmark.ENV_VAR}; {benchmark.WHERE}",
                file=sys.stderr,
            )
            sys.exit(2)
    if args.benchmark == "mankowska":
        args.methods = args.methods or "caremarket,ortools"
        run_mankowska(args)
    elif args.benchmark == "solomon":
        args.methods = args.methods or "alns,pyvrp"
        run_solomon(args)
    elif args.benchmark == "recheck":
        recheck(args)
    elif args.benchmark == "markdown":
        markdown(args)
    else:
        table(args)


if __name__ == "__main__":
    main()
