"""Tests of the synthetic demo data: reproducible, calibrated, in CQC's real layout."""

from __future__ import annotations

import csv
import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from caremarket.demo import DemoManifest, generate
from caremarket.demo.calibration import load_calibration
from caremarket.demo.national import write_national_hsca
from caremarket.ingest.cqc.hsca_layout import (
    DATA_SHEET,
    HSCA_COLUMNS_2026,
    HSCA_COLUMNS_LEGACY,
    NUM_COLUMNS_2026,
    SERVICE_TYPES,
)

_ST = "Service type - "


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    """One generated demo data set shared by the tests of this module."""
    return generate(tmp_path_factory.mktemp("demo_a"))


def _sheet(path: Path, name: str) -> list[list[Any]]:
    rows: list[list[Any]] = (
        CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    )
    return rows


def _records(path: Path) -> list[dict[str, Any]]:
    header, *body = _sheet(path, DATA_SHEET)
    return [dict(zip(header, row, strict=True)) for row in body]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_layout_has_the_2026_columns_in_parts() -> None:
    """The 2026 layout has 33 service types and 122 unique columns; legacy drops two CCG columns."""
    assert len(SERVICE_TYPES) == 33
    assert NUM_COLUMNS_2026 == len(set(HSCA_COLUMNS_2026)) == 122
    assert len(HSCA_COLUMNS_LEGACY) == 120
    assert "Location Post Code" in HSCA_COLUMNS_LEGACY
    assert "Location Postal Code" not in HSCA_COLUMNS_LEGACY


def test_same_seed_gives_same_files(demo: DemoManifest, tmp_path: Path) -> None:
    """Two runs with the same seed write byte-identical CSVs and identical spreadsheet cells."""
    again = generate(tmp_path, seed=demo.seed)
    for first, second in zip(demo.files, again.files, strict=True):
        assert first.name == second.name
        if first.suffix == ".xlsx":
            assert _sheet(first, DATA_SHEET) == _sheet(second, DATA_SHEET)
        else:
            assert _digest(first) == _digest(second), first.name


def test_other_seed_gives_other_market(demo: DemoManifest, tmp_path: Path) -> None:
    """A different seed gives a different market."""
    other = generate(tmp_path, seed=demo.seed + 1)
    assert _digest(other.tables[0]) != _digest(demo.tables[0])


def test_release_names_and_layout(demo: DemoManifest) -> None:
    """Six monthly releases, named as CQC names them, each with the exact 2026 header."""
    assert [p.name for p in demo.releases] == [
        f"01_{month}_2026_HSCA_Active_Locations.xlsx"
        for month in ("January", "February", "March", "April", "May", "June")
    ]
    for path in demo.releases:
        assert tuple(_sheet(path, DATA_SHEET)[0]) == HSCA_COLUMNS_2026
        readme = [row[0] for row in _sheet(path, "README")]
        assert any(str(line).startswith("Source: CQC database as at 01 ") for line in readme)
        assert any("SYNTHETIC" in str(line) for line in readme)


def test_counts_near_calibration(demo: DemoManifest) -> None:
    """January's care homes, nursing homes, beds and home care land within 15% of the targets."""
    cal = load_calibration()
    rows = [
        r
        for r in _records(demo.releases[0])
        if r["Primary ID (Dual registration locations)"] in ("", r["Location ID"])
    ]
    homes = [r for r in rows if r["Care home?"] == "Y"]
    nursing = [r for r in homes if r[_ST + "Care home service with nursing"] == "Y"]
    beds = sum(int(r["Care homes beds"]) for r in homes)
    home_care = [r for r in rows if r[_ST + "Domiciliary care service"] == "Y"]
    for got, target in (
        (len(homes), "care_homes"),
        (len(nursing), "nursing_homes"),
        (beds, "care_home_beds"),
        (len(home_care), "home_care_locations"),
    ):
        assert abs(got - cal.number(target)) <= 0.15 * cal.number(target), target


def test_months_change(demo: DemoManifest) -> None:
    """Between January and June locations open (not yet rated) and close, and ratings move."""
    jan = {r["Location ID"]: r for r in _records(demo.releases[0])}
    jun = {r["Location ID"]: r for r in _records(demo.releases[-1])}
    opened = set(jun) - set(jan)
    assert set(jan) - set(jun)
    assert opened
    assert any(jun[i]["Location Latest Overall Rating"] == "" for i in opened)
    republished = [
        i for i in set(jan) & set(jun) if jan[i]["Publication Date"] != jun[i]["Publication Date"]
    ]
    assert republished


def test_council_tables_hit_targets(demo: DemoManifest) -> None:
    """The interim care list and service agreements reproduce the published Norfolk figures."""
    by_name = {p.stem: p for p in demo.tables}
    with by_name["interim_care_list"].open(newline="") as handle:
        waiting = [r for r in csv.DictReader(handle) if r["date_sourced"] == ""]
    hours = sum(float(r["hours_per_week"]) for r in waiting)
    nsw = sum(
        float(r["hours_per_week"]) for r in waiting if r["locality"] in ("North", "South", "West")
    )
    assert len(waiting) == 65
    assert hours == pytest.approx(590)
    assert nsw / hours == pytest.approx(0.91, abs=0.02)
    with by_name["service_agreements"].open(newline="") as handle:
        agreements = list(csv.DictReader(handle))
    current = [r for r in agreements if r["end_date"] == ""]
    council = [r for r in current if r["funding"] in ("council_managed", "direct_payment")]
    spend = sum(float(r["weekly_cost_gbp"]) for r in council) * 365.25 / 7
    assert spend == pytest.approx(290e6, rel=0.001)
    home = [r for r in council if r["sector"] == "home_care"]
    dp = sum(float(r["weekly_cost_gbp"]) for r in home if r["funding"] == "direct_payment")
    assert dp / sum(float(r["weekly_cost_gbp"]) for r in home) == pytest.approx(0.34, abs=0.04)


def _as_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_national_formats_agree(tmp_path: Path) -> None:
    """The national writer's .csv, .xlsx and .ods of 2,000 rows hold the same cell values."""
    tables: dict[str, list[list[str]]] = {}
    for suffix in (".csv", ".xlsx", ".ods"):
        path = write_national_hsca(
            tmp_path / f"01_June_2026_HSCA_Active_Locations{suffix}", rows=2000, seed=3
        )
        if suffix == ".csv":
            with path.open(newline="", encoding="utf-8") as handle:
                rows: list[list[Any]] = list(csv.reader(handle))
        else:
            rows = _sheet(path, DATA_SHEET)
        tables[suffix] = [[_as_text(v) for v in row] for row in rows]
    assert len(tables[".csv"]) == 2001
    assert tuple(tables[".csv"][0]) == HSCA_COLUMNS_2026
    assert tables[".csv"] == tables[".xlsx"] == tables[".ods"]


def test_council_folder_loads_cleanly(demo: DemoManifest, tmp_path: Path) -> None:
    """The demo's council folder loads strictly, every table filled, all synthetic, for Norfolk."""
    from caremarket.pipeline import ingest_council, ingest_file
    from caremarket.store.duckdb_store import DuckDBStore

    with DuckDBStore(tmp_path / "demo.duckdb") as store:
        ingest_file(store, demo.localities)
        result = ingest_council(store, demo.council_dir)
        assert result.la_code == "E10000020"
        assert not result.problems
        assert len(result.files) == 6
        for table in (
            "service_agreement",
            "interim_care_entry",
            "workforce",
            "fee_rate",
            "local_assessment",
            "narrative_block",
        ):
            assert store.query(f"SELECT count(*) AS n FROM {table}")["n"][0] > 0, table
        licences = store.query("SELECT DISTINCT licence FROM release WHERE source_id <> ?",
                               ["council_localities"])["licence"].to_list()  # fmt: skip
        assert licences == ["Synthetic demo data (no real people or services)"]
        sections = set(store.query("SELECT section FROM narrative_block")["section"].to_list())
        assert sections >= {
            "introduction", "strategic_context", "we_said_we_did",
            "commissioning_intentions", "key_messages",
        }  # fmt: skip
