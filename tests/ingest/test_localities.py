"""Council localities files: districts or postcode districts, checked against the council."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.geo.localities import DEFAULT_VALID_FROM
from caremarket.ingest.problem import ProblemCode
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

if TYPE_CHECKING:
    from tests.conftest import RefusedStrictly

DISTRICTS = "constructed_localities_norfolk_districts.csv"


def test_districts_file_loads_all_norfolk(store: DuckDBStore, fixtures: Path) -> None:
    """Norfolk's 7 districts load into 4 localities covering Norfolk, dated 2000-01-01."""
    result = ingest_file(store, fixtures / "geo" / DISTRICTS)
    rows = store.query("SELECT locality, district_code FROM locality")
    assert rows.height == 7
    assert rows["locality"].n_unique() == 4
    assert set(rows["district_code"]) == {f"E0700014{i}" for i in range(3, 10)}
    assert result.release_date == DEFAULT_VALID_FROM == date(2000, 1, 1)
    assert store.query("SELECT la_code FROM release_coverage")["la_code"].to_list() == ["E10000020"]
    note = store.query("SELECT note FROM release")["note"][0]
    assert "declarations" in note


def test_release_date_option_used_without_valid_from(store: DuckDBStore, fixtures: Path) -> None:
    """--release-date dates a localities file that has no valid_from column."""
    result = ingest_file(store, fixtures / "geo" / DISTRICTS, ReadOptions(date(2026, 4, 1)))
    assert result.release_date == date(2026, 4, 1)


def test_postcode_districts_with_valid_from(store: DuckDBStore, fixtures: Path) -> None:
    """Postcode districts load upper case; the latest valid_from dates the file."""
    path = fixtures / "geo" / "constructed_localities_norfolk_postcode_districts_valid_from.csv"
    result = ingest_file(store, path)
    rows = store.query(
        "SELECT locality, postcode_district FROM locality ORDER BY postcode_district"
    ).rows()
    assert rows == [("Norwich city", "NR1"), ("Norwich city", "NR2"), ("King's Lynn", "PE30")]
    assert result.release_date == date(2025, 4, 1)


def test_bad_rows_strict_refused_lenient_loads_rest(
    tmp_path: Path, fixtures: Path, refused_strictly: RefusedStrictly
) -> None:
    """Unknown council, foreign district, repeat, blanks are reported; the good row loads."""
    path = fixtures / "geo" / "constructed_localities_bad_rows.csv"
    problems = refused_strictly(path, tmp_path / "strict.duckdb")
    found = sorted((p.row or 0, p.code) for p in problems)
    assert found == [
        (3, ProblemCode.UNKNOWN_AREA),
        (4, ProblemCode.UNKNOWN_AREA),
        (5, ProblemCode.DUPLICATE_ID),
        (6, ProblemCode.MISSING_VALUE),
        (7, ProblemCode.MISSING_VALUE),
    ]
    foreign = next(p for p in problems if p.row == 4)
    assert "E07000148" in foreign.expected and foreign.value == "E07000136"
    with DuckDBStore(tmp_path / "lenient.duckdb") as lenient:
        ingest_file(lenient, path, lenient=True)
        rows = lenient.query("SELECT la_code, locality, district_code FROM locality").rows()
    assert rows == [("E10000020", "City", "E07000148")]
