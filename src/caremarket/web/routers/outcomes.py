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
    """Each current ASCOF measure loaded: every year, the region rank, the comparator rank."""
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
            "direction": row.direction(row.value_before),
            "earlier": row.earlier(),
            "trend": [{"year": year, "value": value} for year, value in row.trend],
            "rank_in_region": row.in_region.rank,
            "councils_in_region": len(row.in_region.peers.codes),
            "rank_not_known": row.in_region.note or None,
            "comparator_group": row.among_comparators.peers.name,
            "rank_among_comparators": row.among_comparators.rank,
            "councils_in_comparator_group": len(row.among_comparators.peers.codes),
            "comparator_rank_not_known": row.among_comparators.note or None,
        }
        for row in outcome_rows(inputs)
    ]


@router.get("/api/v1/outcomes", summary="Adult Social Care Outcomes Framework measures")
async def outcomes_api(request: Request, state: StateDep, as_of: AsOf = None) -> Response:
    """Every current ASCOF measure loaded for the council (NHS England): the value each
    year loaded (`trend`), whether the latest is better or worse than the year before, and
    the council's rank in its region and among councils of its type (each null, with the
    reason, unless every council of the group has a value). Public data: no suppression."""
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
