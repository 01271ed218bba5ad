"""/api/v1/brokerage/...: requests, offers, awards, hand-backs, capacity and reviews.

Council users act as brokers; provider users as their provider, seeing open
requests at postcode-district level, their own offers and awards, and a
person's details only once awarded. The public sees nothing here. A state
change is made with a bearer token (never by a browser's cookie alone) and may
carry an `Idempotency-Key` header: a retry with the same key answers as the
first time and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

import psycopg
from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from caremarket.brokerage.workflow.desk import Desk
from caremarket.brokerage.workflow.lifecycle import Actor, InvalidTransition, Party
from caremarket.brokerage.workflow.need import Need, TimeOfDay, Urgency, Visit
from caremarket.brokerage.workflow.refusal import (
    Forbidden,
    KeyReused,
    NotFound,
    WorkflowError,
)
from caremarket.web.deps import CouncilDep, SignedInDep, StateDep
from caremarket.web.viewer import Role, Viewer

router = APIRouter(prefix="/api/v1/brokerage", tags=["brokerage"])

T = TypeVar("T")
BIG = 2**62
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
RequestId = Annotated[int, Path(ge=1, le=BIG, description="The request's number.")]
ReviewId = Annotated[int, Path(ge=1, le=BIG, description="The review's number.")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Any unique text: a retry with the same key is answered once, not redone.",
    ),
]
Text = Annotated[str, Field(max_length=500)]


async def get_desk(state: StateDep) -> Desk:
    """The brokerage desk (503 when the tool runs without a brokerage database)."""
    if state.brokerage is None:
        raise HTTPException(503, "brokerage is not configured: start with --accounts-url")
    return state.brokerage


DeskDep = Annotated[Desk, Depends(get_desk)]


def actor_of(viewer: Viewer) -> Actor:
    """The workflow's actor for a signed-in viewer: council users broker, providers offer."""
    if viewer.role is Role.COUNCIL:
        return Actor(viewer.name or "council", Party.BROKER)
    return Actor(viewer.name or "provider", Party.PROVIDER, viewer.provider_id)


STATUS: list[tuple[type[Exception], int]] = [
    (InvalidTransition, 409),
    (KeyReused, 409),
    (NotFound, 404),
    (Forbidden, 403),
    (WorkflowError, 422),
]


async def attempt(work: Callable[[], T]) -> T:
    """Run a workflow call in a worker thread; its refusals as HTTP errors with the sentence."""
    try:
        return await run_in_threadpool(work)
    except WorkflowError as error:
        status = next(code for kind, code in STATUS if isinstance(error, kind))
        raise HTTPException(status, str(error)) from None
    except (psycopg.DataError, psycopg.IntegrityError) as error:
        said = (str(error).splitlines() or ["refused"])[0]
        raise HTTPException(422, f"a value the database refuses: {said}") from None


def _json(payload: Any, status: int) -> Response:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(
        body,
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": "private, no-store"},
    )


async def answer(work: Callable[[], Any]) -> Response:
    """A workflow call's answer as JSON (not cached: every answer is someone's own)."""
    return _json(await attempt(work), 200)


async def answer_created(work: Callable[[], Any]) -> Response:
    """A workflow call that makes something: its answer as JSON, 201."""
    return _json(await attempt(work), 201)


def changing(request: Request, viewer: Viewer) -> Actor:
    """The actor making a change: it must come with a bearer token, never a cookie alone."""
    scheme = request.headers.get("authorization", "").partition(" ")[0].lower()
    if scheme != "bearer":
        raise HTTPException(403, "changes through the API need a bearer token")
    return actor_of(viewer)


def provider_only(viewer: Viewer) -> str:
    """The provider's id, 403 unless a provider user."""
    if viewer.role is not Role.PROVIDER or not viewer.provider_id:
        raise HTTPException(403, "only providers may do this")
    return viewer.provider_id


def _every_day() -> list[Day]:
    return ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


async def require_provider(viewer: SignedInDep) -> Viewer:
    """The viewer, if a provider user (403 otherwise, 401 for the public)."""
    provider_only(viewer)
    return viewer


ProviderDep = Annotated[Viewer, Depends(require_provider)]


class VisitIn(BaseModel):
    """One visit of the weekly pattern."""

    time_of_day: TimeOfDay
    days: list[Day] = Field(
        default_factory=_every_day,
        min_length=1,
        max_length=7,
    )
    minutes: int = Field(45, ge=5, le=600)
    double_handed: bool = False


class RequestIn(BaseModel):
    """A new request: the person's need at postcode-district level."""

    postcode_district: str = Field(pattern=r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
    hours_per_week: float = Field(gt=0, le=168, allow_inf_nan=False)
    date_added: date
    locality: str | None = Field(None, max_length=80)
    zone: str | None = Field(None, max_length=80)
    visits: list[VisitIn] = Field(default_factory=list, max_length=35)
    skills: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list, max_length=20)
    start_by: date | None = None
    urgency: Urgency = Urgency.ROUTINE
    funding: str = Field("unknown", max_length=40)
    usual_rate_gbp_per_hour: float | None = Field(None, gt=0, lt=1000, allow_inf_nan=False)
    person_ref: str | None = Field(None, max_length=80)
    person_details: dict[Annotated[str, Field(max_length=40)], Text] = Field(
        default_factory=dict, max_length=20
    )
    publish: bool = True

    def need(self) -> Need:
        """The request's need."""
        return Need(
            postcode_district=self.postcode_district,
            hours_per_week=self.hours_per_week,
            date_added=self.date_added,
            locality=self.locality,
            zone=self.zone or self.locality,
            visits=tuple(
                Visit(v.time_of_day, tuple(v.days), v.minutes, v.double_handed) for v in self.visits
            ),
            skills=tuple(self.skills),
            start_by=self.start_by,
            urgency=self.urgency,
            funding=self.funding,
            usual_rate_gbp_per_hour=self.usual_rate_gbp_per_hour,
            person_ref=self.person_ref,
            person_details=dict(self.person_details),
        )


class OfferIn(BaseModel):
    """A provider's offer."""

    start_date: date
    rate_gbp_per_hour: float = Field(gt=0, lt=1000, allow_inf_nan=False)
    visits_covered: list[Annotated[int, Field(ge=0, le=1000)]] | None = Field(None, max_length=50)
    notes: str = Field("", max_length=2000)


class AwardIn(BaseModel):
    """Which offer wins, and why."""

    offer_id: int = Field(ge=1, le=BIG)
    why: Text = ""


class WhyIn(BaseModel):
    """A reason."""

    why: Text = ""


class HandBackIn(BaseModel):
    """Why a package is handed back and the last day of care."""

    reason: Text = Field(min_length=1)
    notice_date: date


class ReviewIn(BaseModel):
    """A provider-led review: hours up (positive) or down (negative), and why."""

    hours_change: float = Field(ge=-168, le=168, allow_inf_nan=False)
    reason: Text = Field(min_length=1)


class DecisionIn(BaseModel):
    """A broker's decision on a review."""

    approve: bool


class CapacityIn(BaseModel):
    """Spare capacity: home-care hours a week in a district, or care home vacancies."""

    kind: Literal["home_care_hours", "care_home_vacancies"]
    area: str = Field(
        min_length=1, max_length=40, description="A postcode district, or a client group."
    )
    amount: float = Field(ge=0, le=10_000, allow_inf_nan=False)


Json = dict[str, Any]


@router.get("/requests", summary="Requests: the brokers' queue, or those open to a provider")
async def requests(
    viewer: SignedInDep,
    desk: DeskDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Council: rows a page.")] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Council: rows skipped.")] = 0,
) -> Response:
    """Council: the queue (open, offered, handed back), most urgent first, a page at a time.
    Provider: every request open to it now."""
    if viewer.role is Role.COUNCIL:
        return await answer(
            lambda: {"items": desk.store.queue(limit=limit, offset=offset), "offset": offset}
        )
    pid = provider_only(viewer)
    return await answer(lambda: {"items": desk.store.open_for(pid)})


@router.post("/requests", status_code=201, summary="Open a request")
async def create_request(
    body: RequestIn,
    request: Request,
    viewer: CouncilDep,
    desk: DeskDep,
    key: IdempotencyKey = None,
) -> Response:
    """A broker turns a person's need into a request (open unless `publish` is false)."""
    actor = changing(request, viewer)
    need = body.need()
    return await answer_created(
        lambda: desk.store.create_request(need, actor, publish=body.publish, key=key)
    )


@router.get("/requests/{request_id}", summary="One request")
async def one_request(request_id: RequestId, viewer: SignedInDep, desk: DeskDep) -> Response:
    """Council: everything but the person. Provider: district level, if open to it."""
    return await answer(lambda: desk.store.request(request_id, actor_of(viewer)))


@router.get("/requests/{request_id}/offers", summary="A request's offers")
async def offers(request_id: RequestId, viewer: SignedInDep, desk: DeskDep) -> Response:
    """Council: every offer. Provider: its own only."""
    return await answer(lambda: {"items": desk.store.offers(request_id, actor_of(viewer))})


@router.post("/requests/{request_id}/offers", status_code=201, summary="Offer")
async def make_offer(
    request_id: RequestId,
    body: OfferIn,
    request: Request,
    viewer: ProviderDep,
    desk: DeskDep,
    key: IdempotencyKey = None,
) -> Response:
    """A provider offers for a request open to it (all its visits, or those listed)."""
    actor = changing(request, viewer)
    return await answer_created(
        lambda: desk.store.make_offer(
            request_id,
            actor,
            start_date=body.start_date,
            rate_gbp_per_hour=body.rate_gbp_per_hour,
            visits_covered=body.visits_covered,
            notes=body.notes,
            key=key,
        )
    )


@router.post("/requests/{request_id}/award", summary="Award")
async def award(
    request_id: RequestId,
    body: AwardIn,
    request: Request,
    viewer: CouncilDep,
    desk: DeskDep,
    key: IdempotencyKey = None,
) -> Response:
    """A broker awards the request to one offer (exactly one award, however many try)."""
    actor = changing(request, viewer)
    return await answer(lambda: desk.store.award(request_id, body.offer_id, actor, body.why, key))


@router.post("/requests/{request_id}/withdraw", summary="Withdraw")
async def withdraw(
    request_id: RequestId,
    body: WhyIn,
    request: Request,
    viewer: CouncilDep,
    desk: DeskDep,
    key: IdempotencyKey = None,
) -> Response:
    """A broker withdraws a request no longer needed."""
    actor = changing(request, viewer)
    return await answer(lambda: desk.store.withdraw(request_id, actor, body.why, key))


@router.post("/requests/{request_id}/reopen", summary="Reopen after a hand-back")
async def reopen(
    request_id: RequestId,
    body: WhyIn,
    request: Request,
    viewer: CouncilDep,
    desk: DeskDep,
    key: IdempotencyKey = None,
) -> Response:
    """A broker opens a handed-back request to offers again."""
    actor = changing(request, viewer)
    return await answer(lambda: desk.store.reopen(request_id, actor, body.why, key))


@router.post("/requests/{request_id}/start", summary="Care started")
async def start(
    request_id: RequestId,
    request: Request,
    viewer: SignedInDep,
    desk: DeskDep,
    key: IdempotencyKey = None,
) -> Response:
    """The broker or the awarded provider records that care has started."""
    actor = changing(request, viewer)
    return await answer(lambda: desk.store.start(request_id, actor, key))


@router.post("/requests/{request_id}/hand-back", summary="Hand a package back")
async def hand_back(
    request_id: RequestId,
    body: HandBackIn,
    request: Request,
    viewer: ProviderDep,
    desk: DeskDep,
    key: IdempotencyKey = None,
) -> Response:
    """The awarded provider hands the package back, with the reason and the notice date."""
    actor = changing(request, viewer)
    return await answer(
        lambda: desk.store.hand_back(
            request_id, actor, reason=body.reason, notice_date=body.notice_date, key=key
        )
    )


@router.get("/requests/{request_id}/person", summary="Who the person is")
async def person(request_id: RequestId, viewer: SignedInDep, desk: DeskDep) -> Response:
    """The person's details: council brokers, and the provider holding the award (audited)."""
    return await answer(lambda: desk.store.person(request_id, actor_of(viewer)))


@router.get("/requests/{request_id}/audit", summary="A request's audit trail")
async def audit(request_id: RequestId, viewer: CouncilDep, desk: DeskDep) -> Response:
    """Every change of the request: who, when, why (council only)."""
    return await answer(lambda: {"items": desk.store.audit(request_id)})


def fit_of(desk: Desk, request_id: int) -> Json:
    """Where the package fits: the plugged-in ranking's answer for one request."""
    ranked = desk.ranking(request_id)
    return {
        "request_id": request_id,
        "hard_to_serve": ranked.hard_to_serve,
        "reason": ranked.reason,
        "ranking": [asdict(f) for f in ranked.ranking],
    }


@router.get("/fit", summary="Whether the fit ranking can answer")
async def fit_ready(viewer: CouncilDep, desk: DeskDep) -> Response:
    """Whether the branches' rounds the fit ranking reads are planned (council only)."""
    return await answer(lambda: {"ready": desk.fit.wait(0)})


@router.get("/requests/{request_id}/fit", summary="Where the package fits")
async def fit(request_id: RequestId, viewer: CouncilDep, desk: DeskDep) -> Response:
    """Providers ranked by the cost of fitting the visits into their rounds (council only)."""
    return await answer(lambda: fit_of(desk, request_id))


@router.post("/requests/{request_id}/reviews", status_code=201, summary="Ask for a review")
async def submit_review(
    request_id: RequestId,
    body: ReviewIn,
    request: Request,
    viewer: ProviderDep,
    desk: DeskDep,
    key: IdempotencyKey = None,
) -> Response:
    """The awarded provider asks for hours up or down, with the reason; a broker decides."""
    actor = changing(request, viewer)
    return await answer_created(
        lambda: desk.store.submit_review(
            request_id, actor, hours_change=body.hours_change, reason=body.reason, key=key
        )
    )


@router.get("/reviews", summary="Provider-led reviews")
async def reviews(viewer: SignedInDep, desk: DeskDep) -> Response:
    """Council: every review. Provider: its own."""
    pid = None if viewer.role is Role.COUNCIL else provider_only(viewer)
    return await answer(lambda: {"items": desk.store.reviews(pid)})


@router.post("/reviews/{review_id}/decision", summary="Approve or refuse a review")
async def decide_review(
    review_id: ReviewId,
    body: DecisionIn,
    request: Request,
    viewer: CouncilDep,
    desk: DeskDep,
    key: IdempotencyKey = None,
) -> Response:
    """A broker approves (the hours change) or refuses a provider-led review."""
    actor = changing(request, viewer)
    return await answer(
        lambda: desk.store.decide_review(review_id, actor, approve=body.approve, key=key)
    )


@router.get("/offers", summary="A provider's offers")
async def own_offers(viewer: SignedInDep, desk: DeskDep) -> Response:
    """Every offer the provider has made (providers only)."""
    pid = provider_only(viewer)
    return await answer(lambda: {"items": desk.store.offers_of(pid)})


@router.get("/awards", summary="A provider's awards")
async def own_awards(viewer: SignedInDep, desk: DeskDep) -> Response:
    """The provider's awards, live and ended, at district level (providers only)."""
    pid = provider_only(viewer)
    return await answer(lambda: {"items": desk.store.awards_of(pid)})


@router.get("/capacity", summary="Declared spare capacity")
async def capacity(viewer: SignedInDep, desk: DeskDep) -> Response:
    """Council: every provider's latest declarations. Provider: its own."""
    pid = None if viewer.role is Role.COUNCIL else provider_only(viewer)
    return await answer(lambda: {"items": desk.store.capacity(pid)})


@router.post("/capacity", status_code=201, summary="Declare spare capacity")
async def declare_capacity(
    body: CapacityIn,
    request: Request,
    viewer: ProviderDep,
    desk: DeskDep,
    key: IdempotencyKey = None,
) -> Response:
    """A provider declares spare home-care hours in a district, or care home vacancies."""
    actor = changing(request, viewer)
    return await answer_created(
        lambda: desk.store.declare_capacity(actor, body.kind, body.area, body.amount, key)
    )


@router.get("/figures", summary="Brokerage figures")
async def figures(state: StateDep, viewer: CouncilDep, desk: DeskDep) -> Response:
    """Time to source, offers, hand-backs, unmet hours and capacity: counts over the audit
    log, for the council (aggregates only; groups are named as brokers wrote them, so the
    figures stay with the council until they are published with small numbers hidden)."""
    threshold = state.settings.small_number_threshold if viewer.suppressed else None
    return await answer(lambda: desk.store.figures(threshold=threshold))
