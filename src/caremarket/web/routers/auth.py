"""Signing in and out (session cookie, CSRF-checked forms), /api/v1/me and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from caremarket.web.accounts.account_store import AuditEvent
from caremarket.web.deps import (
    SESSION_COOKIE,
    AccountsDep,
    CouncilDep,
    StateDep,
    ViewerDep,
    session_id,
)
from caremarket.web.pages import check_csrf, render
from caremarket.web.responses import JSON, Body, json_bytes, send
from caremarket.web.schemas import AuditList, Me
from caremarket.web.sign_in_throttle import (
    DEVICE_COOKIE,
    DEVICE_DAYS,
    device_cookie,
    new_device,
    read_device,
    throttle_limits,
    throttled,
)
from caremarket.web.viewer import PUBLIC, Viewer

router = APIRouter(tags=["auth"])


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/signin", response_class=HTMLResponse, include_in_schema=False)
def signin_page(request: Request, state: StateDep, viewer: ViewerDep, next: str = "/") -> Response:
    """The sign-in form (or, where no accounts store is configured, a page saying so)."""
    if state.accounts is None:
        return not_set_up(request, state, status_code=200)
    return render(
        request, state, viewer, "signin.html", title="Sign in", next=safe_next(next), error=None
    )


def not_set_up(request: Request, state: StateDep, status_code: int = 503) -> Response:
    """The page that says this site has no accounts, so nobody signs in."""
    return render(
        request,
        state,
        PUBLIC,
        "signin_unavailable.html",
        title="Sign in is not set up",
        status_code=status_code,
    )


@router.post("/signin", include_in_schema=False)
def signin(
    request: Request,
    state: StateDep,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password, start a session and set its cookie; audit either way."""
    accounts = state.accounts
    if accounts is None:
        return not_set_up(request, state)
    if not check_csrf(request, state, csrf_token):
        raise HTTPException(403, "the form expired: reload the page and sign in again")
    settings = state.settings
    minutes = settings.sign_in_lockout_minutes
    device = read_device(request.cookies.get(DEVICE_COOKIE), state.signer)
    limits = throttle_limits(
        name,
        request.client.host if request.client else "unknown",
        device,
        per_account=settings.sign_in_attempts,
        per_address=settings.sign_in_attempts_per_address,
    )
    locked = throttled(limits, accounts.failures(list(limits), minutes))
    user = None if locked else accounts.verify_password(name, password)
    if user is None:
        if not locked:
            accounts.count_failure(list(limits), minutes)
            # Failures against names nobody has are only counted: they would fill the log.
            if accounts.has_user(name):
                accounts.audit(AuditEvent.SIGN_IN_FAILED, Viewer(name=name), {"name": name})
        error = (
            f"Too many failed attempts: try again in {minutes} minutes."
            if locked
            else "That name and password do not match."
        )
        return render(
            request,
            state,
            PUBLIC,
            "signin.html",
            title="Sign in",
            next=safe_next(next),
            error=error,
            status_code=429 if locked else 401,
        )
    accounts.forget_failures([key for key in limits if key.startswith("device:")])
    accounts.audit(AuditEvent.SIGN_IN, user.viewer(), {"via": "form"})
    secret = accounts.create_session(user, state.settings.session_hours)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        state.signer.dumps(secret, salt="session"),
        httponly=True,
        samesite="lax",
        secure=state.settings.secure_cookies,
        max_age=int(state.settings.session_hours * 3600),
    )
    response.set_cookie(
        DEVICE_COOKIE,
        device_cookie((device or new_device()).signed_in(user.name), state.signer),
        httponly=True,
        samesite="strict",
        secure=state.settings.secure_cookies,
        max_age=DEVICE_DAYS * 24 * 3600,
    )
    return response


@router.post("/signout", include_in_schema=False)
def signout(
    request: Request,
    state: StateDep,
    accounts: AccountsDep,
    viewer: ViewerDep,
    csrf_token: Annotated[str, Form(max_length=200)],
) -> Response:
    """End the session and clear its cookie."""
    if not check_csrf(request, state, csrf_token):
        raise HTTPException(403, "the form expired: reload the page")
    sid = session_id(request, state)
    if sid is not None:
        accounts.end_session(sid)
        accounts.audit(AuditEvent.SIGN_OUT, viewer, {})
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/api/v1/me", response_model=Me, tags=["auth"], summary="Who you are")
async def me(viewer: ViewerDep) -> dict[str, str | None]:
    """Your role (public, provider or council), name and provider id."""
    return {"role": viewer.role.value, "name": viewer.name, "provider_id": viewer.provider_id}


@router.get("/api/v1/audit", response_model=AuditList, tags=["auth"], summary="The audit log")
def audit_log(request: Request, accounts: AccountsDep, viewer: CouncilDep) -> Response:
    """The latest 200 sign-ins and views of personal data (council users only)."""
    entries = [
        {
            "at": e.at.isoformat(),
            "event": e.event.value,
            "user_name": e.user_name,
            "role": e.role,
            "detail": e.detail,
        }
        for e in accounts.audit_log(200)
    ]
    response = send(request, Body(json_bytes({"items": entries}), JSON), private=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response
