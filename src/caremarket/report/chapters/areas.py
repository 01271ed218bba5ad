"""Maps of the council's areas: choropleths by district or locality, and provider locations."""

from __future__ import annotations

from typing import Final

import polars as pl

from caremarket.metrics import Level
from caremarket.report import maps
from caremarket.report.charts import RATING_COLOURS, RATING_LABELS
from caremarket.report.context import Context, figure_cell, text_cell
from caremarket.report.model import MapArea, MapPoint, MapSpec, Table

NOT_RATED: Final = "Not yet rated"


def district_areas(ctx: Context) -> list[tuple[str, str, dict[str, object]]]:
    """The council's districts with boundaries: (code, name, geometry)."""
    bounds = ctx.inputs.boundaries
    districts = ctx.inputs.gathered.inputs.districts.sort("district_name")
    return [
        (row["district_code"], row["district_name"], bounds[row["district_code"]][1])
        for row in districts.to_dicts()
        if row["district_code"] in bounds
    ]


def planning_areas(ctx: Context) -> list[tuple[str, str, dict[str, object]]]:
    """Localities (dissolved from their districts) or districts, with boundaries."""
    level, areas = ctx.areas()
    bounds = ctx.inputs.boundaries
    found = []
    for code, name in areas:
        members = [bounds[d][1] for d in ctx.members(level, code) if d in bounds]
        if members:
            found.append((code, name, members[0] if len(members) == 1 else maps.dissolve(members)))
    return found


def area_choropleth(
    ctx: Context,
    metric: str,
    *,
    title: str,
    legend: str,
    period: str = "last",
    sector: str = "all",
    number_format: str = ",.0f",
) -> MapSpec | None:
    """A district choropleth of one metric, with the table of its values."""
    if (
        not ctx.ledger.available(metric)
        or Level.DISTRICT not in ctx.ledger.result(metric).metric.levels
    ):
        return None
    districts = district_areas(ctx)
    if not districts:
        return None
    areas = []
    rows = []
    for code, name, geometry in districts:
        figure = ctx.ledger.figure(
            metric, level=Level.DISTRICT, area_code=code, period=period, sector=sector
        )
        value = None if figure is None else figure.value
        text = "not available" if figure is None else figure.text
        areas.append(MapArea(code, name, geometry, value, text))
        rows.append((text_cell(name), figure_cell(figure)))
    known = [a for a in areas if a.value is not None]
    if not known:
        return None  # a map of no values says nothing: the caller draws another, or none
    high = max(known, key=lambda a: a.value or 0.0) if known else None
    low = min(known, key=lambda a: a.value or 0.0) if known else None
    alt = f"Map of {ctx.council_name}'s districts shaded by {legend.lower()}"
    if high is not None and low is not None:
        alt += f": highest in {high.name} ({high.text}), lowest in {low.name} ({low.text})"
    return MapSpec(
        ctx.next_key("map"),
        title,
        alt + ". The table gives every district's value.",
        legend,
        tuple(areas),
        (),
        (),
        Table(title, ("District", legend), tuple(rows)),
        ctx.ledger.release_ids(metric) + ctx.inputs.boundary_release_ids,
    )


def provider_map(ctx: Context) -> MapSpec | None:
    """Registered locations as points coloured by current CQC rating, on district outlines."""
    locations = ctx.inputs.gathered.inputs.locations
    if locations is None:
        return None
    placed = locations.filter(pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null())
    if placed.is_empty():
        return None
    points = tuple(
        MapPoint(
            row["latitude"],
            row["longitude"],
            row["name"] or row["location_id"],
            RATING_LABELS.get(row["rating"] or "", NOT_RATED),
        )
        for row in placed.sort("location_id").to_dicts()
    )
    counts = {label: 0 for label in RATING_COLOURS}
    for point in points:
        counts[point.category] += 1
    areas = tuple(MapArea(c, n, g, None, "") for c, n, g in planning_areas(ctx))
    rows = tuple((text_cell(label), text_cell(f"{count:,}")) for label, count in counts.items())
    unplaced = locations.height - placed.height
    note = f"{unplaced} locations have no coordinates and are not shown." if unplaced else ""
    return MapSpec(
        ctx.next_key("map"),
        f"Registered locations by current CQC rating at {ctx.as_of_text}",
        (
            f"Map of {points and len(points)} registered adult social care locations in "
            f"{ctx.council_name} as dots coloured by current CQC rating, over the council's "
            "areas; the table counts them by rating."
        ),
        "Current CQC rating",
        areas,
        points,
        tuple(RATING_COLOURS.items()),
        Table("Locations on the map by current CQC rating", ("Rating", "Locations"), rows, note),
        ctx.ledger.release_ids("locations") + ctx.inputs.boundary_release_ids,
    )


def key_map(ctx: Context, code: str, name: str) -> MapSpec | None:
    """A small map of the council's areas with one highlighted (a locality page)."""
    areas = tuple(
        MapArea(c, n, g, None, "", highlighted=c == code) for c, n, g in planning_areas(ctx)
    )
    if not areas:
        return None
    level, _ = ctx.areas()
    districts = ctx.inputs.gathered.inputs.districts
    names = dict(zip(districts["district_code"], districts["district_name"], strict=True))
    rows = tuple((text_cell(names.get(d, d)),) for d in ctx.members(level, code))
    return MapSpec(
        ctx.next_key("keymap"),
        f"Where {name} lies",
        f"Map of {ctx.council_name}'s areas with {name} outlined.",
        "",
        areas,
        (),
        (),
        Table(f"Districts in {name}", ("District",), rows),
        ctx.inputs.boundary_release_ids,
    )
