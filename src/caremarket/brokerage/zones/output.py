"""A zone design as GeoJSON (zone areas, in longitude and latitude) and the sweep as CSV.

Zone areas are the Voronoi cells of their blocks' positions, cut to the council's
outline where one is loaded (else to the blocks' hull with a margin), merged per
zone: an approximation of postcode-sector areas, which are not published as
polygons here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from shapely.geometry.base import BaseGeometry

from caremarket.brokerage.zones.design import Design
from caremarket.domain.csv_cell import csv_writer

SWEEP_COLUMNS = (
    "zones",
    "method",
    "balanced",
    "max_deviation_pct",
    "compactness",
    "objective",
    "mean_workload_hours_per_week",
    "min_workload_hours_per_week",
    "max_workload_hours_per_week",
    "seconds",
)


def sweep_row(design: Design) -> dict[str, Any]:
    """One design's line of the sweep."""
    mean = sum(design.workloads) / design.zones
    return {
        "zones": design.zones,
        "method": design.method,
        "balanced": design.balanced,
        "max_deviation_pct": round(design.max_deviation * 100, 2),
        "compactness": round(design.compactness, 4),
        "objective": round(design.objective, 4),
        "mean_workload_hours_per_week": round(mean, 1),
        "min_workload_hours_per_week": round(min(design.workloads), 1),
        "max_workload_hours_per_week": round(max(design.workloads), 1),
        "seconds": round(design.seconds, 2),
    }


def write_sweep(rows: Sequence[dict[str, Any]], path: Path) -> Path:
    """The sweep as a CSV safe to open in a spreadsheet."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(SWEEP_COLUMNS)
        for row in rows:
            writer.writerow([row[c] for c in SWEEP_COLUMNS])
    return path


def zone_areas(
    blocks: pl.DataFrame, labels: Sequence[int], outline: BaseGeometry | None
) -> dict[int, BaseGeometry]:
    """Each zone's area in OS grid metres: its blocks' Voronoi cells, merged and cut."""
    from shapely import voronoi_polygons
    from shapely.geometry import MultiPoint, Point
    from shapely.ops import unary_union

    points = list(zip(blocks["east"].to_list(), blocks["north"].to_list(), strict=True))
    first_at: dict[tuple[float, float], int] = {}
    for i, point in enumerate(points):
        first_at.setdefault(point, i)
    unique = MultiPoint(list(first_at))
    frame = outline if outline is not None else unique.convex_hull.buffer(5000)
    cells = voronoi_polygons(unique, extend_to=frame)
    by_zone: dict[int, list[BaseGeometry]] = {}
    for cell in getattr(cells, "geoms", [cells]):
        inside = [p for p in first_at if cell.covers(Point(p))]
        if not inside:
            continue
        zone = labels[first_at[inside[0]]]
        by_zone.setdefault(zone, []).append(cell.intersection(frame))
    return {zone: unary_union(parts) for zone, parts in by_zone.items()}


def design_geojson(
    blocks: pl.DataFrame,
    design: Design,
    outline: BaseGeometry | None,
    *,
    council: str,
    as_of: date,
    level: str,
) -> dict[str, Any]:
    """The design as a GeoJSON FeatureCollection of zones (EPSG:4326) with their demand."""
    from pyproj import Transformer
    from shapely.geometry import mapping
    from shapely.ops import transform

    to_lonlat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform
    areas = zone_areas(blocks, design.labels, outline)
    labelled = blocks.with_columns(zone=pl.Series(design.labels))
    totals = labelled.group_by("zone").agg(
        pl.col("block").sort().alias("blocks"),
        pl.col("hours_per_week").sum(),
        pl.col("waiting_hours_per_week").sum(),
        pl.col("people").sum(),
        pl.col("travel_hours_per_week").sum(),
        pl.col("workload_hours_per_week").sum(),
    )
    mean = sum(design.workloads) / design.zones
    features = []
    for row in totals.sort("zone").to_dicts():
        area = areas.get(row["zone"])
        geometry = mapping(transform(to_lonlat, area)) if area is not None else None
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "zone": row["zone"] + 1,
                    "blocks": row["blocks"],
                    "hours_per_week": round(row["hours_per_week"], 1),
                    "waiting_hours_per_week": round(row["waiting_hours_per_week"], 1),
                    "people": round(row["people"]),
                    "travel_hours_per_week": round(row["travel_hours_per_week"], 1),
                    "workload_hours_per_week": round(row["workload_hours_per_week"], 1),
                    "workload_vs_mean_pct": round(
                        (row["workload_hours_per_week"] / mean - 1) * 100, 1
                    ),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"{council}: {design.zones} home-care zones",
        "properties": {
            "council": council,
            "as_of": as_of.isoformat(),
            "blocks": level,
            "method": design.method,
            "max_deviation_pct": round(design.max_deviation * 100, 2),
            "compactness": round(design.compactness, 4),
            "note": (
                "Zone areas are Voronoi cells of postcode positions (ONS Postcode Directory), "
                "an approximation; hours come by postcode district, shared among its sectors "
                "by postcode count."
            ),
        },
        "features": features,
    }


def sweep_chart(rows: Sequence[dict[str, Any]], council: str) -> dict[str, Any]:
    """A Vega-Lite chart of the sweep: the largest workload gap and compactness by number
    of zones, for each method, so the council can choose a right-sized design."""
    values = [dict(r) for r in rows]

    def panel(field: str, title: str) -> dict[str, Any]:
        return {
            "title": {"text": title, "anchor": "start", "fontSize": 12},
            "width": 520,
            "height": 150,
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "zones", "type": "ordinal", "title": "number of zones",
                      "axis": {"labelAngle": 0}},
                "y": {"field": field, "type": "quantitative", "title": None},
                "color": {"field": "method", "type": "nominal", "title": "method"},
            },
        }  # fmt: skip

    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": f"{council}: home-care zone designs by number of zones",
        "data": {"values": values},
        "vconcat": [
            panel("max_deviation_pct", "Largest gap from the mean workload, % (lower is better)"),
            panel("compactness", "Compactness: 0 best, 1 all in one zone (lower is better)"),
        ],
    }
