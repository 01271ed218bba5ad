"""CQC weekly directory CSV: constructed files from the documented header, real vocabulary."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from caremarket.domain.client_group import SPECIALISM_GROUPS
from caremarket.domain.sector import DIRECTORY_SERVICE_TYPE_SECTORS
from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.pipeline import Outcome, ingest_file
from caremarket.store.duckdb_store import DuckDBStore

FIXTURES = Path(__file__).parents[1] / "fixtures" / "cqc_directory"
SHARED = Path(os.environ.get("CAREMARKET_SHARED_DATA", Path(__file__).parents[3] / "shared/data"))
REAL_COUNTS = "cqc/directory_2024-10-02_counts_by_region_specialism_servicetype.csv"
TABLES = ("location", "provider", "location_sector", "location_client_group", "rating")
LOCATION_ID = "CQC Location ID (for office use only)"


def counts(store: DuckDBStore) -> dict[str, int]:
    """Row counts of the canonical tables a directory release fills."""
    return {t: int(store.query(f"SELECT count(*) FROM {t}").item()) for t in (*TABLES, "release")}


def loaded(name: str, options: ReadOptions = ReadOptions()) -> DuckDBStore:
    """A store holding one constructed directory file, loaded strictly."""
    store = DuckDBStore(":memory:")
    ingest_file(store, FIXTURES / name, options)
    return store


def test_directory_loads_locations_without_beds_or_ratings() -> None:
    """Every row loads with its council code; beds are null (never 0) and there are no ratings."""
    store = loaded("constructed_directory_ok.csv")
    frame = store.query("SELECT * FROM location ORDER BY location_id")
    assert frame.height == 5
    assert frame["la_code"].to_list() == [
        "E10000008", "E06000027", "E06000026", "E06000066", "E10000008",
    ]  # fmt: skip
    assert frame["beds"].null_count() == 5
    assert frame["care_home"].to_list() == [True, True, False, False, False]
    assert frame["adult_social_care"].to_list() == [True, True, True, True, False]
    assert counts(store)["rating"] == 0
    provider = store.query("SELECT name FROM provider WHERE provider_id = '1-100000001'").item()
    assert provider == "Example Care Ltd"


def test_directory_release_date_from_produced_on_line() -> None:
    """The release date is read from `This data was produced on 02 October 2024`."""
    store = loaded("constructed_directory_ok.csv")
    row = store.query("SELECT release_date, note FROM release").row(0, named=True)
    assert row["release_date"] == date(2024, 10, 2)
    assert "produced on" in row["note"]


def test_directory_sectors_and_client_groups() -> None:
    """Service types give sectors (care homes also in care_home), specialisms client groups."""
    store = loaded("constructed_directory_ok.csv")
    sectors = store.query(
        "SELECT location_id, list(sector ORDER BY sector) AS s FROM location_sector GROUP BY 1"
    )
    got = {r["location_id"]: r["s"] for r in sectors.to_dicts()}
    assert got == {
        "1-000000001": ["care_home", "care_home_nursing", "care_home_residential"],
        "1-000000002": ["care_home", "care_home_residential"],
        "1-000000003": ["home_care", "supported_living"],
        "1-000000004": ["extra_care"],
    }
    groups = store.query(
        "SELECT location_id, list(client_group ORDER BY client_group) AS g "
        "FROM location_client_group GROUP BY 1"
    )
    got = {r["location_id"]: r["g"] for r in groups.to_dicts()}
    assert got == {
        "1-000000001": ["dementia", "older_people", "physical_disability"],
        "1-000000002": ["older_people", "sensory_impairment"],
        "1-000000003": ["learning_disability_autism", "mental_health", "younger_adults"],
        "1-000000004": ["older_people", "substance_misuse"],
    }


@pytest.mark.parametrize(
    "name", ["constructed_directory_bad_date_line.csv", "constructed_directory_no_date_line.csv"]
)
def test_directory_without_readable_date_needs_release_date(name: str) -> None:
    """No readable `produced on` date: NO_RELEASE_DATE even leniently; --release-date loads it."""
    store = DuckDBStore(":memory:")
    for lenient in (False, True):
        with pytest.raises(DataProblemError) as caught:
            ingest_file(store, FIXTURES / name, lenient=lenient)
        assert [p.code for p in caught.value.problems] == [ProblemCode.NO_RELEASE_DATE]
    assert counts(store)["release"] == 0
    options = ReadOptions(release_date=date(2024, 10, 1))
    result = ingest_file(store, FIXTURES / name, options)
    assert result.release_date == date(2024, 10, 1)
    assert counts(store)["location"] == 5


def test_directory_duplicate_row_is_atomic() -> None:
    """A repeated location id loads nothing strictly, and the other rows leniently."""
    store = DuckDBStore(":memory:")
    path = FIXTURES / "constructed_directory_duplicate_id.csv"
    with pytest.raises(DataProblemError) as caught:
        ingest_file(store, path)
    expected = [(ProblemCode.DUPLICATE_ID, 10, LOCATION_ID)]
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == expected
    assert all(n == 0 for n in counts(store).values())
    result = ingest_file(store, path, lenient=True)
    assert [(p.code, p.row, p.column) for p in result.problems] == expected
    assert counts(store)["location"] == 4


def test_directory_second_load_is_already_loaded() -> None:
    """Loading the same directory twice changes nothing the second time."""
    store = DuckDBStore(":memory:")
    path = FIXTURES / "constructed_directory_ok.csv"
    assert ingest_file(store, path).outcome is Outcome.LOADED
    before = counts(store)
    assert ingest_file(store, path).outcome is Outcome.ALREADY_LOADED
    assert counts(store) == before


def test_real_directory_vocabulary_is_mapped() -> None:
    """Every social care service type and adult specialism in the real 2024 directory maps."""
    path = SHARED / REAL_COUNTS
    if not path.exists():
        pytest.skip(f"needs ../shared/data (the real public samples): {path} not found")
    raw = pd.read_csv(path, dtype=str)
    types = {w for cell in raw["ServiceTypes"].dropna() for w in cell.split("|")}
    specialisms = {w for cell in raw["Specialisms"].dropna() for w in cell.split("|")}
    social_care = {
        "Nursing homes", "Residential homes", "Homecare agencies", "Supported living",
        "Supported housing", "Shared lives", "Community services - Learning disabilities",
        "Community services - Mental Health", "Community services - Substance abuse",
    }  # fmt: skip
    assert social_care <= types
    assert social_care <= set(DIRECTORY_SERVICE_TYPE_SECTORS)
    no_adult_group = {
        "Services for everyone",
        "Caring for children (0 - 18yrs)",
        "Eating disorders",
        "Caring for people whose rights are restricted under the Mental Health Act",
    }
    assert specialisms - no_adult_group <= set(SPECIALISM_GROUPS)
