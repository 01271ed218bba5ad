"""/api/v1/locations and /locations/{id}: care locations, filtered, and each one's profile."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

import polars as pl
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from caremarket.domain.freshness import long_date
from caremarket.domain.rating import KeyQuestion
from caremarket.domain.release_fact import Fact
from caremarket.web.deps import StateDep, ViewerDep
from caremarket.web.market import NoRelease, Snapshot
from caremarket.web.pages import render
from caremarket.web.params import (
    AsOf,
    Limit,
    LocationFilterQ,
    Offset,
)
from caremarket.web.responses import JSON, Body, cached, json_bytes, page, records
from caremarket.web.schemas import LocationPage, LocationProfile
from caremarket.web.state import AppState
from caremarket.web.viewer import Viewer

router = APIRouter(tags=["locations"])

CQC_LOCATION_PAGE = "https://www.cqc.org.uk/location/{location_id}"
KEY_QUESTION_LABELS = {
    KeyQuestion.OVERALL: "Overall",
    KeyQuestion.SAFE: "Safe",
    KeyQuestion.EFFECTIVE: "Effective",
    KeyQuestion.CARING: "Caring",
    KeyQuestion.RESPONSIVE: "Responsive",
    KeyQuestion.WELL_LED: "Well-led",
}


def release_day(state: AppState, as_of: date | None) -> date:
    """The release date in force on `as_of` (404 when no release covers it)."""
    try:
        return state.market.resolve(as_of)
    except NoRelease as error:
        raise HTTPException(404, str(error)) from None


def snapshot(state: AppState, as_of: date | None) -> Snapshot:
    """The market as at a date (404 when no release covers it)."""
    try:
        return state.market.snapshot(as_of)
    except NoRelease as error:
        raise HTTPException(404, str(error)) from None


def council_relationship(state: AppState, snap: Snapshot, location_id: str) -> dict[str, Any]:
    """What the council holds about a provider's own location, with no person in it."""
    agreements = snap.gathered.inputs.agreements
    if agreements is None or "cqc_location_id" not in agreements.columns:
        return {"loaded": False, "note": "the council's service agreements are not loaded"}
    day = snap.as_of
    running = (pl.col("start_date") <= day) & (
        pl.col("end_date").is_null() | (pl.col("end_date") >= day)
    )
    here = agreements.filter((pl.col("cqc_location_id") == location_id) & running)
    count = here.height
    small = 0 < count < state.settings.small_number_threshold
    tiers = sorted(here["framework_tier"].drop_nulls().unique().to_list()) if count else []
    return {
        "loaded": True,
        "framework_tiers": tiers,
        "council_funded_agreements": None if small else count,
        "suppressed": small,
    }


def profile(
    state: AppState, viewer: Viewer, location_id: str, as_of: date | None
) -> dict[str, Any]:
    """A location's profile: details, rating history, provider's other locations."""
    snap = snapshot(state, as_of)
    found = snap.locations.filter(pl.col("location_id") == location_id)
    if found.is_empty():
        # The other registration of a dual-registered pair: the pair's profile.
        found = snap.locations.filter(pl.col("registered_as").list.contains(location_id))
    if found.is_empty():
        raise HTTPException(
            404,
            f"no active location {location_id!r} in {state.market.council.name} "
            f"as at {snap.as_of.isoformat()}",
        )
    location = records(found)[0]
    others = snap.locations.filter(
        (pl.col("provider_id") == location["provider_id"])
        & (pl.col("location_id") != location["location_id"])
    )
    own = viewer.owns(location["provider_id"]) or viewer.is_council
    facts = snap.gathered.inputs.facts
    ratings = records(state.market.rating_history(location_id, snap.as_of))
    return {
        "as_of": snap.as_of.isoformat(),
        "location": location,
        "details": state.market.location_details(location["location_id"], snap.as_of),
        "not_known": {f.value: r for f in Fact if (r := facts.why_not(f)) is not None}
        if facts is not None
        else {},
        "cqc_url": CQC_LOCATION_PAGE.format(location_id=quote(location["location_id"], safe="")),
        "key_questions": key_questions(ratings),
        "history": history(ratings),
        "ratings": ratings,
        "other_locations": records(others),
        "own": viewer.owns(location["provider_id"]),
        "council_relationship": council_relationship(state, snap, location_id) if own else None,
    }


def key_questions(ratings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The location's latest rating for each key question (the whole location's, else any)."""
    whole = [r for r in ratings if (r["service_group"] or "Overall").lower() == "overall"]
    latest: dict[str, dict[str, Any]] = {}
    for row in whole or ratings:  # newest first
        latest.setdefault(row["key_question"], row)
    return [
        {"key_question": q.value, "label": KEY_QUESTION_LABELS[q], **latest[q.value]}
        for q in KeyQuestion
        if q.value in latest
    ]


def history(ratings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per publication and service group: the overall and key-question ratings."""
    rows: dict[tuple[Any, str], dict[str, Any]] = {}
    for r in ratings:
        group = r["service_group"] or "Overall"
        row = rows.setdefault(
            (r["publication_date"], group),
            {"publication_date": r["publication_date"], "service_group": group},
        )
        row[r["key_question"]] = r["rating"]
        row["inherited"] = row.get("inherited") or bool(r["inherited"])
    return list(rows.values())


def local_assessments(
    state: AppState, viewer: Viewer, location_id: str, as_of: date | None
) -> list[dict[str, Any]]:
    """The council's own assessments of a location, newest first (council users only)."""
    rows = snapshot(state, as_of).gathered.inputs.local_assessments if viewer.is_council else None
    if rows is None:
        return []
    mine = rows.filter(pl.col("cqc_location_id") == location_id)
    return records(
        mine.sort("assessment_date", descending=True).select(
            "assessment_date", "rating", "scale", "rating_as_given"
        )
    )


@router.get(
    "/api/v1/locations", response_model=LocationPage, summary="Care locations, filtered and paged"
)
async def list_locations(
    request: Request,
    state: StateDep,
    which: LocationFilterQ,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Active adult social care locations in the council's area as at a date."""
    day = release_day(state, which.as_of)
    key = ("locations", which.on(day), limit, offset)

    def build() -> Body:
        snap = state.market.snapshot(day)
        rows = records(which.apply(snap.locations))
        return Body(
            json_bytes({"as_of": snap.as_of.isoformat(), **page(rows, limit, offset)}), JSON
        )

    return await cached(request, state.cache, key, build)


@router.get(
    "/api/v1/locations/{location_id}",
    response_model=LocationProfile,
    summary="A location's profile",
)
async def get_location(
    request: Request, state: StateDep, viewer: ViewerDep, location_id: str, as_of: AsOf = None
) -> Response:
    """Details, rating history with key questions, and the provider's other locations.

    A provider signed in sees, for its own locations, what the council holds about them.
    """
    day = release_day(state, as_of)
    mine = viewer.is_council or viewer.provider_id
    key = ("location", location_id, day, mine)

    def build() -> Body:
        return Body(json_bytes(profile(state, viewer, location_id, day)), JSON)

    return await cached(request, state.cache, key, build, private=bool(mine))


@router.get("/locations/{location_id}", response_class=HTMLResponse, include_in_schema=False)
def location_page(
    request: Request, state: StateDep, viewer: ViewerDep, location_id: str, as_of: AsOf = None
) -> Response:
    """The location profile page."""
    data = profile(state, viewer, location_id, as_of)
    dates = state.market.release_dates()
    return render(
        request,
        state,
        viewer,
        "location.html",
        data=data,
        title=data["location"]["name"] or location_id,
        key_question_labels={q.value: label for q, label in KEY_QUESTION_LABELS.items()},
        releases=[(d.isoformat(), long_date(d)) for d in dates],
        as_of_label=long_date(date.fromisoformat(data["as_of"])),
        local_assessments=local_assessments(state, viewer, location_id, as_of),
    )
