"""Benchmark the rounds planner side by side with OR-Tools (Mankowska) and PyVRP (Solomon).

    python bench/rounds/run.py mankowska --sets ABCDEFG --time-limit 60
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

from caremarket.brokerage.rounds import benchmark, mankowska  # noqa: E402
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
    "time_limit_s",
    "seconds",
    "objective",
    "best_known",
    "gap_pct",
    "feasible",
    "violations",
    "load_1min",
]


def caremarket(problem: Problem, seconds: float, seed: int) -> Plan:
    """The rounds planner with a wall-clock limit (its own search: Mankowska is not plain VRPTW)."""
    return solve(problem, MaxRuntime(seconds), seed=seed, engine="alns")


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
    """Every instance of the chosen sets, each method in turn, same limit."""
    planners = {"caremarket": caremarket, "ortools": ortools}
    results = args.out / "results_mankowska.csv"
    for entry in benchmark.entries(args.instances, args.sets):
        for method in args.methods.split(","):
            if method != "caremarket" and int(entry.label[1:]) > args.compare_first:
                continue
            result, instance, plan = benchmark.run(
                entry, planners[method], method, args.time_limit, args.seed
            )
            folder = args.out / "mankowska" / method
            folder.mkdir(parents=True, exist_ok=True)
            mankowska.write_plan(
                folder / f"{entry.file.stem}.json", instance, plan, result.objective
            )
            _append(
                results,
                {
                    "benchmark": "mankowska",
                    "instance": entry.label,
                    "group": entry.group,
                    "method": method,
                    "time_limit_s": args.time_limit,
                    "seconds": round(result.seconds, 2),
                    "objective": round(result.objective, 3),
                    "best_known": entry.best_known,
                    "gap_pct": round(result.gap_pct, 3),
                    "feasible": result.feasible,
                    "violations": "; ".join(result.violations[:3]),
                    "load_1min": round(os.getloadavg()[0], 2),
                },
            )
            print(
                f"{entry.label:>4} {method:>10} {result.objective:9.2f} "
                f"bks {entry.best_known:8.2f} gap {result.gap_pct:6.2f}% "
                f"{result.seconds:5.1f}s feasible={result.feasible}",
                flush=True,
            )
    table(args)


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


def table(args: argparse.Namespace) -> None:
    """Per group and method: instances, mean gap, feasible share, mean seconds."""
    for name in ("mankowska", "solomon"):
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


def paired(args: argparse.Namespace) -> None:
    """Side by side on the instances every method ran: mean gap and feasible count per set."""
    path = args.out / "results_mankowska.csv"
    if not path.exists():
        return
    latest: dict[tuple[str, str], dict[str, str]] = {}
    for row in csv.DictReader(path.open()):
        latest[(row["instance"], row["method"])] = row
    methods = sorted({m for _, m in latest})
    shared = sorted({i for i, _ in latest if all((i, m) in latest for m in methods)})
    print(f"\nmankowska side by side on the {len(shared)} instances all of {methods} ran")
    print(
        f"{'set':>5} {'n':>3} " + " ".join(f"{m + ' gap %':>16} {'feasible':>9}" for m in methods)
    )
    for group in [*sorted({i[0] for i in shared}), "all"]:
        names = [i for i in shared if group in ("all", i[0])]
        cells = []
        for m in methods:
            gaps = [float(latest[(i, m)]["gap_pct"]) for i in names]
            ok = sum(latest[(i, m)]["feasible"] == "True" for i in names)
            cells.append(f"{statistics.mean(gaps):16.2f} {ok:4d}/{len(names):<4d}")
        print(f"{group:>5} {len(names):3d} " + " ".join(cells))


def markdown(args: argparse.Namespace) -> None:
    """Per-instance Mankowska results as a markdown table (for bench/rounds/README.md)."""
    path = args.out / "results_mankowska.csv"
    latest: dict[tuple[str, str], dict[str, str]] = {}
    for row in csv.DictReader(path.open()):
        latest[(row["instance"], row["method"])] = row
    labels = sorted({i for i, _ in latest}, key=lambda i: (i[0], int(i[1:])))
    print("| instance | best known | caremarket | gap % | s | feasible |", end="")
    print(" OR-Tools | gap % | feasible |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---|")
    for label in labels:
        cm = latest.get((label, "caremarket"))
        ot = latest.get((label, "ortools"))
        if cm is None:
            continue
        other = (
            f"{float(ot['objective']):.2f} | {float(ot['gap_pct']):.2f} | {ot['feasible']}"
            if ot
            else "| |"
        )
        print(
            f"| {label} | {float(cm['best_known']):.2f} | {float(cm['objective']):.2f} | "
            f"{float(cm['gap_pct']):.2f} | {float(cm['seconds']):.0f} | {cm['feasible']} | "
            f"{other} |"
        )


def recheck(args: argparse.Namespace) -> None:
    """Re-score every saved Mankowska plan from its exchange JSON alone and update the CSV."""
    path = args.out / "results_mankowska.csv"
    rows = list(csv.DictReader(path.open()))
    files = {e.label: e for e in benchmark.entries(args.instances)}
    for row in rows:
        entry = files[row["instance"]]
        saved = args.out / "mankowska" / row["method"] / f"{entry.file.stem}.json"
        instance = mankowska.read(entry.file)
        plan = mankowska.plan_from_json(instance, json.loads(saved.read_text()))
        report = check(instance.problem, plan)
        row["objective"] = str(round(report.objective, 3))
        row["gap_pct"] = str(round(100 * (report.objective / entry.best_known - 1), 3))
        row["feasible"] = str(report.is_feasible)
        row["violations"] = "; ".join(report.violations[:3])
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    table(args)
    paired(args)


def main() -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "benchmark", choices=["mankowska", "solomon", "table", "markdown", "recheck"]
    )
    parser.add_argument("--sets", default="ABCDEFG")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--methods", default="")
    parser.add_argument(
        "--compare-first",
        type=int,
        default=10,
        help="run the other methods only on instances 1..N of each set (time is short)",
    )
    parser.add_argument("--out", type=Path, default=HERE.parent / "out" / "rounds")
    parser.add_argument("--instances", type=Path, default=SHARED / "hhcrsp_mankowska2014")
    parser.add_argument("--solomon", type=Path, default=SHARED / "vrptw_solomon_homberger")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
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
        paired(args)


if __name__ == "__main__":
    main()
