"""The zones page and API: council users view and compare designs; nobody else sees them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from caremarket.web.app import create_app
from caremarket.web.settings import WebSettings
from caremarket.web.viewer import Role

from .conftest import Site


@pytest.mark.parametrize(
    ("role", "status"), [(Role.PUBLIC, 401), (Role.PROVIDER, 403), (Role.COUNCIL, 200)]
)
@pytest.mark.parametrize("url", ["/api/v1/zones", "/api/v1/zones/design-2"])
def test_zone_designs_are_council_only(site: Site, role: Role, status: int, url: str) -> None:
    """Only council users may list or read zone designs."""
    assert site.client(role).get(url).status_code == status


def test_council_lists_and_reads_the_designs(site: Site) -> None:
    """The listing names both designs by their zones; a design comes back as its GeoJSON."""
    listing = site.council.get("/api/v1/zones").json()
    assert [(d["name"], d["zones"]) for d in listing["items"]] == [("design-2", 2), ("design-3", 3)]
    assert listing["empty_reason"] is None
    design = site.council.get("/api/v1/zones/design-3")
    assert design.headers["content-type"].startswith("application/geo+json")
    assert [f["properties"]["zone"] for f in design.json()["features"]] == [1, 2, 3]


@pytest.mark.parametrize("name", ["nothing-here", "..", "design-2.geojson%2F..%2Fx"])
def test_an_unknown_or_crafted_design_name_is_not_found(site: Site, name: str) -> None:
    """A name that is not a listed design is 404 or 422, never a file read outside the folder."""
    assert site.council.get(f"/api/v1/zones/{name}").status_code in (404, 422)


def test_the_page_shows_the_map_for_council_and_hides_the_link_from_others(site: Site) -> None:
    """Council users get the zones page with both designs to choose; the link is theirs only."""
    page = site.council.get("/zones").text
    assert 'id="map"' in page and 'value="design-3"' in page and "/static/zones.js" in page
    assert 'href="/zones"' in page
    assert 'href="/zones"' not in site.provider.get("/").text


def test_without_a_zones_folder_the_page_says_how_to_add_one(site: Site, demo_db: Path) -> None:
    """No folder set: the page and the API say how to start the tool with designs."""
    from caremarket.store.duckdb_store import DuckDBStore

    with DuckDBStore(demo_db, read_only=True) as store:
        app = create_app(WebSettings(secret_key="test-secret"), store, site.accounts)
        client = TestClient(app, headers={"Authorization": site.council.headers["Authorization"]})
        assert "caremarket serve --zones" in client.get("/api/v1/zones").json()["empty_reason"]
        assert "caremarket serve --zones" in client.get("/zones").text
