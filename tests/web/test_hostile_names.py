"""Hostile names in the data stay text on the page: the map builds no markup from them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import altair as alt
import pytest
from playwright.sync_api import Browser, Page, expect

from caremarket.store.duckdb_store import DuckDBStore
from caremarket.web.accounts.postgres import PostgresAccountStore
from caremarket.web.app import create_app
from caremarket.web.charts import svg
from caremarket.web.settings import WebSettings

from .conftest import serve
from .test_browser import wait_for_map

HOSTILE = '<img src=x onerror="window.__pwned=1">\'"&'


@pytest.fixture(scope="module")
def hostile_url(
    demo_db: Path, postgres: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The tool over a copy of the demo store whose locality and location names are hostile."""
    db = tmp_path_factory.mktemp("hostile") / "caremarket.duckdb"
    shutil.copyfile(demo_db, db)
    with DuckDBStore(db) as writable:
        con = writable._con  # tests only: rename loaded rows in place
        con.execute("UPDATE locality SET locality = ? || locality", [HOSTILE])
        con.execute("UPDATE location SET name = ? || name", [HOSTILE])
    store = DuckDBStore(db, read_only=True)
    app = create_app(WebSettings(secret_key="test-secret"), store, PostgresAccountStore(postgres))
    yield from serve(app)
    store.close()


@pytest.fixture
def hostile_page(browser: Browser, hostile_url: str) -> Iterator[Page]:
    """A browser page on the hostile site."""
    context = browser.new_context(base_url=hostile_url, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def test_hostile_names_stay_text_on_the_map_page(hostile_page: Page) -> None:
    """Locality and location names with markup show as text; no element or handler is made."""
    page = hostile_page
    page.goto("/")
    wait_for_map(page)
    page.locator("#level").select_option("locality")
    wait_for_map(page)
    heads = page.locator("#areas-table tbody th")
    expect(heads.first).to_contain_text(HOSTILE)
    assert page.locator("#areas-table img").count() == 0
    button = page.locator("#areas-table button").first
    assert button.get_attribute("data-name") == heads.first.inner_text()
    button.click()
    expect(page.locator("#area-name")).to_have_text(heads.first.inner_text())
    page.locator("#locations-list").evaluate("node => node.closest('details').open = true")
    expect(page.locator("#locations-list li").first).to_contain_text(HOSTILE)
    assert page.locator("#locations-list img, #legend img, #details img").count() == 0
    # Tooltips are built from the same names.
    page.locator("path.leaflet-interactive").last.hover(force=True)
    assert page.locator(".leaflet-tooltip img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_chart_aria_label_escapes_quotes() -> None:
    """A chart title with quotes and markup is one attribute value and one title, unchanged."""
    title = "Care homes \"rated\" <b>by</b> sector & 'area'"
    chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(x="a:Q")  # type: ignore[no-untyped-call]
    root = ElementTree.fromstring(svg(chart, title))
    assert root.get("aria-label") == title
    assert root.find("{http://www.w3.org/2000/svg}title") is not None
    assert root.findtext("{http://www.w3.org/2000/svg}title") == title
