"""`create_app(settings, store)`: the Care Market Intelligence Tool as an ASGI app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from itsdangerous import URLSafeSerializer
from starlette.exceptions import HTTPException as StarletteHTTPException

from caremarket.domain.area import find_council
from caremarket.store.store import Store
from caremarket.web.accounts.account_store import AccountStore
from caremarket.web.headers import SecurityHeaders
from caremarket.web.live import BindVersion, LiveStore
from caremarket.web.pages import render
from caremarket.web.routers import (
    api_docs,
    areas,
    auth,
    brokerage,
    brokerage_pages,
    dashboards,
    history,
    interim_care,
    locations,
    map,
    metrics,
    outcomes,
    palette,
    providers,
    quality,
    releases,
    signals,
    zones,
)
from caremarket.web.settings import WebSettings
from caremarket.web.state import STATIC, TEMPLATES, AppState, TokenCache
from caremarket.web.viewer import PUBLIC

if TYPE_CHECKING:
    from caremarket.brokerage.workflow.desk import Desk
    from caremarket.brokerage.workflow.fit_seam import FitRanker

API_DESCRIPTION = """Figures about an English council's adult social care market: areas,
care locations, providers, metrics by area, sector, client group and date, and the
releases they came from. Anyone may read aggregates (small numbers suppressed);
provider and council users send `Authorization: Bearer TOKEN` (`caremarket users token`).
Lists are paged (`limit`, `offset`); every response has an ETag for `If-None-Match`."""


def _problem(error: Any) -> str:
    """One validation error in words: which parameter, what was given, what is expected."""
    where = ".".join(str(p) for p in error.get("loc", ())[1:]) or "the address"
    given = error.get("input")
    shown = "" if given is None or isinstance(given, dict) else f" (given {str(given)[:80]!r})"
    return f"{where}{shown}: {error.get('msg', 'not valid')}"


def create_app(
    settings: WebSettings,
    store: Store,
    accounts: AccountStore | None = None,
    *,
    follow: Path | None = None,
    desk: Desk | None = None,
    fit: FitRanker | None = None,
) -> FastAPI:
    """Build the app over a store; accounts from `accounts`, else `settings.accounts_url`.

    With `follow` (the store's file), newer versions of that file published by
    loads are picked up between requests (see caremarket.web.live).

    The brokerage desk (`desk`) defaults to the brokerage workflow in the accounts
    database when `settings.accounts_url` is given, asking `fit` where a package
    fits (else the page says the ranking is not computed).

    Whoever built the app closes the account store (`app.state.caremarket.accounts`)
    and the desk (`app.state.caremarket.brokerage`) when done: the app may start and
    stop many times (tests do) and never closes them.
    """
    council = find_council(settings.council)
    if council is None:
        raise ValueError(f"no English council called {settings.council!r}")
    if accounts is None and settings.accounts_url:
        # Imported here: psycopg is only needed when accounts are configured.
        from caremarket.web.accounts.postgres import PostgresAccountStore

        accounts = PostgresAccountStore(settings.accounts_url)
    if desk is None and settings.accounts_url:
        # Imported here: the workflow's PostgreSQL store is only needed when configured.
        from caremarket.brokerage.workflow.desk import Desk
        from caremarket.brokerage.workflow.postgres import WorkflowStore

        desk = Desk(WorkflowStore(settings.accounts_url))
        if fit is not None:
            desk.fit = fit
    state = AppState(
        settings=settings,
        live=LiveStore(store, council, settings.response_cache_size, follow=follow),
        accounts=accounts,
        templates=Jinja2Templates(directory=TEMPLATES),
        tokens=TokenCache(settings.token_cache_seconds),
        signer=URLSafeSerializer(settings.secret_key),
        brokerage=desk,
    )

    app = FastAPIOffline(
        title="caremarket: Care Market Intelligence Tool",
        description=API_DESCRIPTION,
        version="1",
        docs_url=None,  # api_docs serves it, made accessible
        redoc_url=None,
        openapi_url=api_docs.OPENAPI_PATH,
        static_url=api_docs.DOCS_STATIC,
    )
    app.state.caremarket = state
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        map,
        areas,
        locations,
        providers,
        metrics,
        releases,
        dashboards,
        history,
        signals,
        outcomes,
        interim_care,
        quality,
        zones,
        brokerage,
        brokerage_pages,
        auth,
        palette,
        api_docs,
    ):
        app.include_router(module.router)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        """The site's icon (an SVG: browsers asking /favicon.ico take it)."""
        return FileResponse(
            STATIC / "favicon.svg",
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.exception_handler(StarletteHTTPException)
    async def page_errors(request: Request, error: StarletteHTTPException) -> Response:
        """API errors as JSON; page errors as a page (401: the sign-in form)."""
        if request.url.path.startswith("/api/") or request.method != "GET":
            return await http_exception_handler(request, error)
        if error.status_code == 401:
            return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
        viewer = getattr(request.state, "viewer", PUBLIC)
        return render(
            request,
            state,
            viewer,
            "error.html",
            title="Not available",
            status_code=error.status_code,
            message=str(error.detail),
        )

    @app.exception_handler(RequestValidationError)
    async def page_validation(request: Request, error: RequestValidationError) -> Response:
        """API: FastAPI's 422 JSON. Pages: a page saying which parameter was wrong, and how."""
        if request.url.path.startswith("/api/") or request.method != "GET":
            return await request_validation_exception_handler(request, error)
        viewer = getattr(request.state, "viewer", PUBLIC)
        return render(
            request,
            state,
            viewer,
            "error.html",
            title="Not available",
            status_code=422,
            heading="This address asks for something the page does not have",
            message="This page cannot be shown with the address given.",
            problems=[_problem(e) for e in error.errors()],
        )

    app.add_middleware(BindVersion, live=state.live)
    app.add_middleware(SecurityHeaders, docs_path=api_docs.DOCS_PATH, hsts=settings.secure_cookies)
    return app
