"""Maps drawn as SVG offline: areas shaded by a value, points coloured by a category.

Geometries (GeoJSON, EPSG:4326) are projected to the British National Grid
(EPSG:27700) with pyproj, simplified, and scaled into the frame. No tiles,
no scripts: the SVG is part of the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from html import escape
from typing import Any, Final

import numpy as np
import shapely
from shapely import MultiPolygon, Polygon
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from caremarket.domain.palette import AREA_RAMP, NO_VALUE
from caremarket.report.charts import FONT, INK, labelled_svg
from caremarket.report.model import MapArea, MapSpec

# The declared area ramp (light to dark), a hue no rating uses, so rating dots stay visible.
SHADES: Final = tuple(s.fill for s in AREA_RAMP)
NO_DATA: Final = NO_VALUE
NO_DATA_STROKE: Final = "#767676"
WIDTH: Final = 520.0
HEIGHT: Final = 400.0
LEGEND_WIDTH: Final = 185.0
SIMPLIFY_METRES: Final = 150.0
MARGIN: Final = 0.04
"""The share of the drawing's width left blank on every side, so coasts and dots never touch
the edge."""
LABEL_CHAR_WIDTH: Final = 5.6
"""Roughly the width of one character of a 9px area name, to keep names inside the frame."""


@cache
def _to_grid() -> Any:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def projected(geometry: dict[str, Any]) -> BaseGeometry:
    """A GeoJSON geometry (longitude, latitude) on the British National Grid, simplified."""
    grid = _to_grid()
    shaped = shapely.transform(shape(geometry), grid.transform, interleaved=False)
    return shaped.simplify(SIMPLIFY_METRES, preserve_topology=True)


def dissolve(geometries: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The union of GeoJSON geometries, as GeoJSON (a locality made of whole districts)."""
    from shapely.geometry import mapping

    merged = unary_union([shape(g) for g in geometries])
    found: dict[str, Any] = mapping(merged)
    return found


def classes(values: Sequence[float], count: int = len(SHADES)) -> list[float]:
    """Upper bounds of equal-interval classes over the values (rounded for the legend)."""
    low, high = min(values), max(values)
    if high == low:
        return [high]
    step = (high - low) / count
    return [low + step * (i + 1) for i in range(count)]


def shade(value: float | None, bounds: Sequence[float]) -> str:
    """The fill of a value among class bounds."""
    if value is None:
        return NO_DATA
    for i, bound in enumerate(bounds):
        if value <= bound + 1e-9:
            return SHADES[min(i, len(SHADES) - 1) if len(bounds) > 1 else 2]
    return SHADES[-1]


class _Frame:
    """Scales grid coordinates into the SVG's drawing box (north up, equal scale)."""

    def __init__(self, bounds: tuple[float, float, float, float], width: float, height: float):
        minx, miny, maxx, maxy = bounds
        pad = max(10.0, MARGIN * width)
        self.scale = min(
            (width - 2 * pad) / (maxx - minx or 1), (height - 2 * pad) / (maxy - miny or 1)
        )
        self.minx, self.maxy, self.pad = minx, maxy, pad

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return (self.pad + (x - self.minx) * self.scale, self.pad + (self.maxy - y) * self.scale)

    def path(self, geometry: BaseGeometry) -> str:
        polygons: list[Polygon]
        if isinstance(geometry, Polygon):
            polygons = [geometry]
        elif isinstance(geometry, MultiPolygon):
            polygons = list(geometry.geoms)
        else:
            polygons = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)]
        parts: list[str] = []
        for polygon in polygons:
            for ring in (polygon.exterior, *polygon.interiors):
                coords = np.asarray(ring.coords)
                xs = self.pad + (coords[:, 0] - self.minx) * self.scale
                ys = self.pad + (self.maxy - coords[:, 1]) * self.scale
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
                parts.append(f"M{points}Z")
        return "".join(parts)


def _legend_shades(
    bounds: Sequence[float], low: float, fmt: str, x: float, title: str
) -> list[str]:
    out = _title_lines(title, x)
    start = low
    for i, bound in enumerate(bounds):
        y = 32 + i * 20
        colour = shade(bound, bounds)
        label = f"{format(start, fmt)} to {format(bound, fmt)}"
        out.append(f'<rect x="{x}" y="{y}" width="16" height="14" fill="{colour}" stroke="#888"/>')
        out.append(f'<text x="{x + 22}" y="{y + 11}">{escape(label)}</text>')
        start = bound
    return out


def to_svg(spec: MapSpec, *, number_format: str = ",.0f") -> str:
    """Draw a map as inline SVG with its legend; the alt text becomes its accessible name."""
    shapes = [(area, projected(area.geometry)) for area in spec.areas]
    frame_width = WIDTH - LEGEND_WIDTH
    grid = _to_grid()
    points = [
        (p, *grid.transform(p.longitude, p.latitude))
        for p in spec.points
        if p.latitude is not None and p.longitude is not None
    ]
    boxes = [unary_union([s for _, s in shapes]).bounds] if shapes else []
    if points:
        xs, ys = [x for _, x, _ in points], [y for _, _, y in points]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    # The frame holds every area and every dot (a dot off the coast is not clipped).
    bounds = (
        (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        if boxes
        else (0.0, 0.0, 1.0, 1.0)
    )
    frame = _Frame(bounds, frame_width, HEIGHT)
    height = min(HEIGHT, (bounds[3] - bounds[1]) * frame.scale + 2 * frame.pad + 4)
    height = max(height, 40 + 20 * max(len(SHADES), len(spec.categories)))
    body: list[str] = []
    values = [a.value for a in spec.areas if a.value is not None]
    shaded = bool(values) and not spec.points
    bounds_of_classes = classes(values) if shaded else []
    for area, geometry in shapes:
        if shaded:
            fill = shade(area.value, bounds_of_classes)
        else:
            fill = SHADES[3] if area.highlighted else SHADES[0]
        stroke_width = "1.6" if area.highlighted else "0.8"
        stroke = NO_DATA_STROKE if fill == NO_DATA or fill == SHADES[0] else "#ffffff"
        body.append(
            f'<path d="{frame.path(geometry)}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{stroke_width}" fill-rule="evenodd">'
            f"<title>{escape(area.name)}: {escape(area.text)}</title></path>"
        )
    colours = dict(spec.categories)
    for point, px, py in points:
        x, y = frame.xy(px, py)
        colour = colours.get(point.category, "#555555")
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{colour}" stroke="white" '
            f'stroke-width="0.5"><title>{escape(point.label)}</title></circle>'
        )
    if shapes:
        # Area names at each area's representative point.
        for area, geometry in shapes:
            inner = geometry.representative_point()
            x, y = frame.xy(inner.x, inner.y)
            # A name near the frame's edge moves in so that none is cut.
            half = LABEL_CHAR_WIDTH * len(_short(area.name)) / 2
            x = min(max(x, half + 2), frame_width - half - 2)
            y = min(max(y, 12.0), height - 4)
            # Dark names on a white halo (a stroked copy beneath) read on every shade and
            # over dots, even where a long name runs past its own area.
            name = escape(_short(area.name))
            body.append(
                f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="9" '
                f'fill="#ffffff" stroke="#ffffff" stroke-width="2.6" aria-hidden="true">'
                f"{name}</text>"
            )
            body.append(
                f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="9" '
                f'fill="{INK}">{name}</text>'
            )
    legend_x = frame_width + 10
    legend: list[str] = []
    if shaded:
        legend = _legend_shades(
            bounds_of_classes, min(values), number_format, legend_x, spec.legend
        )
        if any(a.value is None for a in spec.areas):
            y = 32 + len(bounds_of_classes) * 20
            legend.append(
                f'<rect x="{legend_x}" y="{y}" width="16" height="14" fill="{NO_DATA}" '
                f'stroke="{NO_DATA_STROKE}"/>'
            )
            legend.append(f'<text x="{legend_x + 22}" y="{y + 11}">no data</text>')
    elif spec.categories:
        legend = _title_lines(spec.legend, legend_x)
        for i, (name, colour) in enumerate(spec.categories):
            y = 32 + i * 20
            legend.append(f'<circle cx="{legend_x + 8}" cy="{y + 7}" r="5" fill="{colour}"/>')
            legend.append(f'<text x="{legend_x + 22}" y="{y + 11}">{escape(name)}</text>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH:.0f} {height:.0f}" font-family="{FONT}" font-size="11" '
        f'fill="{INK}">' + "".join(body) + "".join(legend) + "</svg>"
    )
    return labelled_svg(svg, f"map-{spec.key}", spec.alt)


def _title_lines(title: str, x: float) -> list[str]:
    """A legend title over at most two lines that fit the legend's width."""
    lines = [""]
    for word in title.split():
        if lines[-1] and len(lines[-1]) + len(word) + 1 > 22 and len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    top = 20 if len(lines) == 1 else 8
    return [
        f'<text x="{x}" y="{top + 12 * i}" font-weight="bold">{escape(line)}</text>'
        for i, line in enumerate(lines)
    ]


def _short(name: str) -> str:
    return name if len(name) <= 18 else name.split(" and ")[0]


def highlighted(areas: Sequence[MapArea], code: str) -> tuple[MapArea, ...]:
    """The same areas with one highlighted (a locality page's key map)."""
    from dataclasses import replace

    return tuple(replace(a, highlighted=a.code == code, value=None) for a in areas)
