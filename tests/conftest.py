"""Fixtures shared by every test: the real data samples and a fresh store."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import DataProblem, DataProblemError
from caremarket.pipeline import ingest_council, ingest_file
from caremarket.store.duckdb_store import DuckDBStore

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def shared_data() -> Path:
    """The real public data samples, or a skip saying they are absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the real public data samples in {SHARED_DATA} (absent here)")
    return SHARED_DATA


@pytest.fixture
def fixtures() -> Path:
    """The constructed fixture files."""
    return FIXTURES


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    """A fresh DuckDB store in a temporary file."""
    with DuckDBStore(tmp_path / "caremarket.duckdb") as opened:
        yield opened


RefusedStrictly = Callable[..., tuple[DataProblem, ...]]


@pytest.fixture
def refused_strictly() -> RefusedStrictly:
    """A check that a strict load of a file is refused and leaves its store empty."""
    return _refused_strictly


def _refused_strictly(
    path: Path, store_path: Path, options: ReadOptions = ReadOptions()
) -> tuple[DataProblem, ...]:
    """Load a file strictly into a fresh store, check it is refused and nothing stays."""
    with DuckDBStore(store_path) as strict:
        with pytest.raises(DataProblemError) as error:
            ingest_file(strict, path, options)
        for table in ("release", "location", "population", "postcode", "boundary", "locality"):
            assert strict.query(f"SELECT count(*) AS n FROM {table}")["n"][0] == 0, table
    return error.value.problems


CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless (skipped when absent; in CI, absent is a failure)."""
    if not shutil.which("chromium") and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("chromium is missing: run scripts/ensure-system-packages.sh")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


TWO_BRANCH_HSCA = (
    FIXTURES / "cqc_hsca" / "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"
)
# Two home-care branches in Norfolk: one at Norwich's edge (NR11), one in King's Lynn (PE30).
TWO_BRANCHES = (
    ("1-1000000003", "North Branch", "NR11 6AA", "52.793978", "1.250406", "1-200000002"),
    ("1-1000000099", "West Branch", "PE30 1AA", "52.757433", "0.400602", "1-200000099"),
)


def _two_branch_release(folder: Path) -> Path:
    """The constructed HSCA release with only the two branches, moved to Norfolk."""
    with TWO_BRANCH_HSCA.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, template = rows[0], next(r for r in rows if r[0] == "1-1000000003")
    column = {name: i for i, name in enumerate(header)}
    out = []
    for location, name, postcode, lat, lon, provider in TWO_BRANCHES:
        row = list(template)
        for key, value in (
            ("Location ID", location),
            ("Location Name", name),
            ("Location Postal Code", postcode),
            ("Location Latitude", lat),
            ("Location Longitude", lon),
            ("Location Local Authority", "Norfolk"),
            ("Location Region", "East of England"),
            ("Location City", "Norwich"),
            ("Provider ID", provider),
            ("Provider Name", f"Provider {provider}"),
        ):
            row[column[key]] = value
        out.append(row)
    path = folder / "01_March_2026_HSCA_Active_Locations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *out])
    return path


def _two_branch_extract(folder: Path) -> Path:
    """A council extract: three running packages per branch near it, one person waiting."""
    extract = folder / "council"
    extract.mkdir()
    (extract / "council.yaml").write_text("council: Norfolk\nextract_date: 2026-06-01\n")
    header = (
        "agreement_id,person_id,sector,client_group,cqc_location_id,provider_id,locality,"
        "postcode_district,start_date,end_date,hours_per_week,weekly_cost_gbp,funding,"
        "framework_tier"
    )
    lines = [header]
    n = 0
    for location, district, locality in (("1-1000000003", "NR11", "North"),
                                         ("1-1000000099", "PE30", "West")):  # fmt: skip
        for _ in range(3):
            n += 1
            lines.append(
                f"SA{n:06d},P{100000 + n},home_care,older_people,{location},,{locality},"
                f"{district},2025-09-01,,7,168.00,council_managed,framework"
            )
    (extract / "service_agreements.csv").write_text("\n".join(lines) + "\n")
    (extract / "interim_care_list.csv").write_text(
        "person_id,locality,postcode_district,hours_per_week,date_added,date_sourced,reason\n"
        "P500101,North,NR11,7,2026-02-02,,rural location: long travel between calls\n"
    )
    return extract


@pytest.fixture
def two_branch_store(tmp_path: Path) -> Path:
    """A Norfolk store: two home-care branches (NR11, PE30), three packages each, one waiting."""
    path = tmp_path / "two-branches.duckdb"
    with DuckDBStore(path) as store:
        ingest_file(store, _two_branch_release(tmp_path))
        ingest_council(store, _two_branch_extract(tmp_path))
    return path
