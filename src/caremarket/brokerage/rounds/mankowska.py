"""Read a Mankowska, Meisel & Bierwirth (2014) home health care instance into a `Problem`.

The layout is Kummer's normalisation of the original files: sections `nbNodes`,
`nbVehi`, `nbServi`, `r` (node x service needed), `DS` (1-based rows of
double-service nodes), `a` (vehicle x service qualified), `x`, `y`, `d`
(distances, also travel times), `p` (processing times, one row per node and
vehicle; every vehicle's row is the same), `mind`/`maxd` (gap between the two
services of a node) and `e`/`l` (start windows). Row 0 and the last row are the
depot. The objective is (total distance + total tardiness + maximal tardiness)/3;
of a double-service node, the lower-numbered service comes first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from caremarket.brokerage.rounds.plan import Call, Plan, Route
from caremarket.brokerage.rounds.problem import Carer, Gap, Need, Place, Problem, Visit, Weights


@dataclass(frozen=True)
class Instance:
    """A benchmark instance as a `Problem`, with the file's service numbering kept."""

    name: str
    problem: Problem
    services: tuple[tuple[int, ...], ...]  # per visit: service index of each need


def _sections(text: str) -> dict[str, list[list[float]]]:
    sections: dict[str, list[list[float]]] = {}
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped[0].isalpha():
            current = stripped
            sections[current] = []
            continue
        if not current:
            raise ValueError(f"numbers before any section: {stripped[:40]}")
        sections[current].append([float(v) for v in stripped.split()])
    missing = {"nbNodes", "nbVehi", "nbServi", "r", "a", "x", "y", "d", "p", "e", "l"} - set(
        sections
    )
    if missing:
        raise ValueError(f"missing section(s): {', '.join(sorted(missing))}")
    return sections


def read(path: Path) -> Instance:
    """Read one instance file."""
    sec = _sections(path.read_text(encoding="utf-8"))
    n = int(sec["nbNodes"][0][0])
    num_vehicles = int(sec["nbVehi"][0][0])
    num_services = int(sec["nbServi"][0][0])
    need = sec["r"]
    qualified = sec["a"]
    proc = sec["p"]
    mind = sec.get("mind", [[0.0] * n])[0]
    maxd = sec.get("maxd", [[0.0] * n])[0]
    e, lat = sec["e"][0], sec["l"][0]
    xs, ys = sec["x"][0], sec["y"][0]
    travel = np.array(sec["d"], dtype=float)
    skill = [f"s{s}" for s in range(num_services)]
    visits = []
    services = []
    for i in range(1, n - 1):
        wanted = [s for s in range(num_services) if need[i][s] > 0]
        row = proc[i * num_vehicles]
        visits.append(
            Visit(
                id=str(i),
                person=f"patient {i}",
                place=i,
                earliest=e[i],
                latest=lat[i],
                needs=tuple(Need(frozenset({skill[s]}), row[s]) for s in wanted),
                gap=Gap(mind[i], maxd[i]) if len(wanted) == 2 else None,
            )
        )
        services.append(tuple(wanted))
    carers = tuple(
        Carer(
            id=str(v),
            start_place=0,
            end_place=n - 1,
            shift_start=e[0],
            shift_end=float("inf"),
            skills=frozenset(skill[s] for s in range(num_services) if qualified[v][s] > 0),
        )
        for v in range(num_vehicles)
    )
    places = tuple(Place(f"node {i}", xs[i], ys[i]) for i in range(n))
    problem = Problem(
        visits=tuple(visits), carers=carers, places=places, travel=travel, weights=Weights()
    )
    return Instance(path.name, problem, tuple(services))


def plan_to_json(instance: Instance, plan: Plan, objective: float) -> dict[str, Any]:
    """A plan in the benchmark's exchange form: 0-based carers, services and nodes."""
    visits = instance.problem.visit_index()
    carers = instance.problem.carer_index()
    routes = []
    for route in plan.routes:
        stops = []
        for call in route.calls:
            i = visits[call.visit]
            stops.append(
                {
                    "node": instance.problem.visits[i].place,
                    "service": instance.services[i][call.need],
                    "start": call.start,
                }
            )
        routes.append({"carer": carers[route.carer], "visits": stops})
    return {"instance": instance.name, "objective": objective, "routes": routes}


def plan_from_json(instance: Instance, data: dict[str, Any]) -> Plan:
    """Read a plan in the benchmark's exchange form back (for checking another solver's plan)."""
    by_node = {v.place: i for i, v in enumerate(instance.problem.visits)}
    routes = []
    for item in data["routes"]:
        calls = []
        for stop in item["visits"]:
            i = by_node[int(stop["node"])]
            need = instance.services[i].index(int(stop["service"]))
            calls.append(Call(instance.problem.visits[i].id, need, float(stop["start"])))
        routes.append(Route(instance.problem.carers[int(item["carer"])].id, tuple(calls)))
    return Plan(tuple(routes))


def write_plan(path: Path, instance: Instance, plan: Plan, objective: float) -> None:
    """Write a plan as JSON in the benchmark's exchange form."""
    path.write_text(json.dumps(plan_to_json(instance, plan, objective), indent=1) + "\n")
