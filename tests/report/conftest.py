"""The demo county loaded once, and editions of its Market Position Statement built from it."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from caremarket.analysis import Gathered, gather
from caremarket.domain.area import Area, find_council
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "report"
NORFOLK = find_council("Norfolk")
assert NORFOLK is not None


@pytest.fixture(scope="session")
def norfolk() -> Area:
    """The demo county's council."""
    assert NORFOLK is not None
    return NORFOLK


def _demo(out: Path, *, council: bool) -> DuckDBStore:
    """Generate the demo county into `out` and load it (its council extract if asked)."""
    from caremarket.demo import generate
    from caremarket.pipeline import ingest_council

    manifest = generate(out, seed=2026)
    store = DuckDBStore(out / "store.duckdb")
    for path in [*manifest.releases, manifest.localities, *manifest.public_files]:
        ingest_file(store, Path(path))
    if council:
        ingest_council(store, manifest.council_dir)
    return store


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBStore]:
    """The demo county's releases, localities, boundaries and population, loaded once."""
    with _demo(tmp_path_factory.mktemp("demo"), council=False) as store:
        yield store


@pytest.fixture(scope="session")
def council_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBStore]:
    """The whole demo county as `caremarket demo` loads it, the council's extract included."""
    with _demo(tmp_path_factory.mktemp("demo-council"), council=True) as store:
        yield store


def agreements_frame() -> pl.DataFrame:
    """Service agreements: twelve people in Norwich's home care, three in East's care homes."""
    rows = []
    for i in range(15):
        norwich = i < 12
        rows.append(
            {
                "person_id": f"P{i:03d}",
                "sector": "home_care" if norwich else "care_home_residential",
                "client_group": "older_people",
                "funding": "council_managed" if i % 4 else "direct_payment",
                "framework_tier": "framework",
                "cqc_location_id": None,
                "start_date": date(2025, 1, 1),
                "end_date": None,
                "weekly_cost_gbp": 400.0 + 10 * i,
                "hours_per_week": 10.0 if norwich else None,
                "district_code": "E07000148" if norwich else "E07000145",
                "district_name": "Norwich" if norwich else "Great Yarmouth",
                "locality": "Norwich" if norwich else "East",
            }
        )
    return pl.DataFrame(rows, schema_overrides={"cqc_location_id": pl.String})


@pytest.fixture(scope="session")
def gathered_with_personal(demo_store: DuckDBStore, norfolk: Area) -> Gathered:
    """The demo county's inputs plus constructed council-funded agreements (person-level)."""
    found = gather(demo_store, norfolk)
    inputs = dataclasses.replace(found.inputs, agreements=agreements_frame())
    return Gathered(inputs, found.releases)


class FigureParser(HTMLParser):
    """Collects every element carrying a figure (data-key), and chart/map figure blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[dict[str, str]] = []
        self.texts: list[str] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "data-key" in found:
            self._open = found
            self.texts.append("")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.texts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and tag == "span":
            self._open["text"] = self.texts[-1]
            self.figures.append(self._open)
            self._open = None


def figures_in(html: str) -> list[dict[str, str]]:
    """Every figure element's data attributes (and its text) in an HTML edition."""
    parser = FigureParser()
    parser.feed(html)
    return parser.figures


def need_poppler() -> None:
    """Skip, saying how to install them, when poppler's pdftotext / pdftoppm are absent."""
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip(
            "needs poppler-utils (pdftotext, pdftoppm): run scripts/ensure-system-packages.sh"
        )
