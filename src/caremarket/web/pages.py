"""Rendering HTML pages: the shared context every template gets, and the CSRF cookie."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature

from caremarket.domain.client_group import ClientGroup
from caremarket.domain.freshness import Freshness
from caremarket.domain.rating import Rating
from caremarket.domain.sector import Sector
from caremarket.web.deps import CSRF_COOKIE
from caremarket.web.state import AppState
from caremarket.web.viewer import Viewer

SECTOR_LABELS = {"all": "All sectors", **{s.value: s.label for s in Sector}}
CLIENT_GROUP_LABELS = {g.value: g.label for g in ClientGroup}
RATING_LABELS = {r.value: r.value.replace("_", " ").capitalize() for r in Rating}


def csrf_token(request: Request, state: AppState) -> tuple[str, bool]:
    """The request's CSRF token (from its signed cookie) and whether it is new."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie:
        try:
            value = state.signer.loads(cookie, salt="csrf")
            if isinstance(value, str):
                return value, False
        except BadSignature:
            pass
    return secrets.token_urlsafe(24), True


def check_csrf(request: Request, state: AppState, submitted: str) -> bool:
    """Whether a form's CSRF field matches the signed cookie (double submit)."""
    token, new = csrf_token(request, state)
    return not new and secrets.compare_digest(token, submitted)


def _asked_date(request: Request) -> date | None:
    """The as_of date a page was asked for (None when none, or not a date)."""
    try:
        return date.fromisoformat(request.query_params.get("as_of") or "")
    except ValueError:
        return None


def render(
    request: Request,
    state: AppState,
    viewer: Viewer,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """A page with the shared context: viewer, council, releases, labels and CSRF token."""
    token, new = csrf_token(request, state)
    dates = state.market.release_dates()
    asked = _asked_date(request)
    in_force = [d for d in dates if asked is None or d <= asked]
    warning = Freshness(in_force[-1], asked).warning() if asked is not None and in_force else None
    synthetic = bool(
        state.market.query(
            "SELECT count(*) AS n FROM release WHERE licence ILIKE '%synthetic%'", []
        )["n"][0]
    )
    response = state.templates.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "council": state.market.council,
            "release_dates": [d.isoformat() for d in dates],
            "synthetic": synthetic,
            "accounts_configured": state.accounts is not None,
            "freshness_warning": warning,
            "csrf_token": token,
            "sector_labels": SECTOR_LABELS,
            "client_group_labels": CLIENT_GROUP_LABELS,
            "rating_labels": RATING_LABELS,
            **context,
        },
        status_code=status_code,
    )
    if new:
        response.set_cookie(
            CSRF_COOKIE,
            state.signer.dumps(token, salt="csrf"),
            httponly=True,
            samesite="strict",
            secure=state.settings.secure_cookies,
        )
    response.headers["Cache-Control"] = "private, no-store"
    return response
