"""PySAL's regionalisation methods (spopt: max-p, AZP, SKATER) as baselines and starting points.

They optimise their own criteria (attribute similarity within regions, a
floor on a region's total); each design is scored here on the zone
objective (balance and compactness), so a comparison is like with like.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from caremarket.brokerage.zones.adjacency import Adjacency
from caremarket.brokerage.zones.design import Design, score

METHODS = ("max-p", "azp", "skater")


@dataclass(frozen=True)
class Baseline:
    """One method's design, or why it gave none."""

    method: str
    design: Design | None
    problem: str = ""


def spopt_designs(
    workload: Sequence[float],
    x: Sequence[float],
    y: Sequence[float],
    adjacency: Adjacency,
    zones: int,
    seed: int = 0,
) -> list[Baseline]:
    """Each spopt method's design for `zones` zones, scored on the zone objective."""
    import geopandas as gpd
    from libpysal.weights import W
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame(
        {
            "east_km": [v / 1000 for v in x],
            "north_km": [v / 1000 for v in y],
            "workload": list(workload),
        },
        geometry=[Point(a, b) for a, b in zip(x, y, strict=True)],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = W({i: sorted(adjacency[i]) for i in range(len(adjacency))}, silence_warnings=True)
    found = []
    for method in METHODS:
        started = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                labels = _solve(method, frame, weights, workload, zones, seed)
        except Exception as error:  # a third-party method failing is a result to report
            found.append(Baseline(method, None, f"{type(error).__name__}: {error}"))
            continue
        relabelled = _relabel(labels)
        seconds = time.perf_counter() - started
        found.append(Baseline(method, score(relabelled, workload, x, y, method, seconds)))
    return found


def _solve(method: str, frame: object, weights: object, workload: Sequence[float],
           zones: int, seed: int) -> list[int]:  # fmt: skip
    from spopt.region import AZP, MaxPHeuristic, Skater

    attrs = ["east_km", "north_km"]
    if method == "azp":
        model = AZP(frame, weights, attrs, n_clusters=zones, random_state=seed)
    elif method == "skater":
        model = Skater(frame, weights, attrs, n_clusters=zones, islands="increase")
    else:
        # max-p finds as many regions as it can, each with at least this workload.
        floor = 0.9 * sum(workload) / zones
        model = MaxPHeuristic(frame, weights, attrs, "workload", floor, top_n=2)
    model.solve()
    return [int(v) for v in model.labels_]


def _relabel(labels: Sequence[int]) -> list[int]:
    """Labels as 0..m-1 in order of first appearance."""
    seen: dict[int, int] = {}
    return [seen.setdefault(v, len(seen)) for v in labels]
