"""Load integrity on the real Lincolnshire ratings: lenient loads, completeness and keys.

Each test damages a copy of the real release the way a tester did and checks
the load is never wrong in silence.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.cells import DateOrder, date_order
from caremarket.ingest.problem import (
    DataProblemError,
    ProblemCode,
    problem_summary,
    write_problem_report,
)
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

LINCS = "cqc/latest_ratings_lincolnshire_2026-06.csv"
TODAY = ReadOptions(load_date=date(2026, 11, 29))
C = ProblemCode

Rows = list[dict[str, str]]


def _rows(shared_data: Path) -> Rows:
    with (shared_data / LINCS).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: Rows, *, end: str = "\r\n") -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue().removesuffix("\r\n") + end, encoding="utf-8", newline="")
    return path


def _changed(
    shared_data: Path, tmp_path: Path, change: Callable[[int, dict[str, str]], None]
) -> Path:
    rows = _rows(shared_data)
    for index, row in enumerate(rows):
        change(index, row)
    return _write(tmp_path / "ratings.csv", rows)


def _dates(store: DuckDBStore) -> pl.DataFrame:
    return store.query(
        "SELECT location_id, service_group, key_question, publication_date FROM rating ORDER BY ALL"
    )


# Part 1: lenient means the good rows load and every bad cell is reported.


def test_one_impossible_date_is_a_problem_not_a_vote_on_the_date_order() -> None:
    """`31/02/2026` among month-first dates leaves the file month first."""
    dates = pl.Series(["05/29/2026", "01/12/2026", "31/02/2026", "04/30/2026"])
    assert date_order(dates) is DateOrder.MONTH_FIRST


def test_dates_impossible_either_way_leave_the_order_undecided() -> None:
    """Dates that fit no order and dates that fit both decide nothing."""
    assert date_order(pl.Series(["31/02/2026", "01/02/2026"])) is None


def test_lenient_load_with_one_bad_date_reads_every_other_date_as_before(
    shared_data: Path, tmp_path: Path
) -> None:
    """One `31/02/2026` is one problem; every other rating and the release keep their dates."""
    with DuckDBStore(tmp_path / "clean.duckdb") as clean:
        ingest_file(clean, shared_data / LINCS, TODAY)
        expected = _dates(clean)

    def damage(index: int, row: dict[str, str]) -> None:
        if index == 8:
            row["Publication Date"] = "31/02/2026"

    path = _changed(shared_data, tmp_path, damage)
    with DuckDBStore(tmp_path / "lenient.duckdb") as store:
        result = ingest_file(store, path, TODAY, lenient=True)
        got = _dates(store)
    assert result.release_date == date(2026, 5, 29)
    assert [(p.code, p.row, p.value) for p in result.problems] == [(C.BAD_DATE, 10, "31/02/2026")]
    # The real file leaves some dates blank; no more are blank than in the clean load.
    assert got["publication_date"].null_count() == expected["publication_date"].null_count()
    # Only the damaged row is left out; every other rating has the date it had.
    assert got.height == expected.height - 1
    assert (
        got.join(expected, on=["location_id", "service_group", "key_question"])
        .filter(pl.col("publication_date") != pl.col("publication_date_right"))
        .is_empty()
    )


def test_every_bad_rating_is_reported_with_no_cap(shared_data: Path, tmp_path: Path) -> None:
    """1,500 unknown ratings give 1,500 problems, a report of 1,500 rows and a summary line."""

    def damage(index: int, row: dict[str, str]) -> None:
        if index < 1500:
            row["Latest Rating"] = "Superb"

    path = _changed(shared_data, tmp_path, damage)
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        result = ingest_file(store, path, TODAY, lenient=True)
        loaded = store.query("SELECT count(*) AS n FROM rating")["n"][0]
    assert [p.code for p in result.problems] == [C.UNKNOWN_RATING] * 1500
    report = tmp_path / "report.csv"
    assert write_problem_report(result.problems, report) == 1500
    assert len(report.read_text(encoding="utf-8").splitlines()) == 1501
    assert problem_summary(result.problems) == [
        "ratings.csv, column `Latest Rating`: 1,500 x unknown rating"
    ]
    # None of the 1,500 rows loads as an unrated row.
    assert loaded <= len(_rows(shared_data)) - 1500


def test_dates_after_the_load_date_are_problems_and_never_date_the_release(
    shared_data: Path, tmp_path: Path
) -> None:
    """Loaded on 2026-05-01, ratings published later are problems; the release is dated before."""
    options = ReadOptions(load_date=date(2026, 5, 1))
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        result = ingest_file(store, shared_data / LINCS, options, lenient=True)
        latest = store.query("SELECT max(publication_date) AS d FROM rating")["d"][0]
    assert result.release_date is not None and result.release_date <= date(2026, 5, 1)
    assert latest <= date(2026, 5, 1)
    assert {p.code for p in result.problems} == {C.FUTURE_DATE}


def test_a_release_date_after_the_load_date_is_refused(shared_data: Path, tmp_path: Path) -> None:
    """--release-date in the future is refused, even leniently."""
    options = ReadOptions(release_date=date(2026, 12, 1), load_date=date(2026, 11, 29))
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        with pytest.raises(DataProblemError) as error:
            ingest_file(store, shared_data / LINCS, options, lenient=True)
        assert store.query("SELECT count(*) AS n FROM release")["n"][0] == 0
    assert [p.code for p in error.value.problems] == [C.FUTURE_RELEASE]


# Part 2: completeness.


def _cut_after_last_comma(source: Path, target: Path, share: float) -> Path:
    """The file cut just after the last comma of the row at `share` of its length."""
    data = source.read_bytes()
    end = data.index(b"\r\n", int(len(data) * share))
    target.write_bytes(data[: data.rindex(b",", 0, end) + 1])
    return target


def test_a_csv_cut_short_is_refused_and_the_full_release_stays(
    shared_data: Path, tmp_path: Path
) -> None:
    """A CSV cut after a comma (no newline at the end) is refused, strict or lenient."""
    cut = _cut_after_last_comma(shared_data / LINCS, tmp_path / "cut.csv", 0.6)
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        ingest_file(store, shared_data / LINCS, TODAY)
        before = store.query("SELECT count(*) AS n FROM location")["n"][0]
        for lenient in (False, True):
            with pytest.raises(DataProblemError) as error:
                ingest_file(store, cut, TODAY, lenient=lenient)
            assert C.TRUNCATED_FILE in {p.code for p in error.value.problems}
        assert store.query("SELECT count(*) AS n FROM release")["n"][0] == 1
        assert store.query("SELECT count(*) AS n FROM location")["n"][0] == before


def test_a_much_smaller_release_needs_accept_shrink(shared_data: Path, tmp_path: Path) -> None:
    """A release with 60% of the last one's rows is refused; --accept-shrink loads it."""
    rows = _rows(shared_data)
    small = _write(tmp_path / "small.csv", rows[: int(len(rows) * 0.6)])
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        ingest_file(store, shared_data / LINCS, TODAY)
        with pytest.raises(DataProblemError) as error:
            ingest_file(store, small, TODAY, lenient=True)
        assert [p.code for p in error.value.problems] == [C.SHRUNK_RELEASE]
        assert store.query("SELECT count(*) AS n FROM release")["n"][0] == 1
        ingest_file(store, small, TODAY, accept_shrink=True)
        assert store.query("SELECT count(*) AS n FROM release")["n"][0] == 2


def test_a_slightly_smaller_release_loads(shared_data: Path, tmp_path: Path) -> None:
    """A release 10% smaller than the last is within the declared share and loads."""
    rows = _rows(shared_data)
    smaller = _write(tmp_path / "smaller.csv", rows[: int(len(rows) * 0.9)])
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        ingest_file(store, shared_data / LINCS, TODAY)
        ingest_file(store, smaller, TODAY)
        assert store.query("SELECT count(*) AS n FROM release")["n"][0] == 2


def test_cli_accept_shrink(shared_data: Path, tmp_path: Path) -> None:
    """`caremarket ingest` refuses a cut-short CSV and loads it with --accept-shrink."""
    cut = _cut_after_last_comma(shared_data / LINCS, tmp_path / "cut.csv", 0.6)
    db = str(tmp_path / "store.duckdb")
    refused = CliRunner().invoke(app, ["ingest", "--db", db, str(cut)])
    assert refused.exit_code == 1
    assert "truncated file" in refused.output
    loaded = CliRunner().invoke(app, ["ingest", "--db", db, "--accept-shrink", str(cut)])
    assert loaded.exit_code == 0, loaded.output


# Part 3: normalised keys.


def test_postcodes_are_stored_in_the_ons_form(shared_data: Path, tmp_path: Path) -> None:
    """Postcodes in lower case or without a space are stored as ONS writes them."""

    def damage(index: int, row: dict[str, str]) -> None:
        postcode = row["Location Post Code"]
        row["Location Post Code"] = postcode.lower() if index % 2 else postcode.replace(" ", "")

    path = _changed(shared_data, tmp_path, damage)
    query = "SELECT location_id, postcode FROM location ORDER BY 1"
    with DuckDBStore(tmp_path / "clean.duckdb") as clean:
        ingest_file(clean, shared_data / LINCS, TODAY)
        expected = clean.query(query)
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        ingest_file(store, path, TODAY)
        assert store.query(query).equals(expected)


def test_a_postcode_of_no_uk_shape_is_a_problem(shared_data: Path, tmp_path: Path) -> None:
    """`LN1` (no inward code) is reported as an unknown postcode, with its row."""

    def damage(index: int, row: dict[str, str]) -> None:
        if index == 0:
            row["Location Post Code"] = "LN1"

    path = _changed(shared_data, tmp_path, damage)
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        result = ingest_file(store, path, TODAY, lenient=True)
    assert [(p.code, p.row, p.value) for p in result.problems] == [(C.UNKNOWN_POSTCODE, 2, "LN1")]


def test_a_misspelt_council_is_a_problem_not_a_silent_drop(
    shared_data: Path, tmp_path: Path
) -> None:
    """`Lincolnshir` is refused strictly, reported leniently; no location loads council-less."""

    def damage(index: int, row: dict[str, str]) -> None:
        if index < 3:
            row["Location Local Authority"] = "Lincolnshir"

    path = _changed(shared_data, tmp_path, damage)
    with (
        DuckDBStore(tmp_path / "strict.duckdb") as strict,
        pytest.raises(DataProblemError) as error,
    ):
        ingest_file(strict, path, TODAY)
    assert {p.code for p in error.value.problems} == {C.UNKNOWN_AREA}
    with DuckDBStore(tmp_path / "lenient.duckdb") as store:
        result = ingest_file(store, path, TODAY, lenient=True)
        unplaced = store.query("SELECT count(*) AS n FROM location WHERE la_code IS NULL")
    assert [(p.code, p.row) for p in result.problems] == [(C.UNKNOWN_AREA, r) for r in (2, 3, 4)]
    assert unplaced["n"][0] == 0


def test_a_postcode_missing_from_the_loaded_directory_is_reported(
    shared_data: Path, tmp_path: Path
) -> None:
    """With Norfolk's ONS postcodes loaded, a Norfolk location at `NR99 9ZZ` is reported."""
    with (shared_data / "ons/onspd_2025-11_norfolk_postcodes_latlon.csv").open() as handle:
        real = [r["pcd"] for r in csv.DictReader(handle) if r["pcd"].startswith("NR1 ")][:20]
    rows = _rows(shared_data)[:40]
    ids = sorted({r["Location ID"] for r in rows})
    for row in rows:
        row["Location Local Authority"] = "Norfolk"
        index = ids.index(row["Location ID"])
        row["Location Post Code"] = "NR99 9ZZ" if index == 0 else real[index % len(real)]
    path = _write(tmp_path / "norfolk.csv", rows)
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        ingest_file(store, shared_data / "ons/onspd_2025-11_norfolk_postcodes_latlon.csv", TODAY)
        with pytest.raises(DataProblemError) as error:
            ingest_file(store, path, TODAY)
        result = ingest_file(store, path, TODAY, lenient=True)
    assert [p.code for p in error.value.problems] == [C.UNKNOWN_POSTCODE]
    assert [p.value for p in result.problems] == [f"NR99 9ZZ (location {ids[0]})"]
