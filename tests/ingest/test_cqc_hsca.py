"""The HSCA Active Locations adapter on constructed fixtures, one per data problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.pipeline import Outcome, ingest_file
from caremarket.store.duckdb_store import DuckDBStore

OK = "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"

TABLES = ("release", "location", "provider", "location_sector", "location_client_group", "rating")


def _counts(store: DuckDBStore) -> dict[str, int]:
    return {t: int(store.query(f"SELECT count(*) AS n FROM {t}")["n"][0]) for t in TABLES}


def test_good_file_loads_every_location_with_sectors_and_bands(
    store: DuckDBStore, fixtures: Path
) -> None:
    """Six rows load as six locations, with the release date from the file name."""
    result = ingest_file(store, fixtures / "cqc_hsca" / OK)
    assert result.outcome is Outcome.LOADED
    assert result.release_date == date(2026, 3, 1)
    locations = store.query("SELECT * FROM location ORDER BY location_id")
    assert locations.height == 6
    assert locations["la_code"].unique().to_list() == ["E06000017"]
    assert locations["beds"].to_list() == [40, 62, None, 18, None, 12]
    assert locations["dormant"].to_list() == [False] * 5 + [True]
    sectors = store.query(
        "SELECT sector FROM location_sector WHERE location_id = '1-1000000002' ORDER BY 1"
    )["sector"].to_list()
    assert sectors == ["care_home", "care_home_nursing"]
    groups = store.query(
        "SELECT client_group FROM location_client_group WHERE location_id = '1-1000000004'"
    )["client_group"].to_list()
    assert groups == ["learning_disability_autism"]
    rating = store.query("SELECT * FROM rating WHERE location_id = '1-1000000003'")
    assert rating["rating"].to_list() == ["outstanding"]
    assert rating["publication_date"].to_list() == [date(2025, 7, 25)]


def test_loading_twice_changes_nothing(store: DuckDBStore, fixtures: Path) -> None:
    """A second load of the same file is reported as already loaded and adds no rows."""
    ingest_file(store, fixtures / "cqc_hsca" / OK)
    before = _counts(store)
    again = ingest_file(store, fixtures / "cqc_hsca" / OK)
    assert again.outcome is Outcome.ALREADY_LOADED
    assert _counts(store) == before


def test_legacy_layout_with_preamble_loads(store: DuckDBStore, fixtures: Path) -> None:
    """The 2017-2021 layout (preamble, Location Post Code) loads, dated from its preamble."""
    result = ingest_file(store, fixtures / "cqc_hsca" / "constructed_hsca_legacy_preamble.csv")
    assert result.release_date == date(2019, 5, 1)
    postcodes = store.query("SELECT DISTINCT postcode FROM location")["postcode"].to_list()
    assert postcodes == ["LE15 6AA"]


def test_release_date_option_wins(store: DuckDBStore, fixtures: Path) -> None:
    """--release-date overrides the date the file carries."""
    options = ReadOptions(release_date=date(2026, 2, 14))
    result = ingest_file(store, fixtures / "cqc_hsca" / OK, options)
    assert result.release_date == date(2026, 2, 14)


@pytest.mark.parametrize(
    ("name", "code", "row", "column", "value"),
    [
        ("constructed_hsca_unknown_rating.csv", ProblemCode.UNKNOWN_RATING, 3,
         "Location Latest Overall Rating", "Very good"),
        ("constructed_hsca_bad_date.csv", ProblemCode.BAD_DATE, 4, "Publication Date",
         "31/02/2025"),
        ("constructed_hsca_beds_not_whole.csv", ProblemCode.NOT_A_WHOLE_NUMBER, 2,
         "Care homes beds", "twelve"),
        ("constructed_hsca_duplicate_id.csv", ProblemCode.DUPLICATE_ID, 5, "Location ID",
         "1-1000000001"),
        ("constructed_hsca_missing_column.csv", ProblemCode.MISSING_COLUMN, 1,
         "Care homes beds", None),
        ("constructed_hsca_truncated.csv", ProblemCode.TRUNCATED_FILE, 7, None, None),
        ("constructed_hsca_wrong_encoding.csv", ProblemCode.WRONG_ENCODING, 2, None, None),
        ("constructed_hsca_empty.csv", ProblemCode.EMPTY_FILE, None, None, None),
        ("constructed_hsca_wrong_header.csv", ProblemCode.WRONG_HEADER, 1, None, None),
        ("constructed_hsca_other_format.pdf", ProblemCode.WRONG_FORMAT, None, None, None),
    ],
)  # fmt: skip
def test_each_planted_problem_is_named_and_nothing_loads(
    store: DuckDBStore,
    fixtures: Path,
    name: str,
    code: ProblemCode,
    row: int | None,
    column: str | None,
    value: str | None,
) -> None:
    """Each planted defect is reported with its file, row, column and value; no row loads."""
    before = _counts(store)
    with pytest.raises(DataProblemError) as caught:
        ingest_file(store, fixtures / "cqc_hsca" / name)
    problems = caught.value.problems
    assert [p.code for p in problems] == [code]
    problem = problems[0]
    assert problem.file == name
    assert problem.row == row
    assert problem.column == column
    if value is not None:
        assert problem.value == value
    assert problem.expected
    assert name in problem.message
    assert _counts(store) == before


def test_lenient_loads_good_rows_and_reports_the_bad(store: DuckDBStore, fixtures: Path) -> None:
    """--lenient leaves out only the row with a problem and returns that problem."""
    result = ingest_file(
        store, fixtures / "cqc_hsca" / "constructed_hsca_beds_not_whole.csv", lenient=True
    )
    assert [(p.row, p.column) for p in result.problems] == [(2, "Care homes beds")]
    ids = store.query("SELECT location_id FROM location ORDER BY 1")["location_id"].to_list()
    assert "1-1000000001" not in ids
    assert len(ids) == 5


def test_lenient_still_refuses_a_file_level_problem(store: DuckDBStore, fixtures: Path) -> None:
    """A missing column stops the load even with --lenient."""
    with pytest.raises(DataProblemError):
        ingest_file(
            store, fixtures / "cqc_hsca" / "constructed_hsca_missing_column.csv", lenient=True
        )
    assert _counts(store)["release"] == 0


def test_a_service_type_no_remaining_location_has_still_loads(
    store: DuckDBStore, fixtures: Path, tmp_path: Path
) -> None:
    """Without its first location the file still loads: a flag column no location sets is
    an empty membership, not a crash."""
    lines = (fixtures / "cqc_hsca" / OK).read_text(encoding="utf-8").splitlines(keepends=True)
    shorter = tmp_path / OK.replace("constructed", "constructed_shorter")
    shorter.write_text("".join([lines[0], *lines[2:]]), encoding="utf-8")
    result = ingest_file(store, shorter)
    assert result.outcome is Outcome.LOADED
    assert result.rows == len(lines) - 2
