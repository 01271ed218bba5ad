"""ONS mid-year estimates: the MYE2 workbook (real XLS) and Nomis long CSV (real Lincolnshire)."""

from __future__ import annotations

import csv
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import python_calamine

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

if TYPE_CHECKING:
    from tests.conftest import RefusedStrictly

XLS = "ons/mid2020_population_estimates_uk_2021geography.xls"
NOMIS = "ons/mid2024_population_lincolnshire_nomis.csv"
NORFOLK, LINCOLNSHIRE = "E10000020", "E10000019"


def _raw_sheet(path: Path, sheet: str) -> list[list[object]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return [list(row) for row in rows]


@pytest.mark.shared
def test_xls_norfolk_65_plus_equals_raw_sheet(store: DuckDBStore, shared_data: Path) -> None:
    """Norfolk's stored mid-2020 65+ persons equal the sum of the raw sheet's 65..90+ cells."""
    started = time.perf_counter()
    result = ingest_file(store, shared_data / XLS)
    elapsed = time.perf_counter() - started
    rows = _raw_sheet(shared_data / XLS, "MYE2 - Persons")
    header = [str(c) for c in rows[7]]
    norfolk = next(r for r in rows if r[0] == NORFOLK)
    first = header.index("65")
    expected = sum(float(str(v)) for v in norfolk[first : header.index("90+") + 1])
    stored = store.query(
        "SELECT sum(persons) AS n FROM population "
        "WHERE area_code = ? AND sex = 'persons' AND age >= 65 AND year = 2020",
        [NORFOLK],
    )["n"][0]
    assert stored == expected
    assert result.release_date == date(2020, 6, 30)
    assert elapsed < 10


@pytest.mark.shared
def test_xls_every_sheet_and_area_stored(store: DuckDBStore, shared_data: Path) -> None:
    """All three MYE2 sheets load: every area x sex x 91 ages, sexes adding up to persons."""
    ingest_file(store, shared_data / XLS)
    areas = len(_raw_sheet(shared_data / XLS, "MYE2 - Persons")) - 8
    counts = store.query("SELECT sex, count(*) AS n FROM population GROUP BY sex ORDER BY sex")
    assert counts.rows() == [
        ("females", areas * 91),
        ("males", areas * 91),
        ("persons", areas * 91),
    ]
    by_sex = store.query(
        "SELECT sex, sum(persons) AS n FROM population WHERE area_code = 'E92000001' GROUP BY sex"
    )
    totals = dict(by_sex.rows())
    assert totals["males"] + totals["females"] == totals["persons"] == 56_550_138


@pytest.mark.shared
def test_xls_coverage_is_every_council_present(store: DuckDBStore, shared_data: Path) -> None:
    """The national workbook covers Norfolk and Lincolnshire among its councils."""
    result = ingest_file(store, shared_data / XLS)
    covered = set(
        store.query(
            "SELECT la_code FROM release_coverage WHERE release_id = ?", [result.release_id]
        )["la_code"]
    )
    assert {NORFOLK, LINCOLNSHIRE} <= covered
    assert len(covered) > 140


@pytest.mark.shared
def test_nomis_lincolnshire_total_equals_raw_all_ages(
    store: DuckDBStore, shared_data: Path
) -> None:
    """Lincolnshire's stored 2024 persons sum equals the file's own "All Ages" total."""
    result = ingest_file(store, shared_data / NOMIS)
    with (shared_data / NOMIS).open(newline="") as handle:
        raw = list(csv.DictReader(handle))
    all_ages = next(
        float(r["OBS_VALUE"])
        for r in raw
        if r["GEOGRAPHY_CODE"] == LINCOLNSHIRE
        and r["GENDER_NAME"] == "Total"
        and r["C_AGE_NAME"] == "All Ages"
    )
    stored = store.query(
        "SELECT sum(persons) AS n FROM population WHERE area_code = ? AND sex = 'persons'",
        [LINCOLNSHIRE],
    )["n"][0]
    assert stored == all_ages == 789_502
    assert result.release_date == date(2024, 6, 30)
    assert result.problems == ()
    assert store.query("SELECT count(*) AS n FROM population")["n"][0] == len(raw) - 24


@pytest.mark.shared
def test_nomis_release_date_option_wins(store: DuckDBStore, shared_data: Path) -> None:
    """--release-date overrides the mid-year date; rows keep the estimate year."""
    result = ingest_file(store, shared_data / NOMIS, ReadOptions(release_date=date(2025, 7, 1)))
    assert result.release_date == date(2025, 7, 1)
    years = store.query("SELECT DISTINCT year, kind FROM population")
    assert years.rows() == [(2024, "estimate")]


def test_mye2_bad_rows_refused_strictly(store: DuckDBStore, fixtures: Path) -> None:
    """A wrong All ages total and a text cell stop a strict load, and nothing is stored."""
    path = fixtures / "ons" / "constructed_mye2_mid2023_bad_rows.xlsx"
    with pytest.raises(DataProblemError) as error:
        ingest_file(store, path)
    found = {(p.code, p.row, p.column) for p in error.value.problems}
    assert (ProblemCode.UNKNOWN_VALUE, 10, "All ages") in found
    assert (ProblemCode.NOT_A_NUMBER, 11, "65") in found
    assert store.query("SELECT count(*) AS n FROM release")["n"][0] == 0


def test_mye2_bad_rows_lenient_loads_the_rest(store: DuckDBStore, fixtures: Path) -> None:
    """Leniently, the two bad area x sex rows are left out and the four good ones load."""
    path = fixtures / "ons" / "constructed_mye2_mid2023_bad_rows.xlsx"
    result = ingest_file(store, path, lenient=True)
    assert len(result.problems) == 2
    assert result.release_date == date(2023, 6, 30)
    loaded = store.query(
        "SELECT area_code, sex, count(*) AS n FROM population GROUP BY ALL ORDER BY ALL"
    )
    assert loaded.rows() == [
        ("E07000143", "persons", 91),
        ("E07000148", "males", 91),
        ("E10000020", "males", 91),
        ("E10000020", "persons", 91),
    ]


def test_nomis_bad_rows_strict_and_lenient(
    tmp_path: Path, fixtures: Path, refused_strictly: RefusedStrictly
) -> None:
    """Nomis rows with a bad age, gender, value or total are reported; the rest load leniently."""
    path = fixtures / "ons" / "constructed_nomis_mid2023_bad_rows.csv"
    problems = refused_strictly(path, tmp_path / "strict.duckdb")
    codes = sorted((p.code.value, p.column) for p in problems)
    assert codes == [
        ("not-a-number", "OBS_VALUE"),
        ("unknown-value", "C_AGE_NAME"),
        ("unknown-value", "GENDER_NAME"),
        ("unknown-value", "OBS_VALUE"),
    ]
    with DuckDBStore(tmp_path / "lenient.duckdb") as lenient:
        ingest_file(lenient, path, lenient=True)
        loaded = lenient.query("SELECT area_code, count(*) AS n FROM population GROUP BY ALL")
        assert loaded.rows() == [("E07000148", 91)]
