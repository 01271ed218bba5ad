"""The Latest ratings adapter on the real Lincolnshire release and constructed fixtures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.cells import DateOrder
from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

LINCS = "cqc/latest_ratings_lincolnshire_2026-06.csv"


def test_real_release_dated_by_latest_publication(store: DuckDBStore, shared_data: Path) -> None:
    """The real file's month-first text dates are detected and its latest date dates it."""
    result = ingest_file(store, shared_data / LINCS)
    assert result.release_date == date(2026, 5, 29)
    raw = pd.read_csv(shared_data / LINCS, dtype=str)
    assert result.rows == len(raw)
    stored = store.query("SELECT count(*) AS n FROM location")["n"][0]
    assert stored == raw["Location ID"].nunique()


def test_real_overall_ratings_match_raw_file(store: DuckDBStore, shared_data: Path) -> None:
    """Each location's stored overall rating equals the raw Overall x Overall row."""
    ingest_file(store, shared_data / LINCS)
    raw = pd.read_csv(shared_data / LINCS, dtype=str)
    overall = raw[(raw["Service / Population Group"] == "Overall") & (raw["Domain"] == "Overall")]
    expected = dict(
        zip(overall["Location ID"], overall["Latest Rating"].str.lower().str.replace(" ", "_"),
            strict=True)
    )  # fmt: skip
    stored = store.query(
        "SELECT location_id, rating FROM rating "
        "WHERE service_group = 'Overall' AND key_question = 'overall'"
    )
    got = dict(zip(stored["location_id"], stored["rating"], strict=True))
    # Healthcare words ("Regulations met", "Not applicable") are no rating of a location.
    expected = {k: v for k, v in expected.items() if v not in ("regulations_met", "not_applicable")}
    assert got == expected


def test_real_dates_and_providers_sheet(store: DuckDBStore, fixtures: Path) -> None:
    """An .xlsx with real dates and a Providers sheet loads dates and provider postcodes."""
    result = ingest_file(store, fixtures / "cqc_ratings" / "constructed_ratings_real_dates.xlsx")
    assert result.release_date == date(2026, 4, 6)
    providers = store.query("SELECT provider_id, postcode FROM provider")
    assert providers.rows() == [("1-400000001", "NR2 2BB")]
    dates = store.query(
        "SELECT DISTINCT publication_date FROM rating WHERE location_id = '1-3000000002'"
    )["publication_date"].to_list()
    assert dates == [date(2024, 10, 2)]


def test_day_first_text_dates(store: DuckDBStore, fixtures: Path) -> None:
    """Day-first text dates read as the same days as the real dates."""
    ingest_file(store, fixtures / "cqc_ratings" / "constructed_ratings_day_first.csv")
    dates = store.query(
        "SELECT DISTINCT publication_date FROM rating WHERE location_id = '1-3000000001'"
    )["publication_date"].to_list()
    assert dates == [date(2025, 3, 17)]


def test_ambiguous_dates_need_a_date_order(store: DuckDBStore, fixtures: Path) -> None:
    """Dates that fit both orders stop the load unless --date-order says which."""
    path = fixtures / "cqc_ratings" / "constructed_ratings_ambiguous_dates.csv"
    with pytest.raises(DataProblemError) as caught:
        ingest_file(store, path)
    assert caught.value.problems[0].code is ProblemCode.AMBIGUOUS_DATE_ORDER
    ingest_file(store, path, ReadOptions(date_order=DateOrder.MONTH_FIRST))
    dates = store.query("SELECT DISTINCT publication_date FROM rating")["publication_date"]
    assert dates.to_list() == [date(2025, 4, 3)]


def test_unknown_rating_is_named(store: DuckDBStore, fixtures: Path) -> None:
    """An unknown rating word is reported with its row and column and nothing loads."""
    with pytest.raises(DataProblemError) as caught:
        ingest_file(store, fixtures / "cqc_ratings" / "constructed_ratings_unknown_rating.csv")
    (problem,) = caught.value.problems
    assert (problem.code, problem.row, problem.column, problem.value) == (
        ProblemCode.UNKNOWN_RATING, 9, "Latest Rating", "Superb",
    )  # fmt: skip
    assert store.query("SELECT count(*) AS n FROM release")["n"][0] == 0
