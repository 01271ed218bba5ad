"""Maps of a plan: GeoJSON for the web tool and a static SVG (plain text, no plotting library)."""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape

from caremarket.brokerage.rounds.plan import Plan
from caremarket.brokerage.rounds.problem import Problem

PALETTE = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#1f78b4",
    "#b2df8a",
    "#fb9a99",
    "#cab2d6",
    "#6a3d9a",
)


def _stops(problem: Problem, plan: Plan) -> list[tuple[str, list[int]]]:
    """Each non-empty round as the places it passes: start, calls in order, end."""
    carers = problem.carer_index()
    visits = problem.visit_index()
    out = []
    for route in plan.routes:
        if not route.calls:
            continue
        carer = problem.carers[carers[route.carer]]
        places = [problem.visits[visits[c.visit]].place for c in route.calls]
        out.append((route.carer, [carer.start_place, *places, carer.end_place]))
    return out


def geojson(problem: Problem, plan: Plan) -> dict[str, Any]:
    """A FeatureCollection: one LineString per round, one Point per visit (unplaced marked)."""
    features: list[dict[str, Any]] = []
    for carer, places in _stops(problem, plan):
        coords = [[problem.places[p].x, problem.places[p].y] for p in places]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {"kind": "round", "carer": carer},
            }
        )
    who: dict[str, list[str]] = {}
    starts: dict[str, float] = {}
    for route in plan.routes:
        for call in route.calls:
            who.setdefault(call.visit, []).append(route.carer)
            starts.setdefault(call.visit, call.start)
    reasons = {u.visit: u.reason for u in plan.unplaced}
    for visit in problem.visits:
        place = problem.places[visit.place]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.x, place.y]},
                "properties": {
                    "kind": "visit",
                    "visit": visit.id,
                    "person": visit.person,
                    "carers": who.get(visit.id, []),
                    "start_minutes": starts.get(visit.id),
                    "unplaced_reason": reasons.get(visit.id),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def svg(problem: Problem, plan: Plan, width: int = 800, title: str = "Rounds") -> str:
    """The rounds drawn as coloured lines over the visits; unplaced visits as red crosses."""
    if not problem.places:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40"></svg>'
    xs = [p.x for p in problem.places]
    ys = [p.y for p in problem.places]
    mean_y = sum(ys) / len(ys)
    # Longitude degrees shrink with latitude; plain x/y (benchmarks) keep a 1:1 scale.
    squeeze = math.cos(math.radians(mean_y)) if all(-90 <= y <= 90 for y in ys) else 1.0
    span_x = max((max(xs) - min(xs)) * squeeze, 1e-9)
    span_y = max(max(ys) - min(ys), 1e-9)
    margin = 30
    inner = width - 2 * margin
    scale = inner / max(span_x, span_y)
    height = int(span_y * scale) + 2 * margin + 20

    def xy(p: int) -> tuple[float, float]:
        place = problem.places[p]
        x = margin + (place.x - min(xs)) * squeeze * scale
        y = margin + 20 + (max(ys) - place.y) * scale
        return x, y

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<text x="{margin}" y="18" font-size="14">{escape(title)}</text>',
    ]
    for n, (carer_id, places) in enumerate(_stops(problem, plan)):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join("{:.1f},{:.1f}".format(*xy(p)) for p in places)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="1.5"><title>{escape(carer_id)}</title></polyline>'
        )
    unplaced = {u.visit for u in plan.unplaced}
    for visit in problem.visits:
        x, y = xy(visit.place)
        if visit.id in unplaced:
            parts.append(
                f'<path d="M{x - 4},{y - 4}L{x + 4},{y + 4}M{x - 4},{y + 4}L{x + 4},'
                f'{y - 4}" stroke="red" stroke-width="2"><title>{escape(visit.id)} '
                "unplaced</title></path>"
            )
        else:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#333">'
                f"<title>{escape(visit.id)}</title></circle>"
            )
    for person in problem.carers:
        for p in {person.start_place, person.end_place}:
            x, y = xy(p)
            parts.append(
                f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" '
                f'height="8" fill="#000"><title>{escape(person.id)}</title></rect>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
