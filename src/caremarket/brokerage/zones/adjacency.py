"""Which blocks neighbour which: a Delaunay triangulation of block positions, without
the long edges that cross a gap with no homes (an estuary, the Wash).

Postcode sectors have no published polygons here, so shared boundaries cannot
be read; the triangulation of their centres is the usual stand-in. Blocks the
graph cannot join form separate areas (islands), each zoned on its own.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

Adjacency = list[set[int]]


def neighbours(
    east: Sequence[float],
    north: Sequence[float],
    max_km: float,
    outline: BaseGeometry | None = None,
) -> Adjacency:
    """For each block, the blocks it neighbours (positions in OS grid metres). With the
    council's outline (same grid, margin included), a join must stay inside it."""
    n = len(east)
    adjacency: Adjacency = [set() for _ in range(n)]
    if n < 2:
        return adjacency
    prepared = None
    if outline is not None:
        from shapely import prepared as shapely_prepared

        prepared = shapely_prepared.prep(outline)
    for a, b in _edges(east, north):
        if math.dist((east[a], north[a]), (east[b], north[b])) > max_km * 1000:
            continue
        if prepared is not None and not prepared.covers(
            LineString([(east[a], north[a]), (east[b], north[b])])
        ):
            continue
        adjacency[a].add(b)
        adjacency[b].add(a)
    return adjacency


def _edges(east: Sequence[float], north: Sequence[float]) -> set[tuple[int, int]]:
    from scipy.spatial import Delaunay, QhullError

    n = len(east)
    points = list(zip(east, north, strict=True))
    try:
        if n < 3:
            raise QhullError("too few points")
        triangulation = Delaunay(points)
    except (QhullError, ValueError):
        # Too few or collinear blocks: join each to the next along their line.
        order = sorted(range(n), key=lambda i: points[i])
        return {(min(a, b), max(a, b)) for a, b in itertools.pairwise(order)}
    edges: set[tuple[int, int]] = set()
    for triangle in triangulation.simplices:
        for i in range(3):
            a, b = int(triangle[i]), int(triangle[(i + 1) % 3])
            edges.add((min(a, b), max(a, b)))
    # Blocks at the very same position as another (postcodes the directory places on one
    # point) are left out of the triangulation: join each to the block it coincides with.
    for point, _simplex, vertex in triangulation.coplanar:
        a, b = int(point), int(vertex)
        edges.add((min(a, b), max(a, b)))
    return edges


def components(adjacency: Adjacency, members: Sequence[int] | None = None) -> list[list[int]]:
    """Connected groups of `members` (default: every block), largest first."""
    wanted = set(range(len(adjacency))) if members is None else set(members)
    seen: set[int] = set()
    groups = []
    for start in sorted(wanted):
        if start in seen:
            continue
        group, stack = [], [start]
        seen.add(start)
        while stack:
            node = stack.pop()
            group.append(node)
            for other in adjacency[node]:
                if other in wanted and other not in seen:
                    seen.add(other)
                    stack.append(other)
        groups.append(sorted(group))
    return sorted(groups, key=len, reverse=True)


def stays_connected(adjacency: Adjacency, zone: set[int], leaving: int) -> bool:
    """Whether a zone is still one piece without `leaving`."""
    rest = zone - {leaving}
    if not rest:
        return False
    start = next(iter(rest))
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        for other in adjacency[node]:
            if other in rest and other not in seen:
                seen.add(other)
                stack.append(other)
    return len(seen) == len(rest)
