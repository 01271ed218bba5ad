"""The same HSCA Active Locations release reads alike as .ods, .xlsx and .csv."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.demo.national import write_national_hsca
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One constructed 300-row national release written in each format."""
    folder = tmp_path_factory.mktemp("hsca")
    return {
        suffix: write_national_hsca(
            folder / f"01_June_2026_HSCA_Active_Locations.{suffix}", rows=300, seed=3
        )
        for suffix in ("csv", "xlsx", "ods")
    }


def _snapshot(path: Path, tmp_path: Path) -> tuple[object, ...]:
    with DuckDBStore(tmp_path / f"{path.suffix[1:]}.duckdb") as store:
        result = ingest_file(store, path)
        locations = store.query(
            "SELECT * EXCLUDE (release_id) FROM location ORDER BY location_id"
        ).rows()
        sectors = store.query("SELECT location_id, sector FROM location_sector ORDER BY ALL").rows()
        ratings = store.query(
            "SELECT * EXCLUDE (release_id) FROM rating ORDER BY location_id"
        ).rows()
    return result.release_date, result.rows, locations, sectors, ratings


def test_ods_xlsx_and_csv_load_the_same_rows(releases: dict[str, Path], tmp_path: Path) -> None:
    """Every format of one release gives the same release date, locations, sectors and ratings."""
    csv = _snapshot(releases["csv"], tmp_path)
    assert csv[1] == 300
    assert _snapshot(releases["xlsx"], tmp_path) == csv
    assert _snapshot(releases["ods"], tmp_path) == csv
