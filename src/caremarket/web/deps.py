"""Request dependencies, as `Annotated` aliases: the state, the viewer, role checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature
from starlette.concurrency import run_in_threadpool

from caremarket.web.accounts.account_store import AccountStore
from caremarket.web.market import Market
from caremarket.web.state import AppState
from caremarket.web.viewer import PUBLIC, Role, Viewer

SESSION_COOKIE = "cm_session"
CSRF_COOKIE = "cm_csrf"


async def get_state(request: Request) -> AppState:
    """The app's state."""
    state: AppState = request.app.state.caremarket
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_market(state: StateDep) -> Market:
    """The council's market."""
    return state.market


MarketDep = Annotated[Market, Depends(get_market)]


async def get_accounts(state: StateDep) -> AccountStore:
    """The account store (503 when the tool runs without one)."""
    if state.accounts is None:
        raise HTTPException(503, "accounts are not configured: start with --accounts-url")
    return state.accounts


AccountsDep = Annotated[AccountStore, Depends(get_accounts)]


def session_id(request: Request, state: AppState) -> str | None:
    """The session id from the signed session cookie, if valid."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        value = state.signer.loads(cookie, salt="session")
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


async def get_viewer(request: Request, state: StateDep) -> Viewer:
    """Who is asking: a bearer token, else a session cookie, else the public.

    Async so a public request never waits for a worker thread; look-ups that
    reach PostgreSQL run in one.
    """
    cached: Viewer | None = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    viewer = PUBLIC
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token or state.accounts is None:
            raise HTTPException(401, "unknown bearer token", {"WWW-Authenticate": "Bearer"})
        known, user = state.tokens.get(token)
        if not known:
            user = await run_in_threadpool(state.accounts.token_user, token)
            state.tokens.put(token, user)
        if user is None:
            raise HTTPException(401, "unknown bearer token", {"WWW-Authenticate": "Bearer"})
        viewer = user.viewer()
    elif state.accounts is not None:
        sid = session_id(request, state)
        if sid is not None:
            user = await run_in_threadpool(state.accounts.session_user, sid)
            viewer = user.viewer() if user is not None else PUBLIC
    request.state.viewer = viewer
    return viewer


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


async def require_council(viewer: ViewerDep) -> Viewer:
    """The viewer, if a council user (403 otherwise, 401 for the public)."""
    if viewer.role is Role.PUBLIC:
        raise HTTPException(401, "sign in as a council user to see this")
    if not viewer.is_council:
        raise HTTPException(403, "only council users may see this")
    return viewer


CouncilDep = Annotated[Viewer, Depends(require_council)]


async def require_provider_or_council(viewer: ViewerDep) -> Viewer:
    """The viewer, if a provider or council user."""
    if viewer.role is Role.PUBLIC:
        raise HTTPException(401, "sign in as a provider or council user to see this")
    return viewer


SignedInDep = Annotated[Viewer, Depends(require_provider_or_council)]
