"""A broker and two providers in Debian's chromium: request -> offer -> award -> hand-back ->
re-award, through the pages alone."""

from __future__ import annotations

import os
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from caremarket.web.viewer import Role

from .conftest import PASSWORD, Site

OTHER = "1-999000002"


def _as(browser: Browser, live_url: str, token: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        base_url=live_url, extra_http_headers={"Authorization": f"Bearer {token}"}
    )
    return context, context.new_page()


def _declare_and_offer(page: Page, request_id: str, rate: str) -> None:
    page.goto("/brokerage/portal")
    page.select_option("#kind", "home_care_hours")
    page.fill("#area", "NR1")
    page.fill("#amount", "15")
    page.click("text=Declare capacity")
    expect(page.get_by_test_id("done")).to_have_text("Capacity declared.")
    page.fill(f"#rate-{request_id}", rate)
    page.click(f"text=Offer for request {request_id}")
    expect(page.get_by_test_id("done")).to_have_text("Offer sent.")


def test_broker_and_two_providers_through_the_pages(
    browser: Browser, live_url: str, site: Site
) -> None:
    """Request opened, two offers, award, hand-back with reason, reopen, re-award to the other."""
    desk = site.app.state.caremarket.brokerage
    desk.store.register_provider(OTHER, "Second Care Ltd", districts=["NR1"], rating="good")
    suffix = os.environ.get("PYTEST_XDIST_WORKER", "w")
    other_user = f"provider-two-{suffix}"
    if not site.accounts.has_user(other_user):
        site.accounts.add_user(other_user, PASSWORD, Role.PROVIDER, OTHER)
    tokens = {
        "council": site.accounts.create_token(f"council-{suffix}", "browser"),
        "first": site.accounts.create_token(f"provider-{suffix}", "browser"),
        "second": site.accounts.create_token(other_user, "browser"),
    }
    contexts = {who: _as(browser, live_url, token) for who, token in tokens.items()}
    broker, first, second = (contexts[w][1] for w in ("council", "first", "second"))

    broker.goto("/brokerage")
    broker.fill("#postcode_district", "nr1")
    broker.fill("#hours_per_week", "10.5")
    broker.fill("#zone", "Browser zone")
    broker.fill("#usual_rate_gbp_per_hour", "25")
    broker.get_by_label("Morning").check()
    broker.fill("#minutes_morning", "60")
    broker.check("#double_morning")
    broker.get_by_label("Tea").check()
    broker.fill("#minutes_tea", "30")
    broker.uncheck("#day_sun")
    broker.fill("#skills", "dementia, catheter care")
    broker.select_option("#funding", "direct_payment")
    broker.click("text=Open request")
    expect(broker.get_by_test_id("done")).to_have_text("Request opened.")
    # The pattern is what the broker ticked, never a default one.
    week = "Mon Tue Wed Thu Fri Sat"
    expect(broker.locator("#need")).to_contain_text(
        f"morning (60 min, two carers, {week}); tea (30 min, {week})"
    )
    expect(broker.locator("#need")).to_contain_text("Direct payment")
    expect(broker.locator("#need")).to_contain_text("dementia, catheter care")
    request_id = re.search(r"/brokerage/requests/(\d+)", broker.url).group(1)  # type: ignore[union-attr]

    _declare_and_offer(first, request_id, "26.40")
    _declare_and_offer(second, request_id, "24.10")

    broker.reload()
    expect(broker.locator("#offers tbody tr")).to_have_count(2)
    expect(broker.locator("#offers")).to_contain_text("+1.40 (+6%)")
    expect(broker.locator("#fit")).to_contain_text("not computed")
    broker.click("text=Award to Demo provider")
    expect(broker.get_by_test_id("state")).to_have_text("awarded")

    first.goto("/brokerage/portal")
    first.get_by_label("Why hand it back").fill("Carer left the area")
    first.click(f"text=Hand back request {request_id}")
    expect(first.get_by_test_id("done")).to_have_text("Package handed back.")

    broker.goto(f"/brokerage/requests/{request_id}")
    expect(broker.get_by_test_id("state")).to_have_text("handed back")
    broker.click("text=Reopen to offers")
    expect(broker.get_by_test_id("state")).to_have_text("open")

    second.goto("/brokerage/portal")
    second.fill(f"#rate-{request_id}", "24.50")
    second.click(f"text=Offer for request {request_id}")
    expect(second.get_by_test_id("done")).to_have_text("Offer sent.")

    broker.reload()
    broker.click("text=Award to Second Care Ltd")
    expect(broker.get_by_test_id("state")).to_have_text("awarded")
    trail = broker.locator("#audit").inner_text()
    assert trail.count("\taward\t") == 2 and "hand back" in trail and "Carer left the area" in trail
    second.goto("/brokerage/portal")
    expect(second.locator(f"#award-{0}".replace("0", "") + "")).to_have_count(0)
    expect(second.get_by_role("heading", name=re.compile(f"Request {request_id}:"))).to_have_count(
        1
    )
    for page in (second, broker):
        _accessible_and_narrow(page)
    for context, _ in contexts.values():
        context.close()


def _accessible_and_narrow(page: Page) -> None:
    """No serious or critical axe-core violation; nothing wider than a 390 px phone."""
    found = Axe().run(page).response["violations"]
    assert not [v["id"] for v in found if v["impact"] in ("serious", "critical")], page.url
    page.set_viewport_size({"width": 390, "height": 800})
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390, page.url
