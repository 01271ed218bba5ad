"""The public release list hides the council's files; a locality named with "/" has its pages."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient

from caremarket.domain.tables import PERSONAL_TABLES
from caremarket.ingest.council.templates import TEMPLATES
from caremarket.store.duckdb_store import DuckDBStore
from caremarket.web.app import create_app
from caremarket.web.settings import WebSettings

from .conftest import Site

RESTRICTED = {t.source.id for t in TEMPLATES if t.table in PERSONAL_TABLES}


def _listed(client: TestClient) -> list[dict[str, object]]:
    items: list[dict[str, object]] = client.get("/api/v1/releases?limit=1000").json()["items"]
    return items


def test_public_and_providers_never_see_the_council_files(site: Site) -> None:
    """Only council users see the council's person-level releases (names, row counts) listed."""
    council = {r["source_id"] for r in _listed(site.council)}
    assert council & RESTRICTED, "the demo loads person-level files"
    for client in (site.public, site.provider):
        listed = _listed(client)
        assert listed and not {r["source_id"] for r in listed} & RESTRICTED
        names = {r["file_name"] for r in _listed(site.council)} - {r["file_name"] for r in listed}
        assert names and not any(str(n) in client.get("/api/v1/releases").text for n in names)


def test_a_locality_named_with_a_slash_has_its_pages(demo_db: Path, tmp_path: Path) -> None:
    """A locality called "North / Coast" has a dashboard and area figures, linked from the list."""
    db = tmp_path / "slash.duckdb"
    shutil.copyfile(demo_db, db)
    with DuckDBStore(db) as store:
        store._con.execute(
            "UPDATE locality SET locality = 'North / Coast' WHERE locality = 'North'"
        )
    with DuckDBStore(db, read_only=True) as store:
        client = TestClient(create_app(WebSettings(secret_key="k"), store))
        link = "/dashboards/locality/" + quote("North / Coast", safe="")
        listing = client.get("/dashboards").text
        assert "North / Coast" in listing
        page = client.get(link)
        assert page.status_code == 200 and "North / Coast locality" in page.text
        area = client.get("/api/v1/areas/" + quote("North / Coast", safe=""))
        assert area.status_code == 200, area.text
