"""/api/v1/signals: market signals for providers (supply and change by locality and sector)."""

from __future__ import annotations

import polars as pl
from fastapi import APIRouter, Request, Response

from caremarket.metrics import Level
from caremarket.web.deps import SignedInDep, StateDep
from caremarket.web.disclosure import suppress
from caremarket.web.params import AsOf
from caremarket.web.responses import JSON, Body, json_bytes, records, send
from caremarket.web.routers.locations import snapshot
from caremarket.web.schemas import Signals

router = APIRouter(prefix="/api/v1/signals", tags=["signals"])

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


@router.get("", response_model=Signals, summary="Market signals for providers")
def market_signals(
    request: Request, state: StateDep, viewer: SignedInDep, as_of: AsOf = None
) -> Response:
    """Per locality and sector: locations, beds, beds gained and lost, openings, closures and
    % good or outstanding since the previous release (provider and council users).

    Cells behind fewer locations than the small-number threshold are suppressed.
    """
    day = snapshot(state, as_of).as_of

    def build() -> Body:
        columns = []
        for name in SIGNAL_METRICS:
            result = state.market.result(name, Level.LOCALITY, day)
            frame = result.frame.filter(pl.col("client_group") == "all")
            columns.append(
                frame.sort("period")
                .unique(["area_code", "sector"], keep="last")
                .select(locality="area_code", sector="sector", **{name: "value", f"n_{name}": "n"})
            )
        joined = columns[0]
        for other in columns[1:]:
            joined = joined.join(other, on=["locality", "sector"], how="full", coalesce=True)
        threshold = state.settings.small_number_threshold
        small = suppress(joined.select(n="n_locations", value=pl.lit(0.0)), threshold)["suppressed"]
        values = [c for c in SIGNAL_METRICS]
        shown = (
            joined.with_columns(suppressed=small)
            .with_columns(
                [
                    pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(v)).alias(v)
                    for v in values
                ]
            )
            .select("locality", "sector", *values, "suppressed")
            .sort("locality", "sector")
        )
        return Body(json_bytes({"as_of": day.isoformat(), "items": records(shown)}), JSON)

    return send(request, state.cache.get(("signals", day), build), private=True)
