"""/api/v1/areas: the council, its districts and localities, and key figures for each."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from fastapi import APIRouter, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from caremarket.metrics import METRICS, Level
from caremarket.web.deps import StateDep, ViewerDep
from caremarket.web.disclosure import cell, for_viewer, visible_metrics
from caremarket.web.market import Market, NoRelease
from caremarket.web.params import ALL, AsOf, ClientGroupQ, SectorQ
from caremarket.web.responses import JSON, Body, cached, json_bytes
from caremarket.web.routers.locations import release_day
from caremarket.web.routers.metrics import audit_personal
from caremarket.web.schemas import AreaFigures, AreaList
from caremarket.web.state import AppState
from caremarket.web.viewer import Viewer

router = APIRouter(prefix="/api/v1/areas", tags=["areas"])

# The figures shown when an area is clicked, in order; missing ones are left out.
KEY_METRICS = (
    "locations",
    "providers",
    "beds",
    "beds_per_1000_aged_75_plus",
    "pct_good_or_outstanding",
    "rated_inadequate",
    "median_rating_age_months",
    "openings",
    "closures",
    "growth_aged_65_plus",
    "people_waiting",
    "hours_waiting",
)


def areas(market: Market) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The council and every district and locality (locality: a district's locality)."""
    council = market.council
    districts = market.snapshot().gathered.inputs.districts
    items = [
        {
            "area_code": d["district_code"],
            "area_name": d["district_name"],
            "level": "district",
            "locality": d["locality"],
        }
        for d in districts.to_dicts()
    ]
    localities = districts["locality"].drop_nulls().unique(maintain_order=True).to_list()
    items += [
        {"area_code": name, "area_name": name, "level": "locality", "locality": name}
        for name in localities
    ]
    top = {
        "area_code": council.code,
        "area_name": council.name,
        "level": "council",
        "locality": None,
    }
    return top, items


def find_area(market: Market, code: str) -> dict[str, Any]:
    """The council, district or locality with this code (404 if none)."""
    top, items = areas(market)
    for area in (top, *items):
        if area["area_code"] == code:
            return area
    raise HTTPException(404, f"no area {code!r} in {market.council.name}: see /api/v1/areas")


def area_figures(
    state: AppState,
    viewer: Viewer,
    area: dict[str, Any],
    sector: str,
    client_group: str,
    as_of: date | None,
) -> list[dict[str, Any]]:
    """Key figures for one area as the viewer may see them."""
    level = Level(area["level"])
    shown = visible_metrics(viewer)
    figures = []
    for name in KEY_METRICS:
        metric = METRICS.get(name)
        if metric is None or name not in shown or level not in metric.levels:
            continue
        result = state.market.result(name, level, as_of)
        if result.missing:
            continue
        seen = for_viewer(result.frame, viewer, state.settings.small_number_threshold)
        here = cell(seen, sector, client_group).filter(pl.col("area_code") == area["area_code"])
        row = here.sort("period").tail(1).to_dicts()
        value = row[0] if row else {"value": None, "n": 0, "suppressed": False}
        figures.append(
            {
                "metric": name,
                "label": metric.label,
                "unit": metric.unit.value,
                "value": value["value"],
                "n": value["n"],
                "suppressed": value["suppressed"],
            }
        )
    return figures


@router.get("", response_model=AreaList, summary="The council, its districts and localities")
async def list_areas(request: Request, state: StateDep) -> Response:
    """The council and its districts and localities, with codes to ask figures for."""

    def build() -> Body:
        try:
            top, items = areas(state.market)
        except NoRelease as error:
            raise HTTPException(404, str(error)) from None
        return Body(json_bytes({"council": top, "items": items}), JSON)

    return await cached(request, state.cache, ("areas",), build)


# `:path`: a locality's name (its code here) may hold "/" (sent as %2F, which arrives decoded).
@router.get("/{area_code:path}", response_model=AreaFigures, summary="Key figures for one area")
async def get_area(
    request: Request,
    state: StateDep,
    viewer: ViewerDep,
    area_code: str,
    sector: SectorQ = ALL,
    client_group: ClientGroupQ = ALL,
    as_of: AsOf = None,
) -> Response:
    """Locations, beds, ratings and change (and, for council users, waiting) for one area."""
    day = release_day(state, as_of)
    key = ("area", viewer.role, area_code, sector, client_group, day)
    if any(METRICS[n].personal for n in KEY_METRICS if n in visible_metrics(viewer)):
        await run_in_threadpool(audit_personal, state, viewer, "area figures", area=area_code)

    def build() -> Body:
        area = find_area(state.market, area_code)
        figures = area_figures(state, viewer, area, sector, client_group, day)
        payload = {
            "area": area,
            "as_of": day.isoformat(),
            "sector": sector,
            "client_group": client_group,
            "figures": figures,
        }
        return Body(json_bytes(payload), JSON)

    return await cached(request, state.cache, key, build, private=viewer.is_council)
