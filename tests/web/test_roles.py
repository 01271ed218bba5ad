"""Every route, for every role: what each may see, and that no personal data leaves the council."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from caremarket.metrics import METRICS
from caremarket.web.viewer import Role

from .conftest import SENTINEL, Site, app_routes

PERSONAL = sorted(name for name, m in METRICS.items() if m.personal)
PUBLIC_METRIC = "beds"


def _samples(site: Site) -> dict[str, list[str]]:
    """Values to put in each path parameter: ordinary and personal where it matters."""
    market = site.app.state.caremarket.market
    location = market.snapshot().locations.filter(
        market.snapshot().locations["provider_id"] == site.provider_id
    )["location_id"][0]
    return {
        "name": [PUBLIC_METRIC, *PERSONAL],
        "area_code": ["E10000020", "E07000148", "West"],
        "location_id": [location],
        "provider_id": [site.provider_id],
        "sector": ["home_care"],
        "locality": ["North"],
        "design": ["design-2", "no-such-design"],
        "request_id": ["1"],
        "review_id": ["1"],
    }


def _urls(site: Site, method: str = "GET") -> list[str]:
    """Every route of the app for a method, with its path parameters filled in every sample way."""
    samples = _samples(site)
    urls: list[str] = []
    for path, methods, _ in app_routes(list(site.app.routes)):
        if method not in methods or path.startswith("/static"):
            continue
        found = [path]
        for field, name in re.findall(r"({(\w+)(?::\w+)?})", path):
            found = [u.replace(field, v) for u in found for v in samples[name]]
        urls += found
    return urls


def test_every_api_route_is_covered(site: Site) -> None:
    """The route list the matrix walks includes every API route the app declares."""
    declared = {
        path for path, _, route in app_routes(list(site.app.routes)) if isinstance(route, APIRoute)
    }
    assert len(declared) >= 25, f"the walk finds every router's routes, not {len(declared)}"
    walked = set()
    for url in _urls(site) + _urls(site, "POST"):
        for path in declared:
            if re.fullmatch(re.sub(r"{\w+(?::\w+)?}", r"[^/]+", path), url):
                walked.add(path)
    assert declared - walked <= {"/signin", "/signout"}, declared - walked


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.PROVIDER])
def test_no_personal_data_outside_the_council(site: Site, role: Role) -> None:
    """No public or provider response, on any route, holds a person's id or a personal metric."""
    client = site.client(role)
    for url in _urls(site):
        response = client.get(url, follow_redirects=False)
        assert response.status_code < 500, url
        body = response.text
        assert SENTINEL not in body, url
        if response.status_code == 200:
            for name in PERSONAL:
                assert f'"{name}"' not in body and f"/{name}?" not in body, (url, name)


@pytest.mark.parametrize(("role", "status"), [(Role.PUBLIC, 401), (Role.PROVIDER, 403)])
def test_brokers_changes_are_refused_to_others(site: Site, role: Role, status: int) -> None:
    """Every brokerage change is refused to the public (401); those for brokers to providers."""
    council_only = ("/requests", "/award", "/withdraw", "/reopen", "/decision")
    for url in _urls(site, "POST"):
        if not url.startswith("/api/v1/brokerage/"):
            continue
        response = site.client(role).post(url, json={})
        assert SENTINEL not in response.text, url
        if role is Role.PUBLIC or url.endswith(council_only):
            assert response.status_code == status, (url, response.status_code)
        else:
            assert response.status_code in (403, 404, 409, 422), (url, response.status_code)


def test_council_sees_personal_data(site: Site) -> None:
    """Council users get the interim care list and personal metrics, and every view is audited."""
    before = len(site.accounts.audit_log(1000))
    listing = site.council.get("/api/v1/interim-care").json()
    assert listing["items"] and listing["items"][0]["person_id"].startswith(SENTINEL)
    waiting = site.council.get("/api/v1/metrics/people_waiting?level=locality&limit=1000").json()
    assert not waiting["missing"] and waiting["items"]
    assert "People waiting" in site.council.get("/dashboards/sector/home_care").text
    after = site.accounts.audit_log(1000)
    viewed = [e for e in after[: len(after) - before] if e.event == "personal_data_viewed"]
    assert {e.detail["what"] for e in viewed} >= {"interim care list", "metric", "dashboard"}
    assert all(e.role == "council" for e in viewed)


@pytest.mark.parametrize(
    ("role", "status"), [(Role.PUBLIC, 401), (Role.PROVIDER, 403), (Role.COUNCIL, 200)]
)
def test_interim_care_list_is_council_only(site: Site, role: Role, status: int) -> None:
    """Only council users may read the interim care list."""
    assert site.client(role).get("/api/v1/interim-care").status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [(Role.PUBLIC, 401), (Role.PROVIDER, 200), (Role.COUNCIL, 200)]
)
def test_market_signals_are_for_providers_and_council(site: Site, role: Role, status: int) -> None:
    """Market signals are for signed-in providers and the council."""
    response = site.client(role).get("/api/v1/signals")
    assert response.status_code == status
    if status == 200:
        items = response.json()["items"]
        assert items and all(r["locations"] is None for r in items if r["suppressed"])


def test_catalogue_differs_by_role(site: Site) -> None:
    """Personal metrics are listed for the council only."""
    public = {m["name"] for m in site.public.get("/api/v1/metrics").json()["items"]}
    provider = {m["name"] for m in site.provider.get("/api/v1/metrics").json()["items"]}
    council = {m["name"] for m in site.council.get("/api/v1/metrics").json()["items"]}
    assert public == provider and not public & set(PERSONAL)
    assert council >= public | set(PERSONAL)


def test_provider_sees_its_own_locations_relationship(site: Site) -> None:
    """A provider sees what the council holds about its own locations only, without people."""
    market = site.app.state.caremarket.market
    locations = market.snapshot().locations
    own = locations.filter(locations["provider_id"] == site.provider_id)["location_id"][0]
    other = locations.filter(locations["provider_id"] != site.provider_id)["location_id"][0]
    mine = site.provider.get(f"/api/v1/locations/{own}").json()
    assert mine["own"] and mine["council_relationship"]["loaded"]
    theirs = site.provider.get(f"/api/v1/locations/{other}").json()
    assert not theirs["own"] and theirs["council_relationship"] is None
    assert site.public.get(f"/api/v1/locations/{own}").json()["council_relationship"] is None


def test_public_values_never_below_threshold(site: Site) -> None:
    """No public figure anywhere in the metrics API rests on 1 to 4 people or locations."""
    for name in (m["name"] for m in site.public.get("/api/v1/metrics").json()["items"]):
        body = site.public.get(f"/api/v1/metrics/{name}?level=district&limit=1000").json()
        for row in body.get("items", []):
            assert row["n"] is None or row["n"] == 0 or row["n"] >= 5, (name, row)


def test_unknown_bearer_token_is_refused(site: Site) -> None:
    """A wrong token is a 401, not the public view."""
    response = site.public.get("/api/v1/metrics", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
