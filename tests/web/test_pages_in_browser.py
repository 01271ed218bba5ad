"""Every web page, for every role, in Debian's chromium: axe-core, the console and a phone's width.

One browser and one page per role walk every HTML route the app declares
(path parameters filled with real values), so the check stays fast.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
from playwright.sync_api import Browser, ConsoleMessage, Page

from caremarket.web.viewer import Role

from .conftest import Site, app_routes

PHONE = 390
BLOCKING = {"serious", "critical"}
# CAREMARKET_SCREENSHOTS=1: every page, each role, both widths, to test-artifacts/web/pages.
SHOTS = (
    Path(__file__).resolve().parents[2] / "test-artifacts" / "web" / "pages"
    if os.environ.get("CAREMARKET_SCREENSHOTS")
    else None
)


def slug(url: str) -> str:
    """A file name for a page's address."""
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "map"


def page_urls(app: FastAPI, provider_id: str | None = None) -> list[str]:
    """Every GET route that answers a page (not the API, not a static file), filled in."""
    market = app.state.caremarket.market
    snap = market.snapshot()
    locations = snap.locations
    if provider_id is not None:
        locations = locations.filter(locations["provider_id"] == provider_id)
    localities = snap.gathered.inputs.districts["locality"].drop_nulls().unique().sort()
    samples = {
        "location_id": [locations["location_id"][0]],
        "sector": ["care_home", "home_care"],
        "locality": localities.head(1).to_list(),
        "design": ["design-2"],
        "request_id": ["1"],
    }
    urls: list[str] = []
    for path, methods, _ in app_routes(list(app.routes)):
        if "GET" not in methods or path.startswith(("/static", "/api/")) or "." in path:
            continue
        found = [path]
        for whole, name in re.findall(r"({(\w+)(?::\w+)?})", path):
            found = [u.replace(whole, v) for u in found for v in samples[name]]
        urls += found
    return [*sorted(set(urls)), "/api/v1/docs", "/interim-care?sort=hours_per_week&order=asc"]


@dataclass
class Walk:
    """What the walk saw on every page."""

    violations: list[tuple[str, str, str, int]] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    overflow: list[tuple[str, int]] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


def walk(
    browser: Browser, live_url: str, urls: list[str], name: str, headers: dict[str, str]
) -> Walk:
    """Open every page (as the headers' user, `name` in screenshots); run axe at 1280 px and
    measure the width at 390 px."""
    context = browser.new_context(
        base_url=live_url, viewport={"width": 1280, "height": 900}, extra_http_headers=headers
    )
    page: Page = context.new_page()
    seen = Walk()
    current = {"url": ""}

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.console.append((current["url"], message.text))

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.console.append((current["url"], str(error))))
    axe = Axe()
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
    for url in urls:
        current["url"] = url
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(url)
        status = response.status if response is not None else 0
        seen.statuses[url] = status
        # A page a role may not see answers 403 on purpose, and chromium logs that status.
        seen.console = [
            (at, text)
            for at, text in seen.console
            if not (at == url and status >= 400 and f"status of {status}" in text)
        ]
        if page.locator("#map").count():
            page.wait_for_selector("#map[data-loading=false]", timeout=20_000)
        if url.startswith("/api/v1/docs"):
            page.wait_for_selector(".opblock", timeout=20_000)  # Swagger UI has drawn
        results = axe.run(page)
        for violation in results.response["violations"]:
            seen.violations.append(
                (url, violation["impact"], violation["id"], len(violation["nodes"]))
            )
        if SHOTS:
            page.screenshot(path=str(SHOTS / f"{name}-{slug(url)}-1280.png"), full_page=True)
        page.set_viewport_size({"width": PHONE, "height": 800})
        width = int(page.evaluate("document.documentElement.scrollWidth"))
        if width > PHONE:
            seen.overflow.append((url, width))
        if SHOTS:
            page.screenshot(path=str(SHOTS / f"{name}-{slug(url)}-{PHONE}.png"), full_page=True)
    context.close()
    return seen


def check(seen: Walk) -> None:
    """No serious or critical axe violation, no console error, nothing wider than a phone."""
    blocking = [v for v in seen.violations if v[1] in BLOCKING]
    counts = Counter(v[1] for v in seen.violations)
    assert not blocking, (dict(counts), blocking)
    assert seen.console == []
    assert seen.overflow == []


# One test per role (not one per check): each walk runs once, whichever worker runs it.
@pytest.mark.parametrize("role", [Role.PUBLIC, Role.PROVIDER, Role.COUNCIL])
def test_every_page_passes_axe_logs_no_error_and_fits_a_phone(
    role: Role, browser: Browser, live_url: str, site: Site
) -> None:
    """Every page, for the role: no serious/critical axe-core violation, no console error or
    script error (CSP blocks, missing files), no sideways scrolling at 390 px."""
    headers = {}
    if role is not Role.PUBLIC:
        headers["Authorization"] = str(site.client(role).headers["Authorization"])
    check(walk(browser, live_url, page_urls(site.app, site.provider_id), role.value, headers))


def test_every_page_on_a_real_sample_passes(
    browser: Browser, lincolnshire_url: str, lincolnshire: FastAPI
) -> None:
    """The same on the real Lincolnshire sample, served without an accounts store."""
    check(walk(browser, lincolnshire_url, page_urls(lincolnshire), "lincolnshire", {}))
