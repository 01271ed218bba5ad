"""/api/v1/quality/risk and /quality: the quality early warning (council users only).

A risk score about a named provider is not for publication: every route here
refuses the public (401) and providers (403), and nothing else in the tool
shows a probability.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, cast

import polars as pl
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from caremarket.early_warning import council_scope, read_histories
from caremarket.quality import WATCH_LISTS, NotEnoughHistory, warn, warning_parameters
from caremarket.quality.assessments import beside_cqc
from caremarket.store.store import Store
from caremarket.web.deps import CouncilDep, StateDep
from caremarket.web.market import Market
from caremarket.web.pages import RATING_LABELS, SECTOR_LABELS, render
from caremarket.web.params import AsOf
from caremarket.web.responses import JSON, Body, cached, json_bytes, records
from caremarket.web.routers.locations import snapshot
from caremarket.web.state import AppState

router = APIRouter(tags=["quality"])


class QualityWarning(BaseModel):
    """The quality early warning: services ranked by risk of a worse rating (council only)."""

    as_of: str
    missing: list[str]
    lists: list[dict[str, Any]]
    input_rules: list[dict[str, Any]]
    training_outcomes: int | None = None
    good_or_outstanding: list[dict[str, Any]] = []
    items: list[dict[str, Any]]


class _LockedStore:
    """The market's store for reading, one query at a time (DuckDB is not shared by threads)."""

    def __init__(self, market: Market) -> None:
        self.market = market

    def query(
        self,
        sql: str,
        params: Any = (),
        *,
        frames: dict[str, pl.DataFrame] | None = None,
    ) -> pl.DataFrame:
        """A read-only query through the market's lock."""
        return self.market.query(sql, list(params) if not isinstance(params, dict) else params)


def quality_warning(state: AppState, as_of: date | None) -> dict[str, Any]:
    """The council's services ranked by risk, with reasons, lists and local assessments."""
    snap = snapshot(state, as_of)
    store = cast(Store, _LockedStore(state.market))
    histories = read_histories(store, snap.as_of)
    scope = council_scope(store, state.market.council, snap.as_of)
    base = {
        "as_of": snap.as_of.isoformat(),
        "lists": [{"column": w.column, "title": w.title, "rule": w.rule} for w in WATCH_LISTS],
        "input_rules": [
            {"rule": r.value, "count": n, "description": r.rule}
            for r, n in histories.counts.items()
        ],
    }
    try:
        warning = warn(histories, snap.as_of, warning_parameters(), scope=scope)
    except NotEnoughHistory as error:
        return {**base, "missing": [str(error)], "items": []}
    assessed = beside_cqc(histories, snap.as_of, scope)
    local = assessed.services.select("location_id", "local_rating", "local_date")
    places = snap.locations.select("location_id", "sectors", "locality", "district_name")
    scored = (
        warning.scored.join(local, on="location_id", how="left")
        .join(places, on="location_id", how="left")
        .with_columns(
            lists=pl.concat_list(
                [
                    pl.when(pl.col(w.column)).then(pl.lit(w.title)).otherwise(None)
                    for w in WATCH_LISTS
                ]
            ).list.drop_nulls(),
            probability=pl.col("probability").round(3),
        )
        .select(
            "location_id",
            "name",
            "provider_id",
            "current_rating",
            "rating_date",
            "probability",
            "reasons",
            "lists",
            "local_rating",
            "local_date",
            "sectors",
            "locality",
            "district_name",
            "rating_age_months",
        )
    )
    return {
        **base,
        "missing": [],
        "training_outcomes": warning.training_rows,
        "good_or_outstanding": [
            {"by": "CQC", "pct": assessed.pct_good_or_outstanding_cqc, "n": assessed.rated_cqc},
            {
                "by": "local assessment",
                "pct": assessed.pct_good_or_outstanding_local,
                "n": assessed.assessed_local,
            },
            {
                "by": "CQC or local assessment",
                "pct": assessed.pct_good_or_outstanding_combined,
                "n": assessed.counted_combined,
            },
        ],
        "items": records(scored),
    }


def _cached_warning(state: AppState, as_of: date | None) -> dict[str, Any]:
    """The warning as at the release in force, computed once per release date."""
    day = snapshot(state, as_of).as_of
    body = state.cache.get(
        ("quality-warning", day), lambda: Body(json_bytes(quality_warning(state, day)), JSON)
    )
    found: dict[str, Any] = json.loads(body.content)
    return found


@router.get("/api/v1/quality/risk", response_model=QualityWarning, summary="Quality early warning")
async def quality_risk(
    request: Request, state: StateDep, viewer: CouncilDep, as_of: AsOf = None
) -> Response:
    """Every service's probability that its next CQC rating is worse than Good, with the
    three reasons weighing most and the watch lists it is on (council users only)."""
    day = snapshot(state, as_of).as_of

    def build() -> Body:
        return Body(json_bytes(quality_warning(state, day)), JSON)

    return await cached(request, state.cache, ("quality-warning", day), build, private=True)


@router.get("/quality", response_class=HTMLResponse, include_in_schema=False)
def quality_page(
    request: Request,
    state: StateDep,
    viewer: CouncilDep,
    as_of: AsOf = None,
    sector: Annotated[str | None, Query(description="Only services in this sector.")] = None,
    locality: Annotated[str | None, Query(description="Only services in this locality.")] = None,
    watch: Annotated[str | None, Query(description="Only services on this list.")] = None,
) -> Response:
    """The quality early warning page: ranked services with reasons (council users only)."""
    data = _cached_warning(state, as_of)
    items = data["items"]
    sectors = sorted({s for row in items for s in (row["sectors"] or [])})
    localities = sorted({row["locality"] for row in items if row["locality"]})
    shown = [
        row
        for row in items
        if (not sector or sector in (row["sectors"] or []))
        and (not locality or row["locality"] == locality)
        and (not watch or watch in row["lists"])
    ]
    return render(
        request,
        state,
        viewer,
        "quality.html",
        title="Quality early warning",
        data=data,
        rows=shown,
        sectors=[(s, SECTOR_LABELS.get(s, s)) for s in sectors],
        localities=localities,
        chosen={"sector": sector or "", "locality": locality or "", "watch": watch or ""},
        rating_labels=RATING_LABELS,
    )
