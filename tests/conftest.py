"""Fixtures shared by every test: the real data samples and a fresh store."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import DataProblem, DataProblemError
from caremarket.pipeline import ingest_file
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
