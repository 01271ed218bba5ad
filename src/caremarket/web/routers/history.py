"""/history and /api/v1/history: the market at every CQC release, as `caremarket history`."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from caremarket.web.deps import StateDep, ViewerDep
from caremarket.web.pages import render
from caremarket.web.params import AsOf
from caremarket.web.responses import JSON, Body, cached, json_bytes, records
from caremarket.web.routers.locations import release_day

router = APIRouter(tags=["history"])


@router.get("/api/v1/history", summary="The market at every CQC release")
async def history_api(request: Request, state: StateDep, as_of: AsOf = None) -> Response:
    """For every CQC directory release up to `as_of`: locations, care homes and beds, with
    locations opened and closed and beds gained and lost since the release before (null for
    the first release, and for beds where a release does not give them). The same numbers as
    `caremarket history` and the change metrics."""
    day = release_day(state, as_of)

    def build() -> Body:
        rows = records(state.market.history(day))
        return Body(json_bytes({"as_of": day.isoformat(), "items": rows}), JSON)

    return await cached(request, state.cache, ("history", day), build)


@router.get("/history", response_class=HTMLResponse, include_in_schema=False)
def history_page(
    request: Request, state: StateDep, viewer: ViewerDep, as_of: AsOf = None
) -> Response:
    """The market over time: one row per CQC release."""
    day = release_day(state, as_of)
    rows = records(state.market.history(day))
    return render(request, state, viewer, "history.html", title="The market over time", rows=rows)
