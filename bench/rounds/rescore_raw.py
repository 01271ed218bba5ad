"""Re-score Mankowska plans from the raw instance files, with no caremarket code at all.

    python bench/rounds/rescore_raw.py --instances DIR PLAN.json [PLAN.json ...]

A second, deliberately separate reading of the published model (Mankowska, Meisel &
Bierwirth 2014; the checks listed in ../shared/bench/SOURCES.md): every required
service done once by a qualified carer, no start before the window opens or before the
carer can arrive, the two services of a double-service patient by two different carers
within their min/max gap; objective = (travel from depot to depot + total tardiness +
maximal tardiness) / 3. Prints each plan's objective beside the one it states, and its
problems; exits 1 if any plan has a problem or a different objective.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EPS = 1e-6


def read_instance(path: Path) -> dict[str, Any]:
    """The instance's blocks: sizes, r, DS, a, x, y, d, p, mind, maxd, e, l."""
    lines = [line.split() for line in path.read_text().splitlines()]
    data: dict[str, Any] = {}
    i = 0

    def rows(count: int, kind: type) -> list[list[Any]]:
        return [[kind(v) for v in lines[i + j]] for j in range(count)]

    while i < len(lines):
        key = lines[i][0]
        i += 1
        if key in ("nbNodes", "nbVehi", "nbServi"):
            data[key] = int(lines[i][0])
            i += 1
        elif key in ("r", "d"):
            data[key] = rows(data["nbNodes"], int if key == "r" else float)
            i += data["nbNodes"]
        elif key == "a":
            data[key] = rows(data["nbVehi"], int)
            i += data["nbVehi"]
        elif key == "DS":
            data[key] = {int(v) for v in lines[i]}
            i += 1
        elif key in ("x", "y", "mind", "maxd", "e", "l"):
            data[key] = [float(v) for v in lines[i]]
            i += 1
        elif key == "p":
            n = data["nbNodes"]
            data[key] = [
                [[float(v) for v in lines[i + k * n + j]] for j in range(n)]
                for k in range(data["nbVehi"])
            ]
            i += n * data["nbVehi"]
        else:
            raise SystemExit(f"{path.name}: unknown block {key!r} at line {i}")
    return data


def rescore(inst: dict[str, Any], plan: dict[str, Any]) -> tuple[float, list[str]]:
    """The plan's objective under the published model, and what breaks its rules."""
    n, d = inst["nbNodes"], inst["d"]
    problems: list[str] = []
    travel = 0.0
    tardiness: list[float] = []
    done: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for route in plan["routes"]:
        k, node_before, free_at = route["carer"], 0, 0.0
        for visit in route["visits"]:
            node, s, start = visit["node"], visit["service"], float(visit["start"])
            if inst["a"][k][s] != 1:
                problems.append(f"carer {k} is not qualified for service {s}")
            if inst["r"][node][s] != 1:
                problems.append(f"node {node} does not need service {s}")
            if start < free_at + d[node_before][node] - EPS:
                problems.append(f"carer {k} starts node {node} before arriving")
            if start < inst["e"][node] - EPS:
                problems.append(f"node {node} starts before its window opens")
            travel += d[node_before][node]
            tardiness.append(max(0.0, start - inst["l"][node]))
            done.setdefault((node, s), []).append((k, start))
            free_at, node_before = start + inst["p"][k][node][s], node
        if route["visits"]:
            travel += d[node_before][n - 1]
    for node in range(1, n - 1):
        services = [s for s in range(inst["nbServi"]) if inst["r"][node][s] == 1]
        for s in services:
            if len(done.get((node, s), [])) != 1:
                problems.append(f"node {node} service {s} done {len(done.get((node, s), []))}x")
        if node in inst["DS"] and len(services) == 2 and all((node, s) in done for s in services):
            (k1, t1), (k2, t2) = done[(node, services[0])][0], done[(node, services[1])][0]
            if k1 == k2:
                problems.append(f"node {node}: both services by carer {k1}")
            if not inst["mind"][node] - EPS <= t2 - t1 <= inst["maxd"][node] + EPS:
                problems.append(f"node {node}: gap {t2 - t1:.3f} outside its min/max")
    objective = (travel + sum(tardiness) + max(tardiness, default=0.0)) / 3
    return objective, problems


def main() -> None:
    """Re-score every plan named."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=Path, required=True)
    parser.add_argument("plans", type=Path, nargs="+")
    args = parser.parse_args()
    bad = 0
    for path in args.plans:
        plan = json.loads(path.read_text())
        objective, problems = rescore(read_instance(args.instances / plan["instance"]), plan)
        stated = float(plan["objective"])
        same = abs(objective - stated) <= 1e-3
        bad += bool(problems) or not same
        verdict = "ok" if same and not problems else "DIFFERS" if not problems else "BROKEN"
        print(f"{path.name}: {objective:.3f} (plan states {stated:.3f}) {verdict}")
        for problem in problems[:10]:
            print(f"  {problem}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
