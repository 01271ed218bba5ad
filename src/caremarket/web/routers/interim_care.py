"""/api/v1/interim-care and /interim-care: people waiting for home care (council only, audited)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from caremarket.analysis import MISSING_HINTS
from caremarket.metrics import Input
from caremarket.metrics.waiting import waiting_on
from caremarket.web.deps import CouncilDep, StateDep
from caremarket.web.pages import render
from caremarket.web.params import AsOf
from caremarket.web.responses import JSON, Body, json_bytes, records, send
from caremarket.web.routers.locations import snapshot
from caremarket.web.routers.metrics import audit_personal
from caremarket.web.schemas import InterimCareList
from caremarket.web.state import AppState

router = APIRouter(tags=["interim care"])


def interim_care(state: AppState, as_of: Any) -> dict[str, Any]:
    """The people on the interim care list on a date (the `people_waiting` metric's
    definition: added on or before it, not yet sourced), or what is missing."""
    snap = snapshot(state, as_of)
    inputs = snap.gathered.inputs
    if inputs.interim_care is None:
        return {
            "as_of": snap.as_of.isoformat(),
            "missing": [MISSING_HINTS[Input.INTERIM_CARE]],
            "number_waiting": None,
            "items": [],
        }
    rows = waiting_on(inputs).sort("date_added")
    keep = [c for c in rows.columns if c not in ("release_id", "sector")]
    return {
        "as_of": snap.as_of.isoformat(),
        "missing": [],
        "number_waiting": rows["person_id"].n_unique(),
        "items": records(rows.select(keep)),
    }


@router.get("/api/v1/interim-care", response_model=InterimCareList, summary="Interim care list")
def interim_care_list(
    request: Request, state: StateDep, viewer: CouncilDep, as_of: AsOf = None
) -> Response:
    """Everyone on the interim care list (council users only; every view is audited)."""
    audit_personal(state, viewer, "interim care list")
    body = Body(json_bytes(interim_care(state, as_of)), JSON)
    response = send(request, body, private=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@router.get("/interim-care", response_class=HTMLResponse, include_in_schema=False)
def interim_care_page(
    request: Request, state: StateDep, viewer: CouncilDep, as_of: AsOf = None
) -> Response:
    """The interim care list page (council users only; audited)."""
    audit_personal(state, viewer, "interim care list page")
    return render(
        request,
        state,
        viewer,
        "interim_care.html",
        title="Interim care list",
        data=interim_care(state, as_of),
    )
