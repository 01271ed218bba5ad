"""The tool in Debian's chromium (Playwright): map, filters, figures, roles, accessibility.

Screenshots go to test-artifacts/web/ for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import PASSWORD, SENTINEL, Site

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


@pytest.fixture
def page(browser: Browser, live_url: str) -> Iterator[Page]:
    """A fresh browser context that fails the test on any request leaving the site."""
    context = browser.new_context(base_url=live_url, viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    context.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(live_url) else None
    )
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert not outside, f"requests left the site: {outside}"
    assert not errors, f"script errors: {errors}"


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot as a test artefact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, name: str) -> None:
    """Sign in through the form."""
    page.goto("/signin")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def wait_for_map(page: Page) -> None:
    """Wait until the map has drawn its areas and locations."""
    expect(page.locator("#map")).to_have_attribute("data-loading", "false", timeout=20_000)


def suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "w")


def test_map_filter_and_click_a_district(page: Page, site: Site) -> None:
    """The map draws districts and locations; filters and clicks show the API's figures."""
    page.goto("/")
    wait_for_map(page)
    expect(page.locator("path.leaflet-interactive")).not_to_have_count(0)
    assert page.locator("#areas-table tbody tr").count() == 7
    everything = int(page.locator("#map").get_attribute("data-locations") or 0)
    assert everything == site.public.get("/api/v1/map/locations").json()["metadata"]["count"]

    page.get_by_label("Sector").select_option("home_care")
    wait_for_map(page)
    home_care = int(page.locator("#map").get_attribute("data-locations") or 0)
    assert 0 < home_care < everything
    page.get_by_text(f"List the {home_care} locations shown").click()
    assert page.locator("#locations-list li").count() == home_care

    page.locator("#areas-table").get_by_role("button").nth(5).click()
    expect(page.locator("#area-name")).to_have_text("Norwich")
    shown = page.locator('[data-metric="locations"]').inner_text()
    api = site.public.get("/api/v1/areas/E07000148?sector=home_care").json()
    want = next(f for f in api["figures"] if f["metric"] == "locations")
    assert shown == ("*" if want["suppressed"] else f"{want['value']:,.0f}")
    shot(page, "map-home-care-norwich")

    # Clicking the shape on the map does the same as the table's button.
    page.locator("path.leaflet-interactive").first.dispatch_event("click")
    expect(page.locator("#area-name")).not_to_have_text("Norwich", timeout=20_000)


def test_date_slider_and_localities(page: Page) -> None:
    """The slider moves to an earlier release; localities replace districts."""
    page.goto("/")
    wait_for_map(page)
    page.locator("#level").select_option("locality")
    slider = page.locator("#release")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    slider.dispatch_event("change")
    wait_for_map(page)
    expect(page.locator("#release-label")).to_have_text("1 January 2026")
    expect(page.locator("#areas-caption")).to_contain_text("as at 1 January 2026")
    assert page.locator("#areas-table tbody tr").count() == 5
    shot(page, "map-localities-january")
    # A location's profile opens as at the release the slider shows.
    page.locator("#locations-summary").click()
    link = page.locator("#locations-list a").first
    assert (link.get_attribute("href") or "").endswith("?as_of=2026-01-01")
    link.click()
    expect(page.get_by_text("as at the CQC release of 1 January 2026")).to_be_visible()


def test_public_sees_no_council_pages(page: Page) -> None:
    """The public is sent to sign in for the interim care list and sees suppressed cells."""
    page.goto("/interim-care")
    assert page.url.endswith("/signin?next=/interim-care")
    page.goto("/dashboards/sector/care_home")
    expect(page.get_by_role("heading", level=1)).to_have_text("Care homes (all)")
    assert page.locator("svg[role=img]").count() >= 3
    assert SENTINEL not in page.content()
    shot(page, "dashboard-care-homes-public")


def test_provider_sees_its_own_and_not_the_councils(page: Page, site: Site) -> None:
    """A provider user sees its own location's council relationship but not the interim list."""
    sign_in(page, "provider-" + suffix())
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("(provider)")
    assert page.get_by_role("link", name="Interim care list").count() == 0
    page.goto("/")
    wait_for_map(page)
    mine = site.public.get(f"/api/v1/providers/{site.provider_id}").json()["provider"]
    assert page.locator("path.own-location").count() == mine["locations"]
    shot(page, "map-provider-own-locations")
    own = site.public.get(f"/api/v1/providers/{site.provider_id}").json()["locations"][0]
    page.goto(f"/locations/{own['location_id']}")
    expect(page.get_by_text("This is one of your locations.")).to_be_visible()
    expect(page.get_by_role("heading", name="With the council")).to_be_visible()
    shot(page, "location-profile-provider")
    page.get_by_role("link", name="Market signals").click()
    expect(page.locator("#signals-table tbody tr")).not_to_have_count(0)
    # The brokerage workflow by locality, its one small group hidden from a provider.
    expect(page.locator("#brokerage-signals tbody tr")).not_to_have_count(0)
    expect(page.locator("#brokerage-signals .suppressed").first).to_be_visible()
    shot(page, "signals-provider")
    response = page.goto("/interim-care")
    assert response is not None and response.status == 403
    assert SENTINEL not in page.content()


def test_council_sees_the_interim_care_list(page: Page) -> None:
    """A council user sees the interim care list, with people's ids."""
    sign_in(page, "council-" + suffix())
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("(council)")
    page.get_by_role("link", name="Interim care list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interim care list")
    assert SENTINEL in page.content()
    shot(page, "interim-care-council")
    page.goto("/dashboards/locality/North")
    expect(page.locator("#dashboard-table")).to_contain_text("Home care")
    shot(page, "dashboard-north-council")
    page.goto("/")
    wait_for_map(page)
    page.get_by_label("Shade areas by").select_option("hours_waiting")
    page.locator("#level").select_option("locality")
    wait_for_map(page)
    expect(page.locator("#areas-caption")).to_contain_text("hours per week")
    shot(page, "map-hours-waiting-council")


def test_public_map_offers_no_personal_metric(page: Page) -> None:
    """The public's map cannot be shaded by figures drawn from person-level records."""
    page.goto("/")
    offered = page.locator("#metric option").evaluate_all("els => els.map(e => e.value)")
    assert "beds" in offered and "hours_waiting" not in offered and "people_funded" not in offered


def test_keyboard_and_landmarks(page: Page) -> None:
    """The first Tab reaches the skip link; every form control has a label; one h1 per page."""
    for path in ("/", "/dashboards", "/dashboards/sector/home_care", "/signin"):
        page.goto(path)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link", path
        assert page.locator("h1").count() == 1, path
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('input:not([type=hidden]), select')]
                 .filter(e => !e.labels || e.labels.length === 0).map(e => e.id)"""
        )
        assert unlabelled == [], (path, unlabelled)
    page.goto("/")
    wait_for_map(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_api_docs_page_offline(page: Page) -> None:
    """Swagger UI renders from the site's own files."""
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/api/v1/metrics/{name}", exact=True).first).to_be_visible(
        timeout=20_000
    )
    shot(page, "api-docs")


CONTRAST = """
() => {
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const parse = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const worst = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest("svg, .leaflet-container") || !el.offsetParent) continue;
    const fg = lum(parse(getComputedStyle(el).color).slice(0, 3));
    const bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) worst.push([el.tagName, el.textContent.trim().slice(0, 40), ratio.toFixed(2)]);
  }
  return worst;
}
"""


def test_text_contrast(page: Page) -> None:
    """All page text (outside maps and charts) meets WCAG AA contrast, 4.5:1."""
    for path in ("/", "/dashboards/sector/care_home", "/signin"):
        page.goto(path)
        if path == "/":
            wait_for_map(page)
        assert page.evaluate(CONTRAST) == [], path


def test_council_quality_page(page: Page, site: Site) -> None:
    """A council user sees services ranked with reasons, filters them and opens a profile."""
    assert site.council.get("/api/v1/quality/risk").status_code == 200  # computed once, kept
    sign_in(page, "council-" + suffix())
    page.get_by_role("link", name="Quality early warning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality early warning")
    rows = page.locator("#quality-warning tbody tr")
    everything = rows.count()
    assert everything > 20
    first = rows.first
    expect(first.locator(".reasons li").first).not_to_be_empty()
    shown = [float(t.rstrip("%")) for t in page.get_by_test_id("probability").all_inner_texts()]
    assert shown == sorted(shown, reverse=True)
    shot(page, "quality-warning-council")
    page.get_by_label("Locality").select_option("North")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#quality-warning caption")).not_to_have_text(f"{everything} services")
    assert 0 < rows.count() < everything
    name = rows.first.locator("a").inner_text()
    rows.first.locator("a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_clicking_an_area_draws_no_box_over_the_map(page: Page) -> None:
    """A mouse click on a shape leaves no outline or shadow box on the map or the shape; the
    keyboard's focus on the map still shows (inside its edge)."""
    page.goto("/")
    wait_for_map(page)
    page.locator("path.leaflet-interactive").first.click(force=True)
    boxed = page.evaluate(
        """() => [document.querySelector('#map'), document.activeElement].map((e) => {
             const s = getComputedStyle(e);
             return [s.outlineStyle, s.boxShadow];
           })"""
    )
    assert all(style == "none" and shadow == "none" for style, shadow in boxed), boxed
    page.locator("#release").focus()
    page.keyboard.press("Tab")  # the next stop is the map (Leaflet makes it focusable)
    if page.evaluate("document.activeElement.id") == "map":
        ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert ring != "none"


def test_map_dots_take_the_declared_rating_colours(page: Page, site: Site) -> None:
    """Every location dot is filled with its rating's colour from the declared palette."""
    from caremarket.domain.palette import RATING_SWATCHES
    from caremarket.domain.rating import Rating

    page.goto("/")
    wait_for_map(page)
    fills = page.locator("path.leaflet-interactive[fill-opacity='1']").evaluate_all(
        "els => els.map(e => e.getAttribute('fill'))"
    )
    declared = {s.fill for s in RATING_SWATCHES.values()}
    assert fills and set(fills) <= declared
    assert RATING_SWATCHES[Rating.GOOD].fill in fills


def test_chart_labels_are_not_cut(page: Page) -> None:
    """Every text in every dashboard chart lies inside its chart (no cut axis labels)."""
    page.goto("/dashboards/sector/care_home")
    cut = page.evaluate(
        """() => [...document.querySelectorAll('figure svg')].flatMap((svg) => {
             const box = svg.getBoundingClientRect();
             return [...svg.querySelectorAll('text')].filter((t) => {
               const r = t.getBoundingClientRect();
               return r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5);
             }).map((t) => t.textContent);
           })"""
    )
    assert cut == []
    assert page.get_by_text("Requires improvement", exact=True).count() >= 1


def test_lincolnshire_map_says_why_no_location_is_drawn(
    browser: Browser, lincolnshire_url: str
) -> None:
    """On the real Lincolnshire sample (no coordinates), the map shades areas by the rated-good
    rate and says why no location is drawn and what to load."""
    context = browser.new_context(
        base_url=lincolnshire_url, viewport={"width": 1280, "height": 900}
    )
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.goto("/")
    wait_for_map(opened)
    expect(opened.locator("#map-empty")).to_be_visible()
    expect(opened.locator("#map-empty")).to_contain_text("coordinates")
    assert opened.locator("#metric").input_value() == "pct_good_or_outstanding"
    values = opened.locator("#areas-table tbody td:nth-child(2)").all_inner_texts()
    assert values and all(v.endswith("%") for v in values)
    shot(opened, "map-lincolnshire")
    assert opened.get_by_role("link", name="Sign in").count() == 0
    context.close()
    assert errors == []
