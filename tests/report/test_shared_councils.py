"""Lincolnshire and Devon editions from the real public samples: what is loaded is shown,
and every section without data says what is missing rather than showing zeros."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.report.conftest import ARTIFACTS, figures_in

from caremarket.domain.area import find_council
from caremarket.pipeline import ingest_file
from caremarket.report.mps import write_mps
from caremarket.store.duckdb_store import DuckDBStore

pytestmark = pytest.mark.shared


def _check(html: str) -> None:
    """Gaps are named with what to load; no empty section pretends to be zero."""
    assert "no workforce estimates: load them with `caremarket ingest-council`" in html
    assert "no ONS sub-national population projection: load an SNPP release" in html
    assert "No narrative loaded" in html
    figures = figures_in(html)
    assert {"locations", "pct_good_or_outstanding", "population_aged_65_plus"} <= {
        f["data-metric"] for f in figures
    }
    assert not any(f["data-metric"] in ("jobs", "spend_in_year") for f in figures)


def test_lincolnshire_from_latest_ratings_and_nomis(shared_data: Path, tmp_path: Path) -> None:
    """Latest ratings plus the Nomis mid-2024 estimate make a Lincolnshire edition."""
    council = find_council("Lincolnshire")
    assert council is not None
    with DuckDBStore(tmp_path / "lincs.duckdb") as store:
        ingest_file(store, shared_data / "cqc" / "latest_ratings_lincolnshire_2026-06.csv")
        ingest_file(store, shared_data / "ons" / "mid2024_population_lincolnshire_nomis.csv")
        written = write_mps(store, council, "2026", tmp_path / "mps")
    html = written.html.read_text(encoding="utf-8")
    _check(html)
    assert re.search(r"People aged 65 and over in 2024", html)
    # Latest ratings neither split care homes by nursing nor list client groups: say so.
    assert "does not say which care homes provide nursing" in html
    assert "does not list the client groups" in html
    assert written.pdf is not None and written.pdf.stat().st_size > 50_000
    _save_pages(written.pdf, "lincolnshire")


def test_devon_from_the_api_extract_ons_2020_and_boundaries(
    shared_data: Path, tmp_path: Path
) -> None:
    """The CQC API extract, the ONS mid-2020 workbook and district boundaries make Devon's."""
    council = find_council("Devon")
    assert council is not None
    with DuckDBStore(tmp_path / "devon.duckdb") as store:
        ingest_file(
            store, shared_data / "cqc" / "api_care_homes_devon_somerset_plymouth_torbay_2021-04.csv"
        )
        ingest_file(
            store, shared_data / "ons" / "mid2020_population_estimates_uk_2021geography.xls"
        )
        ingest_file(store, shared_data / "geo" / "england_lower_tier_la_2025.geojson")
        written = write_mps(store, council, "2021", tmp_path / "mps")
    html = written.html.read_text(encoding="utf-8")
    _check(html)
    assert '<figure class="map"' in html
    assert "Teignbridge" in html
    assert written.pdf is not None
    _save_pages(written.pdf, "devon")


def _save_pages(pdf: Path, name: str) -> None:
    """Render the first pages as PNG under test-artifacts/ for a person to look at."""
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "10", str(pdf), str(ARTIFACTS / name)],
        check=True,
    )
