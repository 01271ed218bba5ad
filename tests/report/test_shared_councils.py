"""Lincolnshire and Devon editions from the real public samples: what is loaded is shown,
and every section without data says what is missing rather than showing zeros."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.report.conftest import ARTIFACTS, figures_in

from caremarket.domain.area import england_areas, find_council
from caremarket.pipeline import ingest_file
from caremarket.report.mps import write_mps
from caremarket.store.duckdb_store import DuckDBStore

pytestmark = pytest.mark.shared


def _check(html: str, checklist: str) -> None:
    """Gaps are named in the editor's checklist with what to load, never in the document; no
    empty section pretends to be zero."""
    assert "no workforce estimates: load them with `caremarket ingest-council`" in checklist
    assert "no ONS sub-national population projection: load an SNPP release" in checklist
    assert "No narrative loaded" in checklist
    assert "ingest-council" not in html and "not available yet" not in html
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
    _check(html, written.checklist.read_text(encoding="utf-8"))
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
    _check(html, written.checklist.read_text(encoding="utf-8"))
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


def test_devon_2021_data_refused_for_a_2026_edition(shared_data: Path, tmp_path: Path) -> None:
    """An edition whose data are years older than its year is refused; with allow_stale the
    cover says the data's date and age; no home care chapter is built from care homes and no
    rank is given while comparators of the region are missing."""
    from caremarket.report.mps import StaleDataError

    council = find_council("Devon")
    assert council is not None
    with DuckDBStore(tmp_path / "devon.duckdb") as store:
        ingest_file(
            store, shared_data / "cqc" / "api_care_homes_devon_somerset_plymouth_torbay_2021-04.csv"
        )
        with pytest.raises(StaleDataError, match="19 January 2021, 4 years and 11 months"):
            write_mps(store, council, "2026", tmp_path / "refused", pdf=False)
        assert not (tmp_path / "refused").exists(), "a refused edition writes nothing"
        written = write_mps(store, council, "2026", tmp_path / "mps", pdf=False, allow_stale=True)
    html = written.html.read_text(encoding="utf-8")
    cover = html[: html.index("</header>")] if "</header>" in html else html[:5000]
    assert "OLD DATA" in cover and "19 January 2021" in cover
    chapters = {s.title for part in written.edition.sections for s in part.subsections}
    assert "Home care" not in chapters and "Supported living" not in chapters
    assert "lists care homes only" in html
    ranks = [f for f in written.edition.figures if f.metric == "quality_rank_among_comparators"]
    assert ranks == []
    south_west = [
        a for a in england_areas() if a.is_council and a.region_code == council.region_code
    ]
    # Somerset, Plymouth and Torbay are in the extract; the region's other councils are not.
    checklist = written.checklist.read_text(encoding="utf-8")
    assert f"3 of {len(south_west) - 1} comparator councils are covered" in checklist
