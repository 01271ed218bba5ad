"""Designing zones: contiguous, balanced in workload (contact hours plus travel), compact.

The objective (lower is better) is `imbalance_weight x sum over zones of
((workload - mean) / mean)^2 + compactness`, where compactness is the
zones' workload-weighted moment of inertia over the whole council's (0 for
points stacked on their zone's centre, 1 for one zone). A design starts from
zones grown around weighted k-means seeds, then moves blocks across zone
borders while a move improves the objective and leaves both zones in one
piece (the local search of the districting literature, on this objective);
several restarts run within a time limit and the best is kept.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from caremarket.brokerage.zones.adjacency import Adjacency, components, stays_connected
from caremarket.brokerage.zones.parameters import zone_parameters


class ZoningError(ValueError):
    """A design that cannot be made as asked, in words a user can act on."""


@dataclass(frozen=True)
class Design:
    """Zones for every block, with how balanced and compact they are."""

    labels: tuple[int, ...]
    zones: int
    workloads: tuple[float, ...]
    max_deviation: float
    """Largest |zone workload - mean| / mean."""
    compactness: float
    objective: float
    method: str
    seconds: float
    areas: int = 1
    """Separate areas (islands) the blocks form; each is zoned on its own."""

    @property
    def balanced(self) -> bool:
        """Whether every zone is within the declared tolerance of the mean workload."""
        return self.max_deviation <= zone_parameters().balance_tolerance + 1e-9


@dataclass
class _State:
    """A design in progress, with running sums so a move is scored in O(1)."""

    labels: list[int]
    workload: list[float]
    weight: list[float]
    x: list[float]
    y: list[float]
    zone_w: list[float]
    zone_sw: list[float]
    zone_sx: list[float]
    zone_sy: list[float]
    zone_sq: list[float]
    mean: float
    total_inertia: float
    lam: float

    @classmethod
    def start(
        cls,
        labels: list[int],
        workload: Sequence[float],
        weight: Sequence[float],
        x: Sequence[float],
        y: Sequence[float],
        zones: int,
        lam: float,
    ) -> _State:
        state = cls(list(labels), list(workload), list(weight), list(x), list(y),
                    [0.0] * zones, [0.0] * zones, [0.0] * zones, [0.0] * zones, [0.0] * zones,
                    sum(workload) / zones, 1.0, lam)  # fmt: skip
        for i, z in enumerate(labels):
            state._add(i, z, 1.0)
        sw, sx, sy = (
            sum(weight),
            sum(w * a for w, a in zip(weight, x, strict=True)),
            sum(w * b for w, b in zip(weight, y, strict=True)),
        )
        sq = sum(w * (a * a + b * b) for w, a, b in zip(weight, x, y, strict=True))
        state.total_inertia = max(sq - (sx * sx + sy * sy) / sw, 1e-9) if sw else 1.0
        return state

    def _add(self, i: int, z: int, sign: float) -> None:
        w = self.weight[i]
        self.zone_w[z] += sign * self.workload[i]
        self.zone_sw[z] += sign * w
        self.zone_sx[z] += sign * w * self.x[i]
        self.zone_sy[z] += sign * w * self.y[i]
        self.zone_sq[z] += sign * w * (self.x[i] ** 2 + self.y[i] ** 2)

    def _inertia(self, sw: float, sx: float, sy: float, sq: float) -> float:
        return sq - (sx * sx + sy * sy) / sw if sw > 1e-12 else 0.0

    def zone_cost(self, z: int, dw: float = 0.0, dsw: float = 0.0, dsx: float = 0.0,
                  dsy: float = 0.0, dsq: float = 0.0) -> float:  # fmt: skip
        imbalance = ((self.zone_w[z] + dw - self.mean) / self.mean) ** 2 if self.mean else 0.0
        inertia = self._inertia(self.zone_sw[z] + dsw, self.zone_sx[z] + dsx,
                                self.zone_sy[z] + dsy, self.zone_sq[z] + dsq)  # fmt: skip
        return self.lam * imbalance + inertia / self.total_inertia

    def move_delta(self, i: int, to: int) -> float:
        frm = self.labels[i]
        w, wi = self.workload[i], self.weight[i]
        d = (wi, wi * self.x[i], wi * self.y[i], wi * (self.x[i] ** 2 + self.y[i] ** 2))
        before = self.zone_cost(frm) + self.zone_cost(to)
        after = self.zone_cost(frm, -w, -d[0], -d[1], -d[2], -d[3]) + self.zone_cost(
            to, w, d[0], d[1], d[2], d[3]
        )
        return after - before

    def move(self, i: int, to: int) -> None:
        self._add(i, self.labels[i], -1.0)
        self.labels[i] = to
        self._add(i, to, 1.0)

    def objective(self) -> float:
        return sum(self.zone_cost(z) for z in range(len(self.zone_w)))

    def compactness(self) -> float:
        inertia = sum(
            self._inertia(self.zone_sw[z], self.zone_sx[z], self.zone_sy[z], self.zone_sq[z])
            for z in range(len(self.zone_w))
        )
        return inertia / self.total_inertia


def score(
    labels: Sequence[int],
    workload: Sequence[float],
    x: Sequence[float],
    y: Sequence[float],
    method: str,
    seconds: float = 0.0,
    areas: int = 1,
) -> Design:
    """Balance, compactness and objective of any labelling (a baseline's too)."""
    zones = max(labels) + 1
    weight = _weights(workload)
    state = _State.start(
        list(labels), workload, weight, x, y, zones, zone_parameters().imbalance_weight
    )
    mean = sum(workload) / zones
    deviation = max(abs(w - mean) / mean for w in state.zone_w) if mean else 0.0
    return Design(tuple(labels), zones, tuple(state.zone_w), deviation, state.compactness(),
                  state.objective(), method, seconds, areas)  # fmt: skip


def _weights(workload: Sequence[float]) -> list[float]:
    """Compactness weights: workload, plus a little for blocks without demand so they
    still sit near their zone."""
    floor = 0.01 * (sum(workload) / len(workload)) if workload else 0.0
    return [w + floor for w in workload]


def design_zones(
    workload: Sequence[float],
    x: Sequence[float],
    y: Sequence[float],
    adjacency: Adjacency,
    zones: int,
    *,
    seed: int = 0,
    time_limit_s: float = 30.0,
    within: Sequence[str] | None = None,
) -> Design:
    """The best design found for `zones` zones within the time limit (reproducible for a seed).

    With `within` (a group per block, e.g. its locality), every zone lies inside one group:
    blocks of different groups are never neighbours, and each group gets zones in proportion
    to its workload.
    """
    started = time.perf_counter()
    n = len(workload)
    if within is not None:
        if len(within) != n:
            raise ZoningError(f"{len(within)} groups given for {n} blocks")
        adjacency = [{o for o in adjacency[i] if within[o] == within[i]} for i in range(n)]
    if zones < 1:
        raise ZoningError("ask for at least one zone")
    if zones > n:
        raise ZoningError(
            f"{zones} zones asked for, but there are only {n} blocks: ask for fewer zones"
        )
    areas = components(adjacency)
    share = _zones_per_area(areas, workload, zones, nested=within is not None)
    labels = [-1] * n
    offset = 0
    rng = random.Random(seed)
    for area, k in zip(areas, share, strict=True):
        if k == 0:
            continue
        best = _design_area(area, k, workload, x, y, adjacency, rng, started, time_limit_s,
                            len(areas))  # fmt: skip
        for i, z in zip(area, best, strict=True):
            labels[i] = offset + z
        offset += k
    # Areas with no demand and no zone join nothing: they are reported, not forced in.
    unzoned = [i for i in range(n) if labels[i] < 0]
    if unzoned:
        raise ZoningError(
            f"{len(unzoned)} blocks lie in separate areas with no demand; they cannot join a "
            "contiguous zone"
        )
    return score(labels, workload, x, y, "caremarket", time.perf_counter() - started, len(areas))


def _zones_per_area(
    areas: list[list[int]], workload: Sequence[float], zones: int, *, nested: bool = False
) -> list[int]:
    """Zones for each separate area, in proportion to its workload (largest remainder),
    at least one for each area with demand."""
    loads = [sum(workload[i] for i in area) for area in areas]
    with_demand = [j for j, load in enumerate(loads) if load > 0] or [0]
    if len(with_demand) > zones:
        why = (
            "localities (or separate parts of one)"
            if nested
            else "separate areas with demand (islands or gaps wider than the neighbour distance)"
        )
        raise ZoningError(
            f"the blocks form {len(with_demand)} {why}, more than the {zones} zones asked for: "
            "ask for at least that many zones"
        )
    split = _fairest_split(
        [loads[j] for j in with_demand], [len(areas[j]) for j in with_demand], zones
    )
    share = dict(zip(with_demand, split, strict=True))
    result = [share.get(j, 0) for j in range(len(areas))]
    for j, k in enumerate(result):
        if k > len(areas[j]):
            raise ZoningError(f"an area of {len(areas[j])} blocks cannot hold {k} zones")
    return result


def _fairest_split(loads: Sequence[float], sizes: Sequence[int], zones: int) -> list[int]:
    """Zones per area (at least one, at most its blocks) so that the largest gap between an
    area's zone workload (its load over its zones) and the mean is smallest; ties go to the
    smaller sum of squared gaps. Exact, by dynamic programming over the areas."""
    mean = (sum(loads) / zones) or 1.0

    def gap(j: int, k: int) -> tuple[float, float]:
        d = abs(loads[j] / k / mean - 1)
        return d, k * d * d

    inf = (math.inf, math.inf)
    best: list[tuple[float, float]] = [inf] * (zones + 1)
    best[0] = (0.0, 0.0)
    choice: list[list[int]] = []
    for j in range(len(loads)):
        now = [inf] * (zones + 1)
        picked = [0] * (zones + 1)
        for used in range(zones + 1):
            if best[used] == inf:
                continue
            for k in range(1, min(sizes[j], zones - used) + 1):
                d, sq = gap(j, k)
                cand = (max(best[used][0], d), best[used][1] + sq)
                if cand < now[used + k]:
                    now[used + k] = cand
                    picked[used + k] = k
        best = now
        choice.append(picked)
    if best[zones] == inf:
        raise ZoningError(f"the areas' blocks cannot hold {zones} zones")
    result, left = [0] * len(loads), zones
    for j in range(len(loads) - 1, -1, -1):
        # Walk back: the k chosen for area j given the zones left (recomputed forwards).
        result[j] = choice[j][left]
        left -= result[j]
    return result


def best_nested_gap(loads: Sequence[float], zones: int) -> float:
    """The smallest largest workload gap (a share of the mean) any split of `zones` zones
    among areas of these workloads allows, however well each area is zoned."""
    split = _fairest_split(loads, [zones] * len(loads), zones)
    mean = sum(loads) / zones
    return max(abs(load / k / mean - 1) for load, k in zip(loads, split, strict=True))


def _design_area(
    area: list[int],
    k: int,
    workload: Sequence[float],
    x: Sequence[float],
    y: Sequence[float],
    adjacency: Adjacency,
    rng: random.Random,
    started: float,
    time_limit_s: float,
    areas: int,
) -> list[int]:
    """Restarts of grow-then-improve on one connected area; the best labels (0..k-1)."""
    index = {block: j for j, block in enumerate(area)}
    local_adj: Adjacency = [{index[o] for o in adjacency[b] if o in index} for b in area]
    w = [workload[b] for b in area]
    xs, ys = [x[b] / 1000 for b in area], [y[b] / 1000 for b in area]
    if k == 1:
        return [0] * len(area)
    budget = time_limit_s / max(areas, 1)
    area_start = time.perf_counter()
    best: tuple[tuple[bool, float], list[int]] | None = None
    attempt = 0
    while attempt < 2 or time.perf_counter() - area_start < budget * 0.8:
        labels = _grow(local_adj, w, xs, ys, k, rng)
        labels = _improve(local_adj, w, xs, ys, k, labels, rng, area_start + budget)
        scored = score(labels, w, xs, ys, "caremarket")
        key = (not scored.balanced, scored.objective)
        if best is None or key < best[0]:
            best = (key, labels)
        attempt += 1
        if time.perf_counter() - started > time_limit_s or attempt >= 200:
            break
    assert best is not None
    return best[1]


def _grow(adj: Adjacency, w: list[float], x: list[float], y: list[float], k: int,
          rng: random.Random) -> list[int]:  # fmt: skip
    """Grow k zones from spread-out seeds: the lightest zone takes its nearest free neighbour."""
    n = len(w)
    seeds = _seeds(w, x, y, k, rng)
    labels = [-1] * n
    load = [0.0] * k
    cx, cy = [0.0] * k, [0.0] * k
    count = [0] * k
    for z, s in enumerate(seeds):
        labels[s] = z
        load[z], cx[z], cy[z], count[z] = w[s], x[s], y[s], 1
    free = n - k
    stuck: set[int] = set()
    while free > 0:
        open_zones = [z for z in range(k) if z not in stuck]
        if not open_zones:
            break
        z = min(open_zones, key=lambda z: load[z])
        frontier = {o for i in range(n) if labels[i] == z for o in adj[i] if labels[o] < 0}
        if not frontier:
            stuck.add(z)
            continue
        pick = min(
            frontier, key=lambda o: (x[o] - cx[z] / count[z]) ** 2 + (y[o] - cy[z] / count[z]) ** 2
        )
        labels[pick] = z
        load[z] += w[pick]
        cx[z] += x[pick]
        cy[z] += y[pick]
        count[z] += 1
        free -= 1
    return labels


def _seeds(w: list[float], x: list[float], y: list[float], k: int, rng: random.Random) -> list[int]:
    """k blocks spread out in proportion to workload (weighted k-means++ seeding)."""
    n = len(w)
    weights = [v + 1e-6 for v in w]
    first = rng.choices(range(n), weights=weights)[0]
    seeds = [first]
    dist = [(x[i] - x[first]) ** 2 + (y[i] - y[first]) ** 2 for i in range(n)]
    while len(seeds) < k:
        scores = [weights[i] * dist[i] if i not in seeds else 0.0 for i in range(n)]
        if sum(scores) <= 0:
            candidates = [i for i in range(n) if i not in seeds]
            pick = rng.choice(candidates)
        else:
            pick = rng.choices(range(n), weights=scores)[0]
        seeds.append(pick)
        dist = [min(dist[i], (x[i] - x[pick]) ** 2 + (y[i] - y[pick]) ** 2) for i in range(n)]
    return seeds


def _improve(adj: Adjacency, w: list[float], x: list[float], y: list[float], k: int,
             labels: list[int], rng: random.Random, deadline: float) -> list[int]:  # fmt: skip
    """Move border blocks between neighbouring zones while that lowers the objective and
    leaves both zones in one piece; then push harder on balance if still outside tolerance."""
    p = zone_parameters()
    # Blocks left unassigned by growth (enclosed) join a neighbouring zone first.
    for _ in range(len(labels)):
        loose = [i for i, z in enumerate(labels) if z < 0]
        if not loose:
            break
        for i in loose:
            near = [labels[o] for o in adj[i] if labels[o] >= 0]
            if near:
                labels[i] = near[0]
    for lam in (p.imbalance_weight, p.imbalance_weight * 20):
        state = _State.start(labels, w, _weights(w), x, y, k, lam)
        members: list[set[int]] = [set() for _ in range(k)]
        for i, z in enumerate(labels):
            members[z].add(i)
        improved = True
        while improved and time.perf_counter() < deadline:
            improved = False
            order = list(range(len(w)))
            rng.shuffle(order)
            for i in order:
                frm = state.labels[i]
                targets = {state.labels[o] for o in adj[i]} - {frm}
                if not targets or len(members[frm]) == 1:
                    continue
                best_to, best_delta = -1, -1e-12
                for to in targets:
                    delta = state.move_delta(i, to)
                    if delta < best_delta:
                        best_to, best_delta = to, delta
                if best_to >= 0 and stays_connected(adj, members[frm], i):
                    state.move(i, best_to)
                    members[frm].discard(i)
                    members[best_to].add(i)
                    improved = True
        labels = state.labels
        mean = sum(w) / k
        if max(abs(v - mean) / mean for v in state.zone_w) <= p.balance_tolerance:
            break
    return labels
