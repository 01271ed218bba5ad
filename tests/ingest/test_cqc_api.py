"""CQC public API location records: the real CSV extract and constructed JSON/CSV files."""

from __future__ import annotations

import ast
import json
import os
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.pipeline import Outcome, ingest_file
from caremarket.store.duckdb_store import DuckDBStore

FIXTURES = Path(__file__).parents[1] / "fixtures" / "cqc_api"
SHARED = Path(os.environ.get("CAREMARKET_SHARED_DATA", Path(__file__).parents[3] / "shared/data"))
REAL_API_CSV = "cqc/api_care_homes_devon_somerset_plymouth_torbay_2021-04.csv"
TABLES = ("location", "provider", "location_sector", "location_client_group", "rating")


@pytest.fixture(scope="module")
def real_csv() -> Path:
    """The real API CSV extract, or a skip when ../shared/data is absent."""
    path = SHARED / REAL_API_CSV
    if not path.exists():
        pytest.skip(f"needs ../shared/data (the real public samples): {path} not found")
    return path


@pytest.fixture(scope="module")
def real_store(real_csv: Path) -> DuckDBStore:
    """A store holding the real API CSV extract, loaded strictly."""
    store = DuckDBStore(":memory:")
    ingest_file(store, real_csv)
    return store


def counts(store: DuckDBStore) -> dict[str, int]:
    """Row counts of the canonical tables an API release fills."""
    return {t: int(store.query(f"SELECT count(*) FROM {t}").item()) for t in (*TABLES, "release")}


def test_real_csv_locations_per_council(real_store: DuckDBStore) -> None:
    """The real extract loads 324/222/97/85 locations for Devon/Somerset/Plymouth/Torbay."""
    frame = real_store.query(
        "SELECT la_name, la_code, count(*) AS n FROM location GROUP BY ALL ORDER BY la_name"
    )
    got = {r["la_name"]: r["n"] for r in frame.to_dicts()}
    assert got == {"Devon": 324, "Plymouth": 97, "Somerset": 222, "Torbay": 85}
    assert frame["la_code"].null_count() == 0
    coverage = real_store.query("SELECT la_code FROM release_coverage")["la_code"].to_list()
    assert sorted(coverage) == sorted(frame["la_code"].to_list())


def test_real_csv_beds_match_raw_sum(real_csv: Path, real_store: DuckDBStore) -> None:
    """The loaded beds add up to a plain pandas sum of numberOfBeds over the raw file."""
    raw = pd.read_csv(real_csv, dtype=str)
    expected = int(pd.to_numeric(raw["numberOfBeds"]).sum())
    assert int(real_store.query("SELECT sum(beds) FROM location").item()) == expected
    assert real_store.query("SELECT count(*) FROM location WHERE beds IS NULL").item() == 0


def test_real_csv_has_historic_ratings(real_store: DuckDBStore) -> None:
    """Historic ratings load as rows with current = false."""
    historic = real_store.query("SELECT count(*) FROM rating WHERE NOT current").item()
    assert historic > 0


def test_real_csv_current_overall_ratings_match_raw(
    real_csv: Path, real_store: DuckDBStore
) -> None:
    """Current overall ratings equal an independent pandas + ast count over the raw file."""
    raw = pd.read_csv(real_csv, dtype=str, keep_default_na=False)
    words = {
        "Outstanding": "outstanding",
        "Good": "good",
        "Requires improvement": "requires_improvement",
        "Inadequate": "inadequate",
        "Inspected but not rated": "not_rated",
        "Not rated": "not_rated",
    }
    expected: Counter[str] = Counter()
    for text in raw["currentRatings"]:
        if text:
            expected[words[ast.literal_eval(text)["overall"]["rating"]]] += 1
    got = real_store.query(
        "SELECT rating, count(*) AS n FROM rating "
        "WHERE current AND key_question = 'overall' AND service_group = 'Overall' GROUP BY rating"
    )
    assert {r["rating"]: r["n"] for r in got.to_dicts()} == dict(expected)


def test_real_csv_release_date_from_reports(real_store: DuckDBStore) -> None:
    """Without --release-date the release date is the latest report date, and the note says so."""
    row = real_store.query("SELECT release_date, note FROM release").row(0, named=True)
    assert row["release_date"] == date(2021, 1, 19)
    assert "lastReport.publicationDate" in row["note"]


def test_real_csv_sectors_and_client_groups(real_store: DuckDBStore) -> None:
    """Every real care home is in sector care_home, and specialisms give client groups."""
    homes = real_store.query(
        "SELECT count(DISTINCT location_id) FROM location_sector WHERE sector = 'care_home'"
    ).item()
    assert homes == 728
    older = real_store.query(
        "SELECT count(*) FROM location_client_group WHERE client_group = 'older_people'"
    ).item()
    assert older == 543


def test_json_single_record_loads() -> None:
    """One GET /locations/{id} response loads one location with current and historic ratings."""
    store = DuckDBStore(":memory:")
    result = ingest_file(store, FIXTURES / "constructed_api_location_single.json")
    assert result.outcome is Outcome.LOADED
    location = store.query("SELECT * FROM location").row(0, named=True)
    assert location["location_id"] == "1-000000001"
    assert location["la_code"] == "E10000008"
    assert location["beds"] == 28
    assert location["registration_date"] == date(2013, 11, 4)
    assert location["care_home"] is True
    ratings = store.query(
        "SELECT current, rating, publication_date FROM rating WHERE key_question = 'overall' "
        "ORDER BY publication_date"
    ).to_dicts()
    assert ratings == [
        {"current": False, "rating": "requires_improvement", "publication_date": date(2017, 7, 20)},
        {"current": True, "rating": "good", "publication_date": date(2020, 5, 6)},
    ]
    sectors = store.query("SELECT sector FROM location_sector ORDER BY sector")["sector"]
    assert sectors.to_list() == ["care_home", "care_home_residential"]


def test_json_list_and_wrapper_load() -> None:
    """A list of records and an object with a `locations` list load the same locations."""
    for name in ("constructed_api_location_list.json", "constructed_api_locations_wrapper.json"):
        store = DuckDBStore(":memory:")
        ingest_file(store, FIXTURES / name)
        frame = store.query("SELECT location_id, la_code, deregistration_date FROM location")
        assert frame.height == 3, name
        assert frame["la_code"].null_count() == 0, name
        assert frame["deregistration_date"].drop_nulls().to_list() == [date(2021, 2, 1)], name
        assert (
            store.query(
                "SELECT rating FROM rating WHERE current AND key_question = 'overall' "
                "AND location_id = '1-000000002'"
            ).item()
            == "not_rated"
        )


def test_csv_extract_and_json_give_the_same_locations() -> None:
    """The CSV extract (repr text, dd/mm/yyyy) and JSON of the same records load alike."""
    loaded = []
    for name in ("constructed_api_csv_ok.csv", "constructed_api_location_list.json"):
        store = DuckDBStore(":memory:")
        ingest_file(store, FIXTURES / name)
        loaded.append(
            {t: store.query(f"SELECT * EXCLUDE (release_id) FROM {t} ORDER BY ALL") for t in TABLES}
        )
    for table in TABLES:
        assert loaded[0][table].equals(loaded[1][table]), table


def test_list_endpoint_summaries_are_refused() -> None:
    """The list endpoint's summaries (no providerId) are refused as the wrong format."""
    with pytest.raises(DataProblemError) as caught:
        ingest_file(DuckDBStore(":memory:"), FIXTURES / "constructed_api_list_summaries.json")
    assert caught.value.problems[0].code is ProblemCode.WRONG_FORMAT


@pytest.mark.parametrize(
    ("name", "row", "column", "code"),
    [
        ("constructed_api_csv_bad_nested_row.csv", 4, "currentRatings", ProblemCode.UNKNOWN_VALUE),
        ("constructed_api_csv_bad_beds_row.csv", 3, "numberOfBeds", ProblemCode.NOT_A_WHOLE_NUMBER),
        ("constructed_api_csv_duplicate_id.csv", 4, "locationId", ProblemCode.DUPLICATE_ID),
        (
            "constructed_api_csv_relationship_without_id.csv",
            3,
            "relationships",
            ProblemCode.MISSING_VALUE,
        ),
        (
            "constructed_api_csv_relationship_unknown_type.csv",
            3,
            "relationships",
            ProblemCode.UNKNOWN_VALUE,
        ),
        (
            "constructed_api_csv_bad_manager_absent_date.csv",
            4,
            "registeredManagerAbsentDate",
            ProblemCode.BAD_DATE,
        ),
    ],
)
def test_one_bad_row_is_atomic(name: str, row: int, column: str, code: ProblemCode) -> None:
    """A file with one bad row loads nothing strictly, and the other rows leniently."""
    store = DuckDBStore(":memory:")
    with pytest.raises(DataProblemError) as caught:
        ingest_file(store, FIXTURES / name)
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [(code, row, column)]
    assert all(n == 0 for n in counts(store).values())

    result = ingest_file(store, FIXTURES / name, lenient=True)
    assert [(p.code, p.row, p.column) for p in result.problems] == [(code, row, column)]
    assert store.query("SELECT count(*) FROM location").item() == 2


def test_real_csv_manager_absence_and_relationships_match_raw(
    real_csv: Path, real_store: DuckDBStore
) -> None:
    """Manager-absent dates and predecessor links equal an independent pandas + ast count."""
    raw = pd.read_csv(real_csv, dtype=str, keep_default_na=False)
    absent = raw[raw["registeredManagerAbsentDate"] != ""]
    expected_dates = {
        lid: pd.to_datetime(day, format="%d/%m/%Y").date()
        for lid, day in zip(
            absent["locationId"], absent["registeredManagerAbsentDate"], strict=True
        )
    }
    got = real_store.query(
        "SELECT location_id, registered_manager_absent_date FROM location "
        "WHERE registered_manager_absent"
    )
    assert dict(got.iter_rows()) == expected_dates
    present = real_store.query(
        "SELECT count(*) FROM location WHERE NOT registered_manager_absent "
        "AND registered_manager_absent_date IS NULL"
    ).item()
    assert present == len(raw) - len(absent)
    links = {
        (lid, e["relatedLocationId"], e["reason"])
        for lid, text in zip(raw["locationId"], raw["relationships"], strict=True)
        for e in ast.literal_eval(text)
    }
    stored = real_store.query(
        "SELECT location_id, related_location_id, reason FROM location_relationship "
        "WHERE relationship = 'predecessor'"
    )
    assert set(stored.iter_rows()) == links
    assert len(links) == 194


def test_ownership_change_and_manager_absence_load() -> None:
    """A predecessor link and a manager-absent date load; other rows say the manager is present."""
    store = DuckDBStore(":memory:")
    ingest_file(store, FIXTURES / "constructed_api_csv_ownership_change.csv")
    link = store.query("SELECT * EXCLUDE (release_id) FROM location_relationship").to_dicts()
    assert link == [
        {
            "location_id": "1-000000001",
            "related_location_id": "1-000000099",
            "related_location_name": "Constructed Care Home 1 (old provider)",
            "relationship": "predecessor",
            "reason": "New Provider",
        }
    ]
    managers = store.query(
        "SELECT location_id, registered_manager_absent, registered_manager_absent_date "
        "FROM location ORDER BY location_id"
    ).rows()
    assert managers == [
        ("1-000000001", True, date(2020, 9, 14)),
        ("1-000000002", False, None),
        ("1-000000003", False, None),
    ]


def test_records_without_the_manager_key_leave_it_unknown(tmp_path: Path) -> None:
    """Records that never carry registeredManagerAbsentDate store null (unknown), not false."""
    record = json.loads((FIXTURES / "constructed_api_location_single.json").read_text())
    with_key = DuckDBStore(":memory:")
    ingest_file(with_key, FIXTURES / "constructed_api_location_single.json")
    assert with_key.query("SELECT registered_manager_absent FROM location").item() is False
    del record["registeredManagerAbsentDate"]
    path = tmp_path / "constructed_api_location_no_manager_key.json"
    path.write_text(json.dumps(record))
    store = DuckDBStore(":memory:")
    ingest_file(store, path)
    assert store.query("SELECT registered_manager_absent FROM location").item() is None


def test_second_load_is_already_loaded() -> None:
    """Loading the same file twice changes nothing the second time."""
    store = DuckDBStore(":memory:")
    path = FIXTURES / "constructed_api_csv_ok.csv"
    assert ingest_file(store, path).outcome is Outcome.LOADED
    before = counts(store)
    assert ingest_file(store, path).outcome is Outcome.ALREADY_LOADED
    assert counts(store) == before


def test_release_date_option_wins() -> None:
    """--release-date is used instead of the report dates when given."""
    store = DuckDBStore(":memory:")
    options = ReadOptions(release_date=date(2021, 4, 30))
    result = ingest_file(store, FIXTURES / "constructed_api_csv_ok.csv", options)
    assert result.release_date == date(2021, 4, 30)


def test_manager_absent_after_the_load_date_is_a_problem() -> None:
    """An absence dated after the load day cannot have begun: a problem naming row and column."""
    options = ReadOptions(release_date=date(2020, 8, 1), load_date=date(2020, 9, 1))
    with pytest.raises(DataProblemError) as caught:
        ingest_file(
            DuckDBStore(":memory:"), FIXTURES / "constructed_api_csv_ownership_change.csv", options
        )
    found = [(p.code, p.row, p.column, p.value) for p in caught.value.problems]
    assert found == [(ProblemCode.FUTURE_DATE, 2, "registeredManagerAbsentDate", "14/09/2020")]
