"""The web pages' content: one palette, charts that read well, the location profile, the
interim care list's paging and sorting, sign-in only where accounts exist, readable errors."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from caremarket.domain.client_group import CLIENT_GROUP_LABELS
from caremarket.domain.palette import AREA_RAMP, RATING_SWATCHES
from caremarket.metrics import METRICS
from caremarket.store.duckdb_store import DuckDBStore
from caremarket.web import charts
from caremarket.web.app import create_app
from caremarket.web.settings import WebSettings
from caremarket.web.state import STATIC

from .conftest import Site

HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_palette_css_is_the_declared_palette(site: Site) -> None:
    """/palette.css gives every declared rating fill and ink and the area ramp, nothing else."""
    css = site.public.get("/palette.css").text
    for rating, swatch in RATING_SWATCHES.items():
        assert f"--rating-{rating.value}-fill: {swatch.fill};" in css
        assert f"--rating-{rating.value}-ink: {swatch.ink};" in css
    assert all(f": {s.fill};" in css for s in AREA_RAMP)


def test_no_rating_or_area_colour_written_in_scripts_or_styles() -> None:
    """The map's script declares no colour; the style sheet takes rating colours from variables."""
    assert HEX.findall((STATIC / "map.js").read_text()) == []
    declared = {s.fill.lower() for s in RATING_SWATCHES.values()} | {
        s.fill.lower() for s in AREA_RAMP
    }
    css = (STATIC / "app.css").read_text().lower()
    assert not declared & set(HEX.findall(css))
    assert ".rating-good { background: var(--rating-good-fill); color: var(--rating-good-ink)" in (
        css
    )


def test_map_page_hands_the_palette_to_the_script(site: Site) -> None:
    """The map page carries the declared rating fills for its script, and no inline handler."""
    page = site.public.get("/").text
    assert "onsubmit" not in page and "onclick" not in page
    for swatch in RATING_SWATCHES.values():
        assert swatch.fill in page


def test_rating_chart_uses_declared_colours_and_whole_labels() -> None:
    """The ratings chart fills bars with the declared colours and prints whole rating names."""
    counts = {r.value: float(i + 1) for i, r in enumerate(RATING_SWATCHES)}
    svg = charts.ratings(counts, "Locations by CQC overall rating")
    for swatch in RATING_SWATCHES.values():
        assert swatch.fill.lower() in svg.lower()
    assert ">Requires improvement<" in svg


def test_trend_has_one_tick_per_release_named_by_month() -> None:
    """A trend's time axis has one label per release, "Jan 2026", and none in between."""
    points = [
        {"as_of": f"2026-0{m}-01", "value": v, "n": 10}
        for m, v in zip(range(1, 7), [300, 301, 300, 300, 296, 294], strict=True)
    ]
    svg = charts.trend(points, METRICS["locations"], "Locations at each release")
    labels = re.findall(r">((?:Jan|Feb|Mar|Apr|May|Jun|Jul) 2026)<", svg)
    assert labels == ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "May 2026", "Jun 2026"]
    assert "Jan 04" not in svg and "February" not in svg


def test_trend_says_when_its_axis_does_not_start_at_zero() -> None:
    """A value axis that starts above zero says so in the chart and its accessible name."""
    points = [{"as_of": f"2026-0{m}-01", "value": 82.0 + m / 2, "n": 10} for m in range(1, 5)]
    svg = charts.trend(points, METRICS["pct_good_or_outstanding"], "Rated good at each release")
    assert "not at 0" in svg
    assert re.search(r'aria-label="[^"]*not at 0', svg)
    flat = charts.trend(
        [
            {"as_of": "2026-01-01", "value": 5.0, "n": 9},
            {"as_of": "2026-02-01", "value": 1.0, "n": 9},
        ],
        METRICS["pct_good_or_outstanding"],
        "t",
    )
    assert "not at 0" not in flat


def test_release_labels_tell_two_releases_in_a_month_apart() -> None:
    """Two releases in one month are labelled by day; a month's only release by month."""
    labels = charts.release_labels([date(2026, 1, 4), date(2026, 1, 18), date(2026, 2, 1)])
    assert labels == ["4 Jan 2026", "18 Jan 2026", "Feb 2026"]


def test_location_profile_in_words(site: Site) -> None:
    """The profile gives address, registration date, linked provider, services and client groups
    in words, beds, the CQC page and key-question ratings."""
    market = site.app.state.caremarket.market
    locations = market.snapshot().locations
    home = locations.filter(locations["care_home"])["location_id"][0]
    page = site.public.get(f"/locations/{home}").text
    assert f'href="https://www.cqc.org.uk/location/{home}"' in page
    assert 'data-testid="provider-link"' in page
    address = re.search(r'data-testid="address">([^<]+)<', page)
    assert address and re.search(r"[A-Z]{1,2}\d", address.group(1))
    registered = re.search(r'data-testid="registered">([^<]+)<', page)
    assert registered and re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", registered.group(1))
    services = re.search(r'data-testid="services">(.*?)</dd>', page, re.S)
    assert services and "Care home" in services.group(1) and "_" not in services.group(1)
    groups = re.search(r'data-testid="client-groups">(.*?)</dd>', page, re.S)
    assert groups and "_" not in groups.group(1)
    assert any(label in groups.group(1) for label in CLIENT_GROUP_LABELS.values())
    beds = re.search(r'data-testid="beds">([^<]+)<', page)
    assert beds and beds.group(1).replace(",", "").isdigit()
    assert 'id="key-questions"' in page and "Well-led" in page


def test_location_profile_follows_the_date(site: Site) -> None:
    """As at an earlier release, the profile names that release and leaves out later ratings."""
    market = site.app.state.caremarket.market
    first = market.release_dates()[0]
    location = market.snapshot(first).locations["location_id"][0]
    page = site.public.get(f"/locations/{location}?as_of={first.isoformat()}").text
    assert f"as at the CQC release of {first.day} {first.strftime('%B %Y')}" in page
    body = site.public.get(f"/api/v1/locations/{location}?as_of={first.isoformat()}").json()
    assert all(
        r["publication_date"] is None or r["publication_date"] <= first.isoformat()
        for r in body["ratings"]
    )


def test_location_profile_says_what_the_release_cannot_tell(lincolnshire: FastAPI) -> None:
    """On CQC Latest ratings (no beds, client groups or registration dates) each is "Not known"
    with the reason, never 0 or blank."""
    client = TestClient(lincolnshire)
    location = lincolnshire.state.caremarket.market.snapshot().locations["location_id"][0]
    page = client.get(f"/locations/{location}").text
    for field in ("beds", "client-groups", "registered"):
        cell = re.search(rf'data-testid="{field}">(.*?)</dd>', page, re.S)
        assert cell and "Not known" in cell.group(1) and "load a CQC" in cell.group(1), field


def test_map_layers_say_why_they_are_empty(lincolnshire: FastAPI) -> None:
    """With no coordinates in the release, the locations layer says so and what to load."""
    client = TestClient(lincolnshire)
    points = client.get("/api/v1/map/locations").json()["metadata"]
    assert points["count"] == 0 and points["total"] > 0
    assert "coordinates" in points["empty_reason"] and "load a CQC" in points["empty_reason"]
    beds = client.get("/api/v1/map/areas?metric=beds").json()["metadata"]
    assert beds["empty_reason"] and "not known" in beds["empty_reason"]
    rated = client.get("/api/v1/map/areas?metric=pct_good_or_outstanding").json()
    assert rated["metadata"]["empty_reason"] is None
    assert any(f["properties"]["value"] is not None for f in rated["features"])


def test_map_defaults_to_a_rate_every_release_gives(site: Site, lincolnshire: FastAPI) -> None:
    """The map opens on % good or outstanding, on a full directory and on Latest ratings."""
    for page in (site.public.get("/").text, TestClient(lincolnshire).get("/").text):
        chosen = re.search(r'<option value="([a-z_0-9]+)"[^>]*selected>', page)
        assert chosen and chosen.group(1) == "pct_good_or_outstanding"


def test_interim_care_page_headers_paging_and_sorting(site: Site) -> None:
    """The list has headers in words, 25 rows a page with a next link, and sorts on the server."""
    page = site.council.get("/interim-care").text
    assert "Days waiting" in page and "Added to the list" in page
    assert "hours_per_week" not in re.sub(r'href="[^"]*"', "", page)
    assert page.count("<tr>") - 1 <= 25 and 'rel="next"' in page
    ascending = site.council.get("/interim-care?sort=hours_per_week&order=asc&per_page=100").text
    rows = re.findall(r"<tr>(.*?)</tr>", ascending, re.S)[1:]
    hours = [float(re.findall(r"<td[^>]*>([^<]*)</td>", r)[3].replace(",", "")) for r in rows]
    assert hours and hours == sorted(hours)
    assert 'aria-sort="ascending"' in ascending


@pytest.mark.parametrize(
    "query",
    [
        "sort=person_id;drop",
        "order=sideways",
        "page=0",
        "page=abc",
        "per_page=7",
        "as_of=2026-99-01",
    ],
)
def test_interim_care_page_refuses_hostile_parameters(site: Site, query: str) -> None:
    """A wrong parameter gives a readable 422 page naming it, never a traceback or JSON."""
    response = site.council.get(f"/interim-care?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text and query.split("=")[0] in response.text


def test_sign_in_only_with_an_accounts_store(demo_db: Path) -> None:
    """Without accounts no page offers sign-in, and /signin says so in a page (not JSON)."""
    with DuckDBStore(demo_db, read_only=True) as store:
        client = TestClient(create_app(WebSettings(secret_key="s"), store))
        assert 'href="/signin"' not in client.get("/").text
        page = client.get("/signin")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "Sign in is not set up here" in page.text and 'name="password"' not in page.text
        posted = client.post("/signin", data={"name": "a", "password": "b", "csrf_token": "c"})
        assert posted.status_code == 503 and "not set up" in posted.text


def test_sign_in_link_with_an_accounts_store(site: Site) -> None:
    """With accounts, the public view offers the sign-in link and /signin the form."""
    assert 'href="/signin"' in site.public.get("/").text
    assert 'name="password"' in site.public.get("/signin").text


def test_favicon_is_served(site: Site) -> None:
    """/favicon.ico answers an icon, and every page links it."""
    icon = site.public.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/")
    assert 'rel="icon" href="/favicon.ico"' in site.public.get("/dashboards").text
