"""The ASC-FR adapters on NHS England's real 2015-16 and 2016-17 files, checked against the
raw files read with pandas, and on constructed files with one defect each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import SHARED_DATA

from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

ACTIVITY = "nhs/ascfr_2015-16_activity.csv"
CODED = "nhs/ascfr_2016-17_totals_coded.csv"
# Lincolnshire, Norfolk, Leeds, Camden, Stoke-on-Trent (named "Stoke on Trent" in 2015-16).
NAMES = {"Lincolnshire": "E10000019", "Norfolk": "E10000020", "Leeds": "E08000035",
         "Camden": "E09000007", "Stoke on Trent": "E06000021"}  # fmt: skip


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBStore]:
    """Both real ASC-FR files loaded once into one store."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the real public data samples in {SHARED_DATA} (absent here)")
    with DuckDBStore(tmp_path_factory.mktemp("ascfr") / "store.duckdb") as store:
        ingest_file(store, SHARED_DATA / ACTIVITY)
        ingest_file(store, SHARED_DATA / CODED)
        yield store


def test_activity_matches_raw_file(loaded: DuckDBStore) -> None:
    """Each council's activity rows equal the raw file's, by UUID; blank cells are null, not 0."""
    raw = pd.read_csv(SHARED_DATA / ACTIVITY, dtype=str)
    for name, code in NAMES.items():
        mine = raw[raw["Council Name"] == name]
        assert len(mine) > 100, name
        got = loaded.query(
            "SELECT line, value FROM ascfr_value WHERE la_code = ? AND year = '2015-16'", [code]
        )
        stored = dict(got.rows())
        assert set(stored) == set(mine["UUID"])
        blank = mine[mine["Value"].isna()]
        given = mine[mine["Value"].notna()]
        assert all(stored[u] is None for u in blank["UUID"])
        assert {u: stored[u] for u in given["UUID"]} == pytest.approx(
            dict(zip(given["UUID"], given["Value"].astype(float), strict=True))
        )


def test_activity_labels_as_published(loaded: DuckDBStore) -> None:
    """A row's labels are the raw file's (lower case); `-` is null, not a label."""
    raw = pd.read_csv(SHARED_DATA / ACTIVITY, dtype=str)
    first = raw[raw["Council Name"] == "Lincolnshire"].iloc[0]
    row = loaded.query(
        "SELECT care_type, activity_provision, age_band, primary_support_reason, "
        "support_setting, purpose, data_type FROM ascfr_value WHERE line = ?",
        [first["UUID"]],
    ).row(0)
    expected = [first[c] for c in ("Care Type", "Activity Provision", "Age Bands",
                "Primary support reason", "Long Term Support Setting", "Short Term Purpose",
                "Data Type")]  # fmt: skip
    assert list(row) == [None if e == "-" else e.lower() for e in expected]


def test_coded_money_matches_raw_file_in_pounds(loaded: DuckDBStore) -> None:
    """Each council's gross current expenditure is the raw file's sum in thousands x 1,000."""
    raw = pd.read_csv(SHARED_DATA / CODED, dtype={"GEOGRAPHY_CODE": str})
    for code in ("E10000019", "E10000020", "E08000035", "E09000007"):
        expected = raw.loc[raw["GEOGRAPHY_CODE"] == code, "GROSSCURRENTEXPENDITURE"].sum() * 1000
        got = loaded.query(
            "SELECT sum(value) AS v, count(*) AS n FROM ascfr_value "
            "WHERE la_code = ? AND measure = 'gross_current_expenditure'",
            [code],
        )
        assert got["v"][0] == pytest.approx(expected, rel=1e-9), code
        assert got["n"][0] == (raw["GEOGRAPHY_CODE"] == code).sum()


def test_coded_dimensions_without_reference_stay_codes(loaded: DuckDBStore) -> None:
    """No declared reference table: codes are kept as `code N` and the note says so."""
    labels = loaded.query(
        "SELECT DISTINCT care_type FROM ascfr_value WHERE year = '2016-17' ORDER BY 1"
    )["care_type"].to_list()
    assert labels == ["code 2", "code 3", "code 4"]
    note = loaded.query("SELECT note FROM release WHERE file_name = ?", [Path(CODED).name])["note"][
        0
    ]
    assert "not decoded" in note and "CareType_KEY" in note
    assert "E10000006" in note  # Cumbria: no council on the 2025 list, left out


def test_coded_mixed_years_is_a_problem(tmp_path: Path) -> None:
    """A coded file whose rows end different financial years is refused, naming the column."""
    header = (
        "FY_Ending,CASSR_CODE,GEOGRAPHY_CODE,REGION_GO_CODE,CareType_KEY,AgeBand_KEY,"
        "PrimarySupportReason_KEY,SupportSetting_KEY,Purpose_KEY,CarerSupportType_KEY,"
        "DataType_KEY,TOTALEXPENDITURE,TOTALINCOME,NETTOTALEXPENDITURE,GROSSTOTALEXPENDITURE,"
        "NETCURRENTEXPENDITURE,GROSSCURRENTEXPENDITURE\n"
    )
    path = tmp_path / "ascfr_totals.csv"
    path.write_text(
        header
        + "2017,102,E10000019,E12000004,2,1,4,3,,,1,1,0,1,1,1,1\n"
        + "2018,102,E10000019,E12000004,2,1,4,4,,,1,1,0,1,1,1,1\n"
    )
    with DuckDBStore(tmp_path / "s.duckdb") as store, pytest.raises(DataProblemError) as error:
        ingest_file(store, path)
    (problem,) = error.value.problems
    assert (problem.code, problem.column, problem.value) == (
        ProblemCode.BAD_FORMAT, "FY_Ending", "2017, 2018",
    )  # fmt: skip


def test_activity_bad_value_is_a_problem(tmp_path: Path) -> None:
    """An activity value that is not a number names its file, row and column."""
    path = tmp_path / "ascfr_2015-16_activity.csv"
    path.write_text(
        "UUID,Council Code,Council Name,Care Type,Activity Provision,Age Bands,"
        "Primary support reason,Long Term Support Setting,Short Term Purpose,Data Type,"
        "Value,Notes\n"
        "1,503,Lincolnshire,Long term,External,Age 18 to 64,Physical support,Residential,-,"
        "Mandatory,12,\n"
        "2,503,Lincolnshire,Long term,In house,Age 18 to 64,Physical support,Residential,-,"
        "Mandatory,lots,\n"
    )
    with DuckDBStore(tmp_path / "s.duckdb") as store, pytest.raises(DataProblemError) as error:
        ingest_file(store, path)
    (problem,) = error.value.problems
    assert (problem.code, problem.row, problem.column, problem.value) == (
        ProblemCode.NOT_A_NUMBER, 3, "Value", "lots",
    )  # fmt: skip
