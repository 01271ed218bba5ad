"""/brokerage pages: the brokers' queue and request page, and the provider portal.

Server-rendered forms, each with the CSRF field and an idempotency key, so a
double click or a resubmitted form changes nothing twice. A refusal (an offer
on a withdrawn request, an award already made) shows the page again with the
sentence saying why.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Form, HTTPException, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from caremarket.brokerage.workflow.fit_seam import FitAnswer
from caremarket.brokerage.workflow.need import (
    DAYS,
    DISTRICT,
    Funding,
    Need,
    TimeOfDay,
    Urgency,
    Visit,
)
from caremarket.brokerage.workflow.refusal import WorkflowError
from caremarket.domain.sector import Sector
from caremarket.metrics.finance import fee_rates_in_force
from caremarket.web.deps import CouncilDep, SignedInDep, StateDep
from caremarket.web.pages import check_csrf, render
from caremarket.web.routers.brokerage import DeskDep, ProviderDep, actor_of, fit_of
from caremarket.web.state import AppState
from caremarket.web.viewer import Viewer

router = APIRouter(tags=["brokerage pages"], include_in_schema=False)

RequestId = Annotated[int, Path(ge=1, le=2**62)]
Csrf = Annotated[str, Form(max_length=200)]
Key = Annotated[str, Form(max_length=200)]
DONE = {
    "created": "Request opened.",
    "awarded": "Request awarded.",
    "withdrawn": "Request withdrawn.",
    "reopened": "Request reopened to offers.",
    "offered": "Offer sent.",
    "handed_back": "Package handed back.",
    "capacity": "Capacity declared.",
    "review": "Review sent to the brokers.",
    "decided": "Review decided.",
}
FUNDING_LABELS = {
    Funding.UNKNOWN.value: "Not known yet",
    Funding.COUNCIL_MANAGED.value: "Council-managed",
    Funding.DIRECT_PAYMENT.value: "Direct payment",
    Funding.HEALTH.value: "NHS (health) funded",
    Funding.SELF_FUNDED.value: "Self-funded",
}
URGENCY_LABELS = {
    "routine": "Routine",
    "urgent": "Urgent",
    "hospital_discharge": "Hospital discharge",
}


def _key() -> str:
    return secrets.token_urlsafe(16)


def _checked(request: Request, state: AppState, token: str) -> None:
    if not check_csrf(request, state, token):
        raise HTTPException(403, "the form expired: reload the page and try again")


def _done(request: Request) -> str | None:
    return DONE.get(request.query_params.get("done", ""))


PRINCIPAL_ROUTE = "principal"
FRAMEWORK_ROUTE = "framework"
"""The contract routes an offer comes by, as the council's fee rates name them."""


def _usual_rates(state: AppState) -> list[dict[str, Any]]:
    """The council's usual home-care rates an hour in force today, one per contract route."""
    fees = state.market.snapshot().gathered.inputs.fees
    if fees is None:
        return []
    return (
        fee_rates_in_force(fees, date.today())
        .filter(
            (pl.col("sector") == Sector.HOME_CARE.value)
            & (pl.col("price_unit") == "hour")
            & (pl.col("client_group") == "all")
        )
        .to_dicts()
    )


def _usual_for(route: str, rates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The fee rate for a contract route, else the rate for every route, else none."""
    by_route = {r["framework_tier"]: r for r in rates}
    return by_route.get(route) or by_route.get(None)


def _price(
    offer: dict[str, Any],
    row: dict[str, Any],
    principal: str | None,
    rates: list[dict[str, Any]],
    fits: dict[str, Any],
) -> dict[str, Any]:
    """An offer beside the usual price for its route (the broker's own, else the council's
    fee rate), and the extra travel its provider's rounds would take."""
    rate = float(offer["rate_gbp_per_hour"])
    route = PRINCIPAL_ROUTE if offer["provider_id"] == principal else FRAMEWORK_ROUTE
    usual: float | None = row["usual_rate_gbp_per_hour"]
    basis = "the usual rate set for this request"
    if usual is None:
        fee = _usual_for(route, rates)
        if fee is not None:
            usual = float(fee["price_gbp"])
            named = fee["framework_tier"] or "every"
            basis = f"the council's {named} route rate from {fee['effective_date']:%-d %B %Y}"
    fit = fits.get(offer["provider_id"])
    extra = {
        "route": route,
        "usual_gbp": usual,
        "usual_basis": basis if usual is not None else "no usual rate for this route",
        "extra_travel_minutes_per_week": None
        if fit is None
        else fit["extra_travel_minutes_per_week"],
        "fit_note": "not ranked" if fit is None else fit["note"],
    }
    if usual is None:
        return {**offer, **extra, "vs_usual_gbp": None, "vs_usual_pct": None}
    return {
        **offer,
        **extra,
        "vs_usual_gbp": rate - usual,
        "vs_usual_pct": 100 * (rate - usual) / usual,
    }


def visits_from_form(form: Mapping[str, Any]) -> tuple[Visit, ...]:
    """The visit pattern the form ticks: a visit per time of day ticked, its minutes and
    whether two carers are needed, on the days ticked (none ticked: no pattern given)."""
    days = [d for d in DAYS if form.get(f"day_{d}")]
    visits = []
    for band in TimeOfDay:
        if not form.get(f"visit_{band.value}"):
            continue
        if not days:
            raise ValueError("Tick the days the visits are on.")
        text = str(form.get(f"minutes_{band.value}") or "45")
        try:
            minutes = int(text)
        except ValueError:
            raise ValueError(f"Minutes of the {band.value} visit must be a whole number.") from None
        if not 5 <= minutes <= 600:
            raise ValueError(f"A {band.value} visit lasts 5 to 600 minutes, not {minutes}.")
        visits.append(Visit(band, tuple(days), minutes, bool(form.get(f"double_{band.value}"))))
    return tuple(visits)


def _verdict(answer: FitAnswer | None) -> str:
    """Where a request fits, in a word or two for the queue."""
    if answer is None:
        return "being worked out"
    if answer.hard_to_serve is None:
        return "unknown"
    if answer.hard_to_serve:
        return "hard to serve"
    best = next((f for f in answer.ranking if f.within_threshold), None)
    return f"fits: {best.name}" if best is not None and best.name else "fits"


async def _queue_page(
    request: Request, state: AppState, desk: Any, viewer: Viewer, error: str | None, status: int
) -> Response:
    def gather() -> dict[str, Any]:
        reviews = [r for r in desk.store.reviews() if r["status"] == "submitted"]
        queue = [
            {**r, "fit": _verdict(desk.known_ranking(int(r["request_id"])))}
            for r in desk.store.queue()
        ]
        return {"queue": queue, "reviews": reviews}

    found = await run_in_threadpool(gather)
    return render(
        request,
        state,
        viewer,
        "brokerage_queue.html",
        title="Brokerage queue",
        status_code=status,
        done=_done(request),
        error=error,
        key=_key(),
        today=date.today().isoformat(),
        urgencies=URGENCY_LABELS,
        times_of_day=[t.value for t in TimeOfDay],
        days=DAYS,
        fundings=FUNDING_LABELS,
        **found,
    )


@router.get("/brokerage", response_class=HTMLResponse)
async def queue_page(
    request: Request, state: StateDep, viewer: CouncilDep, desk: DeskDep
) -> Response:
    """The brokers' queue: requests open, offered or handed back, most urgent first."""
    return await _queue_page(request, state, desk, viewer, None, 200)


@router.post("/brokerage/requests")
async def create_request(
    request: Request,
    state: StateDep,
    viewer: CouncilDep,
    desk: DeskDep,
    csrf_token: Csrf,
    idempotency_key: Key,
    postcode_district: Annotated[str, Form(max_length=8)],
    hours_per_week: Annotated[float, Form(gt=0, le=168, allow_inf_nan=False)],
    date_added: Annotated[date, Form()],
    urgency: Annotated[Urgency, Form()] = Urgency.ROUTINE,
    zone: Annotated[str, Form(max_length=80)] = "",
    start_by: Annotated[str, Form(max_length=10)] = "",
    person_ref: Annotated[str, Form(max_length=80)] = "",
    usual_rate_gbp_per_hour: Annotated[str, Form(max_length=10)] = "",
    skills: Annotated[str, Form(max_length=300)] = "",
    funding: Annotated[Funding, Form()] = Funding.UNKNOWN,
) -> Response:
    """Open a request from the queue page's form."""
    _checked(request, state, csrf_token)
    district = postcode_district.strip().upper().replace(" ", "")
    try:
        due = date.fromisoformat(start_by) if start_by else None
        usual = float(usual_rate_gbp_per_hour) if usual_rate_gbp_per_hour else None
    except ValueError:
        return await _queue_page(
            request, state, desk, viewer, "Start by must be a date, usual rate a number.", 422
        )
    try:
        visits = visits_from_form(await request.form())
    except ValueError as wrong:
        return await _queue_page(request, state, desk, viewer, str(wrong), 422)
    if not DISTRICT.match(district):
        error = f"{postcode_district!r} is not a postcode district such as NR1."
        return await _queue_page(request, state, desk, viewer, error, 422)
    need = Need(
        postcode_district=district,
        hours_per_week=hours_per_week,
        date_added=date_added,
        zone=zone or None,
        locality=zone or None,
        visits=visits,
        skills=tuple(dict.fromkeys(w.strip() for w in skills.split(",") if w.strip())),
        start_by=due,
        urgency=urgency,
        funding=funding.value,
        usual_rate_gbp_per_hour=usual,
        person_ref=person_ref or None,
    )
    actor = actor_of(viewer)
    try:
        made = await run_in_threadpool(
            lambda: desk.store.create_request(need, actor, key=idempotency_key)
        )
    except WorkflowError as refused:
        return await _queue_page(request, state, desk, viewer, str(refused), 422)
    return RedirectResponse(f"/brokerage/requests/{made['request_id']}?done=created", 303)


async def _request_page(
    request: Request,
    state: AppState,
    desk: Any,
    viewer: Viewer,
    request_id: int,
    error: str | None,
    status: int,
) -> Response:
    actor = actor_of(viewer)

    def gather() -> dict[str, Any]:
        row = desk.store.request(request_id, actor)
        fit = fit_of(desk, request_id)
        fits = {f["provider_id"]: f for f in fit["ranking"]}
        principal = desk.store.principal_of(row["zone"]) if row["zone"] else None
        rates = _usual_rates(state)
        return {
            "row": row,
            "offers": [
                _price(o, row, principal, rates, fits) for o in desk.store.offers(request_id, actor)
            ],
            "fit": fit,
            "rates": rates,
            "audit": desk.store.audit(request_id),
        }

    try:
        found = await run_in_threadpool(gather)
    except WorkflowError as missing:
        raise HTTPException(404, str(missing)) from None
    return render(
        request,
        state,
        viewer,
        "brokerage_request.html",
        title=f"Request {request_id}",
        status_code=status,
        done=_done(request),
        error=error,
        key=_key(),
        urgencies=URGENCY_LABELS,
        fundings=FUNDING_LABELS,
        **found,
    )


@router.get("/brokerage/requests/{request_id}", response_class=HTMLResponse)
async def request_page(
    request: Request, request_id: RequestId, state: StateDep, viewer: CouncilDep, desk: DeskDep
) -> Response:
    """One request: its need, its offers compared, where it fits, its audit trail."""
    return await _request_page(request, state, desk, viewer, request_id, None, 200)


async def _act(
    request: Request,
    state: AppState,
    desk: Any,
    viewer: Viewer,
    request_id: int,
    work: Callable[[], Any],
    done: str,
) -> Response:
    try:
        await run_in_threadpool(work)
    except WorkflowError as refused:
        return await _request_page(request, state, desk, viewer, request_id, str(refused), 409)
    return RedirectResponse(f"/brokerage/requests/{request_id}?done={done}", 303)


@router.post("/brokerage/requests/{request_id}/award")
async def award(
    request: Request,
    request_id: RequestId,
    state: StateDep,
    viewer: CouncilDep,
    desk: DeskDep,
    csrf_token: Csrf,
    idempotency_key: Key,
    offer_id: Annotated[int, Form(ge=1, le=2**62)],
) -> Response:
    """Award the request to one offer."""
    _checked(request, state, csrf_token)
    actor = actor_of(viewer)
    return await _act(
        request, state, desk, viewer, request_id,
        lambda: desk.store.award(request_id, offer_id, actor, key=idempotency_key), "awarded",
    )  # fmt: skip


@router.post("/brokerage/requests/{request_id}/withdraw")
async def withdraw(
    request: Request,
    request_id: RequestId,
    state: StateDep,
    viewer: CouncilDep,
    desk: DeskDep,
    csrf_token: Csrf,
    idempotency_key: Key,
    why: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Withdraw the request."""
    _checked(request, state, csrf_token)
    actor = actor_of(viewer)
    return await _act(
        request, state, desk, viewer, request_id,
        lambda: desk.store.withdraw(request_id, actor, why, key=idempotency_key), "withdrawn",
    )  # fmt: skip


@router.post("/brokerage/requests/{request_id}/reopen")
async def reopen(
    request: Request,
    request_id: RequestId,
    state: StateDep,
    viewer: CouncilDep,
    desk: DeskDep,
    csrf_token: Csrf,
    idempotency_key: Key,
) -> Response:
    """Reopen a handed-back request to offers."""
    _checked(request, state, csrf_token)
    actor = actor_of(viewer)
    return await _act(
        request, state, desk, viewer, request_id,
        lambda: desk.store.reopen(request_id, actor, key=idempotency_key), "reopened",
    )  # fmt: skip


@router.post("/brokerage/reviews/{review_id}/decision")
async def decide(
    request: Request,
    review_id: Annotated[int, Path(ge=1, le=2**62)],
    state: StateDep,
    viewer: CouncilDep,
    desk: DeskDep,
    csrf_token: Csrf,
    idempotency_key: Key,
    approve: Annotated[bool, Form()],
) -> Response:
    """Approve or refuse a provider-led review (from the queue page)."""
    _checked(request, state, csrf_token)
    actor = actor_of(viewer)
    try:
        await run_in_threadpool(
            lambda: desk.store.decide_review(review_id, actor, approve=approve, key=idempotency_key)
        )
    except WorkflowError as refused:
        return await _queue_page(request, state, desk, viewer, str(refused), 409)
    return RedirectResponse("/brokerage?done=decided", 303)


# -- the provider portal -------------------------------------------------------------------


async def _portal_page(
    request: Request, state: AppState, desk: Any, viewer: Viewer, error: str | None, status: int
) -> Response:
    pid = viewer.provider_id or ""

    def gather() -> dict[str, Any]:
        return {
            "open_requests": desk.store.open_for(pid),
            "offers": desk.store.offers_of(pid),
            "awards": desk.store.awards_of(pid),
            "capacity": desk.store.capacity(pid),
            "reviews": desk.store.reviews(pid),
        }

    try:
        found = await run_in_threadpool(gather)
    except WorkflowError as refused:
        found = {"open_requests": [], "offers": [], "awards": [], "capacity": [], "reviews": []}
        error = error or str(refused)
    return render(
        request,
        state,
        viewer,
        "brokerage_portal.html",
        title="Provider portal",
        status_code=status,
        done=_done(request),
        error=error,
        key=_key(),
        soon=(date.today() + timedelta(days=7)).isoformat(),
        urgencies=URGENCY_LABELS,
        **found,
    )


@router.get("/brokerage/portal", response_class=HTMLResponse)
async def portal_page(
    request: Request, state: StateDep, viewer: SignedInDep, desk: DeskDep
) -> Response:
    """The provider portal: open requests in its areas, its offers, awards, capacity, reviews."""
    if viewer.provider_id is None:
        raise HTTPException(403, "the provider portal is for provider users")
    return await _portal_page(request, state, desk, viewer, None, 200)


async def _portal_act(
    request: Request,
    state: AppState,
    desk: Any,
    viewer: Viewer,
    token: str,
    work: Callable[[], Any],
    done: str,
) -> Response:
    _checked(request, state, token)
    try:
        await run_in_threadpool(work)
    except WorkflowError as refused:
        return await _portal_page(request, state, desk, viewer, str(refused), 409)
    return RedirectResponse(f"/brokerage/portal?done={done}", 303)


@router.post("/brokerage/portal/offers")
async def offer(
    request: Request,
    state: StateDep,
    viewer: ProviderDep,
    desk: DeskDep,
    csrf_token: Csrf,
    idempotency_key: Key,
    request_id: Annotated[int, Form(ge=1, le=2**62)],
    start_date: Annotated[date, Form()],
    rate_gbp_per_hour: Annotated[float, Form(gt=0, lt=1000, allow_inf_nan=False)],
    notes: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Offer for an open request."""
    actor = actor_of(viewer)
    return await _portal_act(
        request, state, desk, viewer, csrf_token,
        lambda: desk.store.make_offer(request_id, actor, start_date=start_date,
                                      rate_gbp_per_hour=rate_gbp_per_hour, notes=notes,
                                      key=idempotency_key),
        "offered",
    )  # fmt: skip


@router.post("/brokerage/portal/hand-back")
async def hand_back(
    request: Request,
    state: StateDep,
    viewer: ProviderDep,
    desk: DeskDep,
    csrf_token: Csrf,
    idempotency_key: Key,
    request_id: Annotated[int, Form(ge=1, le=2**62)],
    reason: Annotated[str, Form(min_length=1, max_length=500)],
    notice_date: Annotated[date, Form()],
) -> Response:
    """Hand an awarded package back, with the reason and the notice date."""
    actor = actor_of(viewer)
    return await _portal_act(
        request, state, desk, viewer, csrf_token,
        lambda: desk.store.hand_back(request_id, actor, reason=reason, notice_date=notice_date,
                                     key=idempotency_key),
        "handed_back",
    )  # fmt: skip


@router.post("/brokerage/portal/capacity")
async def capacity(
    request: Request,
    state: StateDep,
    viewer: ProviderDep,
    desk: DeskDep,
    csrf_token: Csrf,
    idempotency_key: Key,
    kind: Annotated[str, Form(max_length=40)],
    area: Annotated[str, Form(min_length=1, max_length=40)],
    amount: Annotated[float, Form(ge=0, le=10_000, allow_inf_nan=False)],
) -> Response:
    """Declare spare capacity."""
    actor = actor_of(viewer)
    area = area.strip().upper().replace(" ", "") if kind == "home_care_hours" else area.strip()
    return await _portal_act(
        request, state, desk, viewer, csrf_token,
        lambda: desk.store.declare_capacity(actor, kind, area, amount, key=idempotency_key),
        "capacity",
    )  # fmt: skip


@router.post("/brokerage/portal/reviews")
async def review(
    request: Request,
    state: StateDep,
    viewer: ProviderDep,
    desk: DeskDep,
    csrf_token: Csrf,
    idempotency_key: Key,
    request_id: Annotated[int, Form(ge=1, le=2**62)],
    hours_change: Annotated[float, Form(ge=-168, le=168, allow_inf_nan=False)],
    reason: Annotated[str, Form(min_length=1, max_length=500)],
) -> Response:
    """Ask the brokers for more or fewer hours on an awarded package."""
    actor = actor_of(viewer)
    return await _portal_act(
        request, state, desk, viewer, csrf_token,
        lambda: desk.store.submit_review(request_id, actor, hours_change=hours_change,
                                         reason=reason, key=idempotency_key),
        "review",
    )  # fmt: skip


@router.get("/dashboards/brokerage", response_class=HTMLResponse)
async def figures_page(
    request: Request, state: StateDep, viewer: CouncilDep, desk: DeskDep
) -> Response:
    """The brokerage dashboard: how fast care is sourced, offers, hand-backs, unmet hours."""
    found = await run_in_threadpool(desk.store.figures)
    return render(
        request,
        state,
        viewer,
        "brokerage_figures.html",
        title="Brokerage dashboard",
        figures=found,
        urgencies=URGENCY_LABELS,
    )
