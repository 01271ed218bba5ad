"""The demand track record on the real ASCOF samples, checked against the raw files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from caremarket.domain.area import find_council
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore
from caremarket.track_record import demand_track_record

NORFOLK = find_council("Norfolk")
assert NORFOLK is not None


def _raw_2020_21(path: Path, code: str) -> tuple[float, float]:
    """Norfolk's numerator and denominator for a measure, straight from the long-format file."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = rows[0]
    at = {name: header.index(name) for name in header}
    found = {
        r[at["Measure Type"]]: float(r[at["Measure Value"]])
        for r in rows[1:]
        if r[at["ONS Code"]] == "E10000020"
        and r[at["ASCOF Measure Code"]] == code
        and r[at["Disaggregation Level"]] == "Total"
    }
    return found["Numerator"], found["Denominator"]


def _raw_2024_25(path: Path, sheet: str) -> tuple[float, float]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    [row] = [r for r in rows if r[2] == "E10000020"]
    return float(row[3]), float(row[4])


SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "nhs"
OPEN_DATA = SHARED / "ascof_2020-21_open_data.xlsx"
TABLES = SHARED / "ascof_timeseries_2015-16_to_2024-25.ods"


@pytest.fixture(scope="module")
def ascof_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBStore]:
    """Both ASCOF samples loaded; a skip saying so when the real samples are absent."""
    if not SHARED.is_dir():
        pytest.skip(f"needs the real public data samples in {SHARED} (absent here)")
    with DuckDBStore(tmp_path_factory.mktemp("ascof") / "s.duckdb") as store:
        ingest_file(store, OPEN_DATA)
        ingest_file(store, TABLES)
        yield store


@pytest.mark.parametrize(
    ("old", "new", "sheet"), [("2A2", "2C", "Table_2c"), ("2A1", "2B", "Table_2b")]
)
def test_naive_forecast_and_recorded_count_match_the_raw_files(
    ascof_store: DuckDBStore, old: str, new: str, sheet: str
) -> None:
    """Norfolk 2020-21 to 2024-25: the recorded count and the naive forecast from the raw cells."""
    base_count, base_population = _raw_2020_21(OPEN_DATA, old)
    count, population = _raw_2024_25(TABLES, sheet)
    record = demand_track_record(ascof_store, NORFOLK)
    row = record.scored.filter(pl.col("measure_code") == new).row(0, named=True)
    assert (row["base_year"], row["target_year"], row["horizon"]) == (2020, 2024, 4)
    assert row["recorded"] == count
    assert row["naive"] == pytest.approx(base_count / base_population * population)
    assert row["naive_error_pct"] == pytest.approx((row["naive"] - count) / count * 100)
    assert row["projection"] is None  # no population projection of that time is loaded


def test_every_council_with_both_years_is_scored(ascof_store: DuckDBStore) -> None:
    """The summary counts each council with counts in both years once per measure."""
    record = demand_track_record(ascof_store)
    naive = record.summary.filter(pl.col("method") == "naive")
    assert set(naive["measure_code"]) == {"2B", "2C"}
    assert all(n > 140 for n in naive["councils"])
    assert record.summary.filter(pl.col("method") == "projection")["councils"].to_list() == [0, 0]


def test_a_projection_published_by_then_grows_the_base_count(
    ascof_store: DuckDBStore, tmp_path: Path
) -> None:
    """With a 2018-based projection loaded, the projection is the base count times its growth."""
    del ascof_store  # only for its skip: this test loads its own store
    from caremarket.demo.population import write_synthetic_projection

    source = Path(write_synthetic_projection(tmp_path))
    header, _, body = source.read_text().partition("\n")
    labels = header.split(",")
    years = [str(int(label) - 2) for label in labels[5:]]  # the same numbers, 2018-based
    based_2018 = tmp_path / "SYNTHETIC_norfolk_population_projection_2018-based.csv"
    based_2018.write_text(",".join(labels[:5] + years) + "\n" + body)
    frame = pl.read_csv(based_2018)
    older = frame.filter(
        (pl.col("AREA_CODE") == "E10000020") & (pl.col("SEX") == "persons")
        & pl.col("AGE_GROUP").is_in([str(a) for a in range(65, 90)] + ["90 and over"])
    )  # fmt: skip
    growth = older["2024"].sum() / older["2020"].sum()
    with DuckDBStore(tmp_path / "s.duckdb") as store:
        for path in (OPEN_DATA, TABLES, based_2018):
            ingest_file(store, path)
        record = demand_track_record(store, NORFOLK)
    row = record.scored.filter(pl.col("measure_code") == "2C").row(0, named=True)
    base_count, _ = _raw_2020_21(OPEN_DATA, "2A2")
    assert row["projection"] == pytest.approx(base_count * growth)
    assert record.projections_used


def test_the_command_says_what_to_load_and_refuses_a_bad_year(tmp_path: Path) -> None:
    """No ASCOF years to compare: exit 1 naming what to load; --from 2015/16x: exit 2."""
    from typer.testing import CliRunner

    from caremarket.cli.main import app

    db = tmp_path / "s.duckdb"
    DuckDBStore(db).close()
    empty = CliRunner().invoke(app, ["backtest", "demand", "--db", str(db)])
    assert empty.exit_code == 1
    assert "caremarket fetch nhs-ascof" in " ".join(empty.output.split())
    bad = CliRunner().invoke(app, ["backtest", "demand", "--db", str(db), "--from", "15/16"])
    assert bad.exit_code == 2
    assert "financial year such as 2015-16" in " ".join(bad.output.split())


def test_the_mps_demand_chapter_states_the_track_record(tmp_path: Path) -> None:
    """The MPS gives the council's past projection gaps: the same numbers as the backtest."""
    from typer.testing import CliRunner

    from caremarket.cli.main import app

    ratings = SHARED.parent / "cqc" / "latest_ratings_lincolnshire_2026-06.csv"
    if not ratings.exists():
        pytest.skip(f"needs the real public data samples in {SHARED.parent} (absent here)")
    db = tmp_path / "s.duckdb"
    with DuckDBStore(db) as store:
        for path in (ratings, OPEN_DATA, TABLES):
            ingest_file(store, path)
        lincolnshire = find_council("Lincolnshire")
        assert lincolnshire is not None
        record = demand_track_record(store, lincolnshire)
    out = tmp_path / "mps"
    result = CliRunner().invoke(app, ["report", "mps", "--la", "Lincolnshire", "--edition", "2026",
                                      "--out", str(out), "--db", str(db), "--no-pdf"])  # fmt: skip
    assert result.exit_code == 0, result.output
    html = " ".join((out / "lincolnshire-mps-2026.html").read_text().split())
    assert "How projections like these have done" in html
    for row in record.scored.to_dicts():
        assert f"{row['naive_error_pct']:+.1f}%" in html
    # Outcomes: Lincolnshire's 2C of 2024-25 as the raw table gives it, and its rank or why not.
    rows = CalamineWorkbook.from_path(str(TABLES)).get_sheet_by_name("Table_2c").to_python()
    [raw] = [r for r in rows if r[2] == lincolnshire.code]
    assert "How people who draw on care and support fare" in html
    assert f"{float(raw[5]):,.1f} per 100,000" in html
