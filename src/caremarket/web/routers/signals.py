"""/api/v1/signals: market signals for providers (supply and change by locality and sector)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl
import psycopg
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from caremarket.brokerage.workflow.signals import by_locality
from caremarket.metrics import Level
from caremarket.web.deps import SignedInDep, StateDep
from caremarket.web.disclosure import suppress
from caremarket.web.pages import render
from caremarket.web.params import AsOf
from caremarket.web.responses import JSON, Body, json_bytes, records
from caremarket.web.routers.locations import release_day
from caremarket.web.schemas import Signals
from caremarket.web.state import AppState
from caremarket.web.viewer import Viewer

router = APIRouter(tags=["signals"])

# Non-personal figures a provider weighs when deciding where to open or grow.
SIGNAL_METRICS = (
    "locations",
    "beds",
    "beds_gained",
    "beds_lost",
    "openings",
    "closures",
    "pct_good_or_outstanding",
)


def signals(state: AppState, day: date) -> list[dict[str, Any]]:
    """Per locality and sector (all client groups): the signal metrics, small cells hidden."""
    columns = []
    for name in SIGNAL_METRICS:
        frame = state.market.result(name, Level.LOCALITY, day).frame
        columns.append(
            frame.filter(pl.col("client_group") == "all")
            .sort("period")
            .unique(["area_code", "sector"], keep="last")
            .select(locality="area_code", sector="sector", **{name: "value", f"n_{name}": "n"})
        )
    joined = columns[0]
    for other in columns[1:]:
        joined = joined.join(other, on=["locality", "sector"], how="full", coalesce=True)
    threshold = state.settings.small_number_threshold
    small = suppress(joined.select(n="n_locations", value=pl.lit(0.0)), threshold)["suppressed"]
    hidden = [
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(v)).alias(v)
        for v in SIGNAL_METRICS
    ]
    shown = (
        joined.with_columns(suppressed=small)
        .with_columns(hidden)
        .select("locality", "sector", *SIGNAL_METRICS, "suppressed")
        .sort("locality", "sector")
    )
    return records(shown)


def brokerage_signals(state: AppState, viewer: Viewer) -> dict[str, Any]:
    """The brokerage figures by locality as the viewer may see them (small numbers hidden but
    for the council), or why there are none."""
    if state.brokerage is None:
        return {
            "as_of": None,
            "source": "brokerage workflow",
            "reason": "this tool runs without a brokerage database",
            "items": [],
        }
    threshold = state.settings.small_number_threshold if viewer.suppressed else None
    try:
        figures = state.brokerage.store.figures(threshold=threshold)
    except psycopg.OperationalError:
        return {
            "as_of": None,
            "source": "brokerage workflow",
            "reason": "the brokerage database cannot be reached now",
            "items": [],
        }
    return {
        "as_of": figures["as_of"],
        "source": "brokerage workflow, audit log (live)",
        "reason": None,
        "items": by_locality(figures),
    }


@router.get("/api/v1/signals", response_model=Signals, summary="Market signals for providers")
async def market_signals(
    request: Request, state: StateDep, viewer: SignedInDep, as_of: AsOf = None
) -> Response:
    """Per locality and sector: locations, beds, beds gained and lost, openings, closures and
    % good or outstanding since the previous release (provider and council users); and per
    locality the brokerage workflow now: requests and hours waiting, the share of requests
    with an offer, and home-care hours declared spare (aggregates only).

    Cells behind fewer locations (or requests) than the small-number threshold are suppressed.
    """
    day = release_day(state, as_of)

    def build() -> Body:
        return Body(json_bytes({"as_of": day.isoformat(), "items": signals(state, day)}), JSON)

    key = ("signals", day)
    market = state.cache.peek(key)
    if market is None:
        market = await run_in_threadpool(state.cache.get, key, build)
    # The workflow changes by the minute: its part is read afresh, never cached.
    brokerage = await run_in_threadpool(brokerage_signals, state, viewer)
    payload = json.loads(market.content)
    payload["brokerage"] = brokerage
    return Response(
        json_bytes(payload), media_type=JSON, headers={"Cache-Control": "private, no-store"}
    )


@router.get("/signals", response_class=HTMLResponse, include_in_schema=False)
def signals_page(
    request: Request, state: StateDep, viewer: SignedInDep, as_of: AsOf = None
) -> Response:
    """The market signals page (provider and council users)."""
    day = release_day(state, as_of)
    return render(
        request,
        state,
        viewer,
        "signals.html",
        title="Market signals for providers",
        rows=signals(state, day),
        as_of=day.isoformat(),
        brokerage=brokerage_signals(state, viewer),
    )
