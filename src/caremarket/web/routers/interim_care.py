"""/api/v1/interim-care and /interim-care: people waiting for home care (council only, audited)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse

from caremarket.analysis import MISSING_HINTS
from caremarket.domain.freshness import long_date
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

# The page's columns, in order, with headers in the council's words.
COLUMNS = {
    "person_id": "Person (pseudonymised id)",
    "locality": "Locality",
    "postcode_district": "Postcode district",
    "hours_per_week": "Care needed (hours a week)",
    "date_added": "Added to the list",
    "days_waiting": "Days waiting",
    "reason": "Why it is hard to source",
}
PAGE_SIZES = (25, 50, 100)


class SortBy(StrEnum):
    """The columns the interim care page sorts by."""

    PERSON_ID = "person_id"
    LOCALITY = "locality"
    POSTCODE_DISTRICT = "postcode_district"
    HOURS_PER_WEEK = "hours_per_week"
    DATE_ADDED = "date_added"
    DAYS_WAITING = "days_waiting"
    REASON = "reason"


class Order(StrEnum):
    """Sort direction."""

    ASC = "asc"
    DESC = "desc"


SortQ = Annotated[SortBy, Query(description="The column to sort by.")]
OrderQ = Annotated[Order, Query(description="asc or desc.")]
PageQ = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]
PerPageQ = Annotated[int, Query(description="Rows a page: 25, 50 or 100.")]


def paged(
    items: list[dict[str, Any]], sort: SortBy, order: Order, page: int, per_page: int
) -> dict[str, Any]:
    """One page of the list, sorted (missing values last either way), with paging links."""
    key = sort.value
    present = [r for r in items if r.get(key) is not None]
    absent = [r for r in items if r.get(key) is None]
    present.sort(key=lambda r: r[key], reverse=order is Order.DESC)
    ordered = present + absent
    pages = max(1, -(-len(ordered) // per_page))
    page = min(page, pages)
    start = (page - 1) * per_page
    rows = [{c: r.get(c) for c in COLUMNS} for r in ordered[start : start + per_page]]
    return {
        "rows": rows,
        "page": page,
        "pages": pages,
        "first": start + 1 if rows else 0,
        "last": start + len(rows),
        "total": len(ordered),
    }


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
    request: Request,
    state: StateDep,
    viewer: CouncilDep,
    as_of: AsOf = None,
    sort: SortQ = SortBy.DAYS_WAITING,
    order: OrderQ = Order.DESC,
    page: PageQ = 1,
    per_page: PerPageQ = PAGE_SIZES[0],
) -> Response:
    """The interim care list page, sorted and paged on the server (council users only; audited)."""
    if per_page not in PAGE_SIZES:
        raise HTTPException(422, f"per_page must be one of {', '.join(map(str, PAGE_SIZES))}")
    audit_personal(state, viewer, "interim care list page")
    data = interim_care(state, as_of)
    return render(
        request,
        state,
        viewer,
        "interim_care.html",
        title="Interim care list",
        data=data,
        as_of_label=long_date(date.fromisoformat(data["as_of"])),
        listing=paged(data["items"], sort, order, page, per_page),
        columns=COLUMNS,
        sort=sort.value,
        order=order.value,
        per_page=per_page,
        page_sizes=PAGE_SIZES,
        chosen_as_of=as_of.isoformat() if as_of else "",
        base_query={
            "sort": sort.value,
            "order": order.value,
            "per_page": per_page,
            "page": 1,
            **({"as_of": as_of.isoformat()} if as_of else {}),
        },
    )
