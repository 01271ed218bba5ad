"""Figures agree with an independent count over the raw real files (plain pandas)."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from caremarket.figures import Breakdown, council_figures, national_figures
from caremarket.pipeline import council, ingest_file
from caremarket.store.duckdb_store import DuckDBStore

LINCS = "cqc/latest_ratings_lincolnshire_2026-06.csv"
API = "cqc/api_care_homes_devon_somerset_plymouth_torbay_2021-04.csv"
RATED = ("Outstanding", "Good", "Requires improvement", "Inadequate")


def _row(figures: list[dict[str, object]], sector: str, group: str = "all") -> dict[str, object]:
    (row,) = [r for r in figures if r["sector"] == sector and r["client_group"] == group]
    return row


def _expected(ratings: pd.Series, dates: pd.Series, as_of: date) -> dict[str, object]:
    rated = ratings.isin(RATED)
    good = ratings.isin(("Outstanding", "Good")) & rated
    ages = (pd.Timestamp(as_of) - pd.to_datetime(dates[rated])).dt.days / (365.25 / 12)
    return {
        "outstanding": int((ratings == "Outstanding").sum()),
        "good": int((ratings == "Good").sum()),
        "requires_improvement": int((ratings == "Requires improvement").sum()),
        "inadequate": int((ratings == "Inadequate").sum()),
        "not_rated": int((~rated).sum()),
        "pct_good_or_outstanding": round(100 * good.sum() / rated.sum(), 1),
        "median_rating_age_months": round(float(ages.median()), 1),
    }


def test_lincolnshire_matches_raw_ratings_file(store: DuckDBStore, shared_data: Path) -> None:
    """Lincolnshire's locations, providers and ratings equal a pandas count of the raw file."""
    ingest_file(store, shared_data / LINCS)
    as_of = date(2026, 6, 30)
    figures = council_figures(store, council("Lincolnshire"), as_of).records()

    raw = pd.read_csv(shared_data / LINCS, dtype=str)
    social = raw[
        (raw["Location Type"] == "Social Care Org")
        | raw["Location Primary Inspection Category"].isin(
            ["Residential social care", "Community based adult social care services"]
        )
    ]
    overall = social[
        (social["Service / Population Group"] == "Overall") & (social["Domain"] == "Overall")
    ].drop_duplicates("Location ID")
    dates = pd.to_datetime(overall["Publication Date"], format="%m/%d/%Y")
    everything = _row(figures, "all")
    assert everything["locations"] == social["Location ID"].nunique()
    assert everything["providers"] == social["Provider ID"].nunique()
    assert everything["beds"] is None  # the ratings release holds no beds
    for key, value in _expected(overall["Latest Rating"], dates, as_of).items():
        assert everything[key] == value, key

    homes = overall[overall["Care Home?"] == "Y"]
    care_home = _row(figures, "care_home")
    assert care_home["locations"] == len(homes)
    assert care_home["good"] == int((homes["Latest Rating"] == "Good").sum())
    home_care_ids = set(
        social.loc[social["Service / Population Group"] == "Homecare", "Location ID"]
    )
    assert _row(figures, "home_care")["locations"] == len(home_care_ids)


@pytest.mark.parametrize("la", ["Devon", "Somerset", "Plymouth", "Torbay"])
def test_api_extract_matches_raw_file(store: DuckDBStore, shared_data: Path, la: str) -> None:
    """Each council's care homes, beds and current ratings equal a pandas count of the raw rows."""
    ingest_file(store, shared_data / API)
    as_of = date(2021, 4, 1)
    figures = council_figures(store, council(la), as_of).records()

    raw = pd.read_csv(shared_data / API, dtype=str)
    raw = raw[(raw["localAuthority"] == la) & (raw["dormancy"] == "N")]
    current = raw["currentRatings"].map(lambda t: ast.literal_eval(t) if isinstance(t, str) else {})
    ratings = current.map(lambda c: c.get("overall", {}).get("rating"))
    dates = current.map(lambda c: c.get("overall", {}).get("reportDate"))
    everything = _row(figures, "all")
    assert everything["locations"] == len(raw)
    assert everything["providers"] == raw["providerId"].nunique()
    assert everything["beds"] == int(raw["numberOfBeds"].astype(int).sum())
    for key, value in _expected(ratings, dates, as_of).items():
        assert everything[key] == value, key

    nursing = raw[raw["gacServiceTypes"].str.contains("Care home service with nursing")]
    row = _row(figures, "care_home_nursing")
    assert row["locations"] == len(nursing)
    assert row["beds"] == int(nursing["numberOfBeds"].astype(int).sum())


def test_as_of_before_every_release_says_so(store: DuckDBStore, shared_data: Path) -> None:
    """Asking for a date before any loaded release is a clear LookupError, not zeros."""
    ingest_file(store, shared_data / API)
    with pytest.raises(LookupError, match="no CQC release on or before 2020-01-01"):
        council_figures(store, council("Devon"), date(2020, 1, 1))


def test_national_figures_equal_council_figures(store: DuckDBStore, shared_data: Path) -> None:
    """The one-pass national figures equal each council's own figures."""
    ingest_file(store, shared_data / API)
    ingest_file(store, shared_data / LINCS)
    as_of = date(2026, 6, 30)
    national = national_figures(store, as_of)
    assert sorted(national["la_code"].unique().to_list()) == sorted(
        ["E10000008", "E06000066", "E06000026", "E06000027", "E10000019"]
    )
    for code in national["la_code"].unique().to_list():
        own = council_figures(store, council(code), as_of).table
        theirs = national.filter(national["la_code"] == code)
        assert theirs.drop("la_code", "la_name").rows() == own.drop("area_code", "area_name").rows()


def test_district_breakdown_adds_up(store: DuckDBStore, shared_data: Path) -> None:
    """Devon's locations by district add up to the council's, every postcode placed."""
    ingest_file(store, shared_data / API)
    as_of = date(2021, 4, 1)
    total = _row(council_figures(store, council("Devon"), as_of).records(), "all")
    by_district = council_figures(store, council("Devon"), as_of, Breakdown.DISTRICT).records()
    alls = [r for r in by_district if r["sector"] == "all" and r["client_group"] == "all"]
    assert sum(int(str(r["locations"])) for r in alls) == total["locations"]
    assert {r["district_code"] for r in alls} <= {f"E070000{n}" for n in range(40, 48)}, (
        "every Devon postcode resolves to a Devon district"
    )


def test_lincolnshire_never_shows_zero_for_what_its_release_cannot_tell(
    store: DuckDBStore, shared_data: Path
) -> None:
    """Latest ratings has no nursing split, service types or beds: those cells are null with a
    reason, never 0; the 74 community services it does not name have their own row, and the
    sector rows cover every one of the 356 locations."""
    ingest_file(store, shared_data / LINCS)
    figures = council_figures(store, council("Lincolnshire"))
    assert figures.as_of == date(2026, 5, 29), "no --as-of: the latest release's date"
    records = [r for r in figures.records() if r["client_group"] == "all"]
    by_sector = {r["sector"]: r for r in records}
    for untold in ("care_home_nursing", "care_home_residential", "extra_care", "shared_lives"):
        row = by_sector[untold]
        assert row["locations"] is None and row["providers"] is None, untold
        assert "not given by CQC Latest ratings" in str(row["note"]), untold
    assert all(
        r["beds"] is None and "beds" in str(r["note"])
        for r in records
        if r["sector"] in ("all", "care_home")
    )
    assert by_sector["community_unspecified"]["locations"] == 74
    raw = pd.read_csv(shared_data / LINCS, dtype=str)
    social = raw[raw["Location Type"] == "Social Care Org"]
    community = social[social["Care Home?"] == "N"]
    named = community[
        community["Service / Population Group"].isin(["Homecare", "Supported Living"])
    ]
    assert by_sector["community_unspecified"]["locations"] == (
        community["Location ID"].nunique() - named["Location ID"].nunique()
    )
    assert "names a service only where" in str(by_sector["home_care"]["note"])
    ids = store.query(
        """
        SELECT DISTINCT s.location_id
        FROM location_sector s JOIN location l USING (release_id, location_id)
        WHERE l.adult_social_care
        """
    )["location_id"]
    assert ids.n_unique() == by_sector["all"]["locations"] == 356
    zeros = [r["sector"] for r in records if r["locations"] == 0]
    assert zeros == [], "a sector the release can tell holds locations here"


def test_devon_extract_lists_care_homes_only(store: DuckDBStore, shared_data: Path) -> None:
    """The API extract holds care homes only: home care and the other community sectors are
    not known (not 5 care homes that also do home care), and the release says why."""
    ingest_file(store, shared_data / API)
    records = council_figures(store, council("Devon")).records()
    home_care = _row(records, "home_care")
    assert home_care["locations"] is None
    assert "lists care homes only" in str(home_care["note"])
    assert not [r for r in records if r["sector"] == "home_care" and r["client_group"] != "all"]
    assert (
        _row(records, "care_home_nursing")["locations"] == 97
        or _row(records, "care_home_nursing")["locations"] is not None
    )


def test_a_store_made_before_facts_were_kept_derives_them(
    shared_data: Path, tmp_path: Path
) -> None:
    """Opened read-only without a release_fact table, the figures derive the same facts."""
    path = tmp_path / "before.duckdb"
    with DuckDBStore(path) as made:
        ingest_file(made, shared_data / API)
        expected = council_figures(made, council("Devon")).records()
        made._con.execute("DROP TABLE release_fact")  # tests only: a store from before
    with DuckDBStore(path, read_only=True) as old:
        assert council_figures(old, council("Devon")).records() == expected
