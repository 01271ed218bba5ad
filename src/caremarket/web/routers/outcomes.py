"""/outcomes and /api/v1/outcomes: the council's ASCOF measures, as the MPS gives them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from caremarket.metrics.outcomes import outcome_rows
from caremarket.web.deps import StateDep, ViewerDep
from caremarket.web.pages import render
from caremarket.web.params import AsOf
from caremarket.web.responses import JSON, Body, cached, json_bytes
from caremarket.web.routers.locations import release_day
from caremarket.web.state import AppState

router = APIRouter(tags=["outcomes"])


def outcomes(state: AppState, as_of: Any) -> list[dict[str, Any]]:
    """Each current ASCOF measure loaded: latest year and value, the year before, region rank."""
    inputs = state.market.snapshot(as_of).gathered.inputs
    return [
        {
            "code": row.measure.code,
            "measure": row.measure.label,
            "unit": row.measure.unit,
            "higher_is_better": row.measure.higher_is_better,
            "year": row.year,
            "value": row.value,
            "shown": row.shown(row.value),
            "year_before": row.year_before,
            "value_before": row.value_before,
            "shown_before": row.shown(row.value_before) if row.year_before else None,
            "rank_in_region": row.rank,
            "councils_in_region": row.councils_in_region,
            "rank_not_known": row.rank_note or None,
        }
        for row in outcome_rows(inputs)
    ]


@router.get("/api/v1/outcomes", summary="Adult Social Care Outcomes Framework measures")
async def outcomes_api(request: Request, state: StateDep, as_of: AsOf = None) -> Response:
    """Every current ASCOF measure loaded for the council (NHS England): the latest year's
    value, the year before, and the council's rank in its region (null, with the reason,
    unless every council of the region has a value). Public data: no suppression needed."""
    day = release_day(state, as_of)

    def build() -> Body:
        items = outcomes(state, day)
        return Body(json_bytes({"as_of": day.isoformat(), "items": items}), JSON)

    return await cached(request, state.cache, ("outcomes", day), build)


@router.get("/outcomes", response_class=HTMLResponse, include_in_schema=False)
def outcomes_page(
    request: Request, state: StateDep, viewer: ViewerDep, as_of: AsOf = None
) -> Response:
    """The outcomes page: the same table as the MPS's outcomes chapter."""
    day = release_day(state, as_of)
    return render(
        request,
        state,
        viewer,
        "outcomes.html",
        title="Outcomes for people",
        rows=outcomes(state, day),
        region=state.market.council.region_name,
    )
