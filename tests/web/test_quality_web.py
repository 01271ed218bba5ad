"""The quality early warning in the web tool: council users only, never in a public output."""

from __future__ import annotations

import re

import pytest

from caremarket.web.viewer import Role

from .conftest import Site, app_routes
from .test_roles import _samples

RISK = "/api/v1/quality/risk"


def _public_urls(site: Site) -> list[str]:
    """Every GET route with its path parameters filled in every sample way."""
    samples = _samples(site)
    urls: list[str] = []
    for path, methods, _ in app_routes(list(site.app.routes)):
        if "GET" not in methods or path.startswith("/static"):
            continue
        found = [path]
        for name in re.findall(r"{(\w+)}", path):
            found = [u.replace("{" + name + "}", v) for u in found for v in samples[name]]
        urls += found
    return urls


def _warning(site: Site) -> dict[str, object]:
    response = site.council.get(RISK)
    assert response.status_code == 200, response.text
    found: dict[str, object] = response.json()
    return found


def test_council_gets_ranked_services_with_reasons(site: Site) -> None:
    """A council user gets every service with a probability and at most three reasons."""
    found = _warning(site)
    assert not found["missing"], found["missing"]
    items = found["items"]
    assert isinstance(items, list) and len(items) > 20
    probabilities = [row["probability"] for row in items]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0 < p < 1 for p in probabilities)
    assert all(1 <= len(row["reasons"]) <= 3 for row in items)
    shares = {g["by"]: g for g in found["good_or_outstanding"]}  # type: ignore[union-attr]
    assert shares["CQC or local assessment"]["n"] >= shares["CQC"]["n"] > 0
    assert {r["rule"] for r in found["input_rules"]} >= {"undated_rating", "re_registered"}  # type: ignore[union-attr]


@pytest.mark.parametrize(("role", "status"), [(Role.PUBLIC, 401), (Role.PROVIDER, 403)])
def test_warning_is_council_only(site: Site, role: Role, status: int) -> None:
    """The public and providers are refused the warning's API and page."""
    client = site.client(role)
    assert client.get(RISK).status_code == status
    assert client.get("/quality", follow_redirects=False).status_code in (status, 303)


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.PROVIDER])
def test_no_public_route_shows_a_risk_score(site: Site, role: Role) -> None:
    """Walking every GET route as the public or a provider shows no probability or reason."""
    reasons = {r for row in _warning(site)["items"] for r in row["reasons"] if ":" in r}  # type: ignore[attr-defined]
    client = site.client(role)
    walked = 0
    urls = _public_urls(site)
    assert {RISK, "/quality", "/interim-care", "/api/v1/locations"} <= set(urls)
    for url in urls:
        response = client.get(url, follow_redirects=False)
        assert response.status_code < 500, url
        if response.status_code != 200:
            continue
        walked += 1
        body = response.text
        assert '"probability"' not in body, url
        assert 'href="/quality"' not in body, url
        assert 'data-testid="probability"' not in body, url
        leaked = [r for r in reasons if f'"{r}"' in body]
        assert not leaked, (url, leaked)
    assert walked > 10


def test_local_assessments_beside_cqc_in_the_profile_for_the_council(site: Site) -> None:
    """A council user sees the council's own assessments in a location's profile; others not."""
    snap = site.app.state.caremarket.market.snapshot()
    assessed = snap.gathered.inputs.local_assessments
    assert assessed is not None and assessed.height
    active = set(snap.locations["location_id"].to_list())
    location_id = next(i for i in assessed["cqc_location_id"].to_list() if i in active)
    council = site.council.get(f"/locations/{location_id}")
    assert council.status_code == 200
    assert 'id="local-assessments"' in council.text and "Rating history" in council.text
    public = site.public.get(f"/locations/{location_id}")
    assert public.status_code == 200
    assert 'id="local-assessments"' not in public.text
