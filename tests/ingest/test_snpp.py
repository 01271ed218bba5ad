"""ONS sub-national population projections on constructed 2018- and 2022-based CSVs."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import ProblemCode
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

if TYPE_CHECKING:
    from tests.conftest import RefusedStrictly

NORFOLK_2018 = "constructed_snpp_2018_norfolk.csv"


def _raw(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_2018_based_wide_years_become_rows(store: DuckDBStore, fixtures: Path) -> None:
    """Every Population row x 26 years is stored; Births and All ages rows are not."""
    path = fixtures / "ons" / NORFOLK_2018
    result = ingest_file(store, path)
    raw = _raw(path)
    singles = [r for r in raw if r["COMPONENT"] == "Population" and r["AGE_GROUP"] != "All ages"]
    assert store.query("SELECT count(*) AS n FROM population")["n"][0] == len(singles) * 26
    assert result.release_date == date(2018, 6, 30)
    kinds = store.query("SELECT DISTINCT kind, min(year), max(year) FROM population GROUP BY 1")
    assert kinds.rows() == [("projection", 2018, 2043)]


def test_2018_based_norfolk_85_plus_in_2030(store: DuckDBStore, fixtures: Path) -> None:
    """Norfolk's stored 85+ persons in 2030 equal the raw file's 85..89 and 90 and over cells."""
    path = fixtures / "ons" / NORFOLK_2018
    ingest_file(store, path)
    expected = sum(
        float(r["2030"])
        for r in _raw(path)
        if r["AREA_CODE"] == "E10000020"
        and r["SEX"] == "persons"
        and r["COMPONENT"] == "Population"
        and (
            r["AGE_GROUP"] == "90 and over"
            or (r["AGE_GROUP"].isdigit() and int(r["AGE_GROUP"]) >= 85)
        )
    )
    stored = store.query(
        "SELECT sum(persons) AS n FROM population "
        "WHERE area_code = 'E10000020' AND sex = 'persons' AND age >= 85 AND year = 2030"
    )["n"][0]
    assert stored == pytest.approx(expected)
    assert store.query("SELECT max(age) AS a FROM population")["a"][0] == 90


def test_2018_based_coverage_is_norfolk(store: DuckDBStore, fixtures: Path) -> None:
    """A file of Norfolk and two of its districts covers the council Norfolk only."""
    result = ingest_file(store, fixtures / "ons" / NORFOLK_2018)
    covered = store.query(
        "SELECT la_code FROM release_coverage WHERE release_id = ?", [result.release_id]
    )["la_code"].to_list()
    assert covered == ["E10000020"]


def test_2022_based_runs_2022_to_2047(store: DuckDBStore, fixtures: Path) -> None:
    """The 2022-based variant is dated by its base year and holds 2022-2047."""
    result = ingest_file(store, fixtures / "ons" / "constructed_snpp_2022_lincolnshire.csv")
    assert result.release_date == date(2022, 6, 30)
    years = store.query("SELECT min(year) AS a, max(year) AS b, count(*) AS n FROM population")
    assert years.row(0) == (2022, 2047, 3 * 91 * 26)


def test_release_date_option_wins(store: DuckDBStore, fixtures: Path) -> None:
    """--release-date overrides the base-year date."""
    path = fixtures / "ons" / "constructed_snpp_2022_lincolnshire.csv"
    result = ingest_file(store, path, ReadOptions(release_date=date(2025, 6, 24)))
    assert result.release_date == date(2025, 6, 24)


def test_bad_rows_strict_refused_lenient_loads_rest(
    tmp_path: Path, fixtures: Path, refused_strictly: RefusedStrictly
) -> None:
    """Bad value, age group, sex and total are reported; only good Population rows load."""
    path = fixtures / "ons" / "constructed_snpp_bad_rows.csv"
    problems = refused_strictly(path, tmp_path / "strict.duckdb")
    found = sorted((p.row or 0, p.code) for p in problems)
    assert found == [
        (3, ProblemCode.NOT_A_NUMBER),
        (4, ProblemCode.UNKNOWN_VALUE),
        (5, ProblemCode.UNKNOWN_VALUE),
        (7, ProblemCode.UNKNOWN_VALUE),
    ]
    with DuckDBStore(tmp_path / "lenient.duckdb") as lenient:
        ingest_file(lenient, path, lenient=True)
        rows = lenient.query(
            "SELECT sex, age, year, persons FROM population ORDER BY sex, year"
        ).rows()
    # males 2018 is left out: its All ages total (999) is not the sum of its single years.
    assert rows == [
        ("males", 0, 2019, 765.0),
        ("persons", 0, 2018, 1500.5),
        ("persons", 0, 2019, 1510.25),
    ]
