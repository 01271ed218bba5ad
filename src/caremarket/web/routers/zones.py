"""/zones and /api/v1/zones: home-care zone designs on the map, to view and compare (council only).

Designs are the GeoJSON files `caremarket zones design` writes, read from the
folder the tool is started with (`caremarket serve --zones DIR`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from caremarket.brokerage.zones.design import ZoningError
from caremarket.brokerage.zones.design_file import read_design
from caremarket.web.deps import CouncilDep, StateDep
from caremarket.web.pages import render
from caremarket.web.responses import GEOJSON, JSON, Body, json_bytes, send
from caremarket.web.routers.palette import palette_json
from caremarket.web.state import AppState

router = APIRouter(tags=["zones"])

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}")
NO_FOLDER = (
    "No folder of zone designs is set: make designs with `caremarket zones design --out DIR` "
    "and start the tool with `caremarket serve --zones DIR`."
)

DesignName = Annotated[
    str,
    PathParam(
        max_length=81,
        pattern=NAME.pattern,
        description="A design's name: its file name without .geojson, e.g. design-12.",
    ),
]


def designs(state: AppState) -> tuple[list[dict[str, Any]], str | None]:
    """The designs in the zones folder (name, zones, balance, date), or why there are none."""
    folder = state.settings.zones_dir
    if folder is None:
        return [], NO_FOLDER
    if not folder.is_dir():
        return [], f"The zones folder {folder.name} is not there."
    found = []
    for path in sorted(folder.glob("*.geojson")):
        if not NAME.fullmatch(path.stem):
            continue
        try:
            design = read_design(path)
        except ZoningError:
            continue
        properties = design.document.get("properties") or {}
        found.append(
            {
                "name": path.stem,
                "council": design.council,
                "zones": design.zones,
                "blocks": design.level.value,
                "method": properties.get("method"),
                "max_deviation_pct": properties.get("max_deviation_pct"),
                "as_of": properties.get("as_of"),
            }
        )
    found.sort(key=lambda d: (d["zones"], d["name"]))
    reason = None if found else f"The zones folder {folder.name} holds no zone design."
    return found, reason


def _design_path(state: AppState, name: str) -> Path:
    listed = {d["name"] for d in designs(state)[0]}
    folder = state.settings.zones_dir
    if folder is None or name not in listed:
        raise HTTPException(404, f"no zone design called {name}")
    return folder / f"{name}.geojson"


@router.get("/api/v1/zones", summary="Home-care zone designs (council only)")
def zone_designs(request: Request, state: StateDep, viewer: CouncilDep) -> Response:
    """The zone designs the tool can show, with their number of zones and balance."""
    found, reason = designs(state)
    body = Body(json_bytes({"items": found, "empty_reason": reason}), JSON)
    return send(request, body, private=True)


@router.get("/api/v1/zones/{design}", summary="One zone design as GeoJSON (council only)")
def zone_design(
    request: Request, state: StateDep, viewer: CouncilDep, design: DesignName
) -> Response:
    """A design's zones (EPSG:4326) with their blocks, hours now and waiting, people, travel."""
    document = json.loads(_design_path(state, design).read_text(encoding="utf-8"))
    return send(request, Body(json_bytes(document), GEOJSON), private=True)


@router.get("/zones", response_class=HTMLResponse, include_in_schema=False)
def zones_page(request: Request, state: StateDep, viewer: CouncilDep) -> Response:
    """The zones map: a design's zones shaded by workload, another's outlines over it."""
    found, reason = designs(state)
    return render(
        request,
        state,
        viewer,
        "zones.html",
        title="Home-care zones",
        designs=found,
        empty_reason=reason,
        palette=palette_json(),
    )
