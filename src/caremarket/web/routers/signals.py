"""/api/v1/signals: market signals for providers (supply and change by locality and sector)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from caremarket.metrics import Level
from caremarket.web.deps import SignedInDep, StateDep
from caremarket.web.disclosure import suppress
from caremarket.web.pages import render
from caremarket.web.params import AsOf
from caremarket.web.responses import JSON, Body, cached, json_bytes, records
from caremarket.web.routers.locations import release_day
from caremarket.web.schemas import Signals
from caremarket.web.state import AppState

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


@router.get("/api/v1/signals", response_model=Signals, summary="Market signals for providers")
async def market_signals(
    request: Request, state: StateDep, viewer: SignedInDep, as_of: AsOf = None
) -> Response:
    """Per locality and sector: locations, beds, beds gained and lost, openings, closures and
    % good or outstanding since the previous release (provider and council users).

    Cells behind fewer locations than the small-number threshold are suppressed.
    """
    day = release_day(state, as_of)

    def build() -> Body:
        return Body(json_bytes({"as_of": day.isoformat(), "items": signals(state, day)}), JSON)

    return await cached(request, state.cache, ("signals", day), build, private=True)


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
    )
