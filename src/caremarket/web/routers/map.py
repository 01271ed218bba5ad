"""The map page (/) and its data: area choropleths and location points as GeoJSON."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from caremarket.domain.freshness import long_date
from caremarket.domain.release_fact import ReleaseFacts
from caremarket.domain.sector import Sector
from caremarket.metrics import Metric
from caremarket.web.deps import StateDep, ViewerDep
from caremarket.web.disclosure import cell, visible_metrics
from caremarket.web.pages import render
from caremarket.web.params import (
    ALL,
    SECTORS,
    AreaLevel,
    AsOf,
    ClientGroupQ,
    LocationFilter,
    LocationFilterQ,
    SectorQ,
)
from caremarket.web.responses import GEOJSON, Body, cached, json_bytes, records
from caremarket.web.routers.locations import release_day
from caremarket.web.routers.metrics import audit_personal, metric_frame, visible
from caremarket.web.routers.palette import palette_json
from caremarket.web.schemas import FeatureCollection

router = APIRouter(tags=["map"])

DEFAULT_METRICS = ("pct_good_or_outstanding", "locations")

MapLevel = Annotated[
    AreaLevel, Query(description="district or locality (council: one shape for the council)")
]


@router.get(
    "/api/v1/map/areas",
    response_model=FeatureCollection,
    summary="Area boundaries with a metric's values (choropleth)",
)
async def map_areas(
    request: Request,
    state: StateDep,
    viewer: ViewerDep,
    metric: Annotated[str, Query(max_length=100, description="Metric name.")] = "beds",
    level: MapLevel = AreaLevel.DISTRICT,
    sector: SectorQ = ALL,
    client_group: ClientGroupQ = ALL,
    as_of: AsOf = None,
) -> Response:
    """District or locality boundaries, each with the metric's value, n and suppression."""
    chosen = visible(viewer, metric)
    if chosen.personal:
        await run_in_threadpool(audit_personal, state, viewer, "map", metric=metric)
    if level is AreaLevel.COUNCIL:
        raise HTTPException(422, "maps show districts or localities")
    day = release_day(state, as_of)
    key = ("map-areas", viewer.suppressed, metric, level, sector, client_group, day)

    def build() -> Body:
        frame, meta = metric_frame(state, viewer, chosen, level, day)
        latest = cell(frame, sector, client_group).sort("period").unique("area_code", keep="last")
        values = {r["area_code"]: r for r in records(latest)}
        features = []
        for feature in state.market.boundaries(level.level)["features"]:
            row = values.get(feature["id"], {})
            properties = {
                **feature["properties"],
                "value": row.get("value"),
                "n": row.get("n"),
                "suppressed": row.get("suppressed", False),
            }
            features.append({**feature, "properties": properties})
        empty = None
        if not any(f["properties"]["value"] is not None for f in features):
            facts = state.market.snapshot(day).gathered.inputs.facts
            empty = empty_areas_reason(chosen, meta, facts, sector, client_group, day)
        payload = {
            "type": "FeatureCollection",
            "features": features,
            "metadata": {
                **meta,
                "sector": sector,
                "client_group": client_group,
                "empty_reason": empty,
            },
        }
        return Body(json_bytes(payload), GEOJSON)

    return await cached(request, state.cache, key, build, private=chosen.personal)


def empty_areas_reason(
    metric: Metric,
    meta: dict[str, Any],
    facts: ReleaseFacts | None,
    sector: str,
    client_group: str,
    day: date,
) -> str:
    """Why no area has a value: what the release cannot tell, what is not loaded, or no data."""
    told = metric.unknown_in(facts, sector, client_group)
    if told is not None:
        return f"{metric.label} is not known for the release of {long_date(day)}. {told}."
    if meta["missing"]:
        return f"{metric.label}: {meta['missing'][0]}"
    return (
        f"No area has a value of {metric.label.lower()} for this choice in the release of "
        f"{long_date(day)} (no location matches it)."
    )


def empty_points_reason(
    total: int, matching: int, facts: ReleaseFacts | None, which: LocationFilter, day: date
) -> str | None:
    """Why no location is drawn: none matches the filters, or none has coordinates."""
    when = f"the release of {long_date(day)}"
    if total == 0:
        return f"No care location is in {when}."
    if matching == 0:
        if facts is not None and which.sector != ALL and which.sector in SECTORS:
            told = Sector(which.sector).unknown_in(facts)
            if told is not None:
                return f"{told}."
        return f"No location in {when} matches the filters chosen."
    source = facts.release_title if facts is not None and facts.release_title else when
    return (
        f"None of the {matching} locations has a position (coordinates) in {source}, so none "
        "is drawn; each is still counted in every figure. To draw them, load a CQC HSCA "
        "Active Locations release or a CQC API extract, which give coordinates."
    )


@router.get(
    "/api/v1/map/locations",
    response_model=FeatureCollection,
    summary="Care locations as points, with rating",
)
async def map_locations(
    request: Request,
    state: StateDep,
    which: LocationFilterQ,
) -> Response:
    """Active locations with coordinates, filtered, as GeoJSON points."""
    day = release_day(state, which.as_of)
    key = ("map-locations", which.on(day))

    def build() -> Body:
        snap = state.market.snapshot(day)
        matching = which.apply(snap.locations)
        chosen = matching.filter(
            pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null()
        )
        features = [
            {
                "type": "Feature",
                "id": r["location_id"],
                "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
                "properties": {
                    k: r[k]
                    for k in (
                        "location_id",
                        "name",
                        "provider_id",
                        "provider_name",
                        "beds",
                        "rating",
                        "locality",
                        "district_name",
                        "sectors",
                    )
                },
            }
            for r in records(chosen)
        ]
        reason = None
        if not features:
            reason = empty_points_reason(
                snap.locations.height, matching.height, snap.gathered.inputs.facts, which, day
            )
        payload = {
            "type": "FeatureCollection",
            "features": features,
            "metadata": {
                "as_of": snap.as_of.isoformat(),
                "empty_reason": reason,
                "count": len(features),
                # Counted like every other output; those the release gives no position for
                # are in the total but not on the map.
                "total": matching.height,
                "without_position": matching.height - len(features),
            },
        }
        return Body(json_bytes(payload), GEOJSON)

    return await cached(request, state.cache, key, build)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def map_page(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    """The map: choropleth of a metric by district or locality, and locations by rating."""
    metrics = [
        m
        for m in visible_metrics(viewer).values()
        if AreaLevel.DISTRICT.level in m.levels and AreaLevel.LOCALITY.level in m.levels
    ]
    snap = state.market.snapshot()
    facts = snap.gathered.inputs.facts
    available = [
        m
        for m in metrics
        if not state.market.result(m.name, AreaLevel.DISTRICT.level).missing
        and m.unknown_in(facts) is None
    ]
    localities = snap.gathered.inputs.districts["locality"].drop_nulls().unique().sort().to_list()
    placed = snap.locations.filter(
        pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null()
    ).height
    names = [m.name for m in available]
    # A rate every release can give first; a count when even ratings are not known.
    default = next((n for n in DEFAULT_METRICS if n in names), names[0] if names else "")
    dates = state.market.release_dates()
    return render(
        request,
        state,
        viewer,
        "map.html",
        title="Map",
        metrics=available,
        default_metric=default,
        localities=localities,
        unplaced=snap.locations.height - placed,
        total=snap.locations.height,
        palette=palette_json(),
        release_labels=[long_date(d) for d in dates],
    )
