"""Fixtures shared by every test: the real data samples and a fresh store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from caremarket.store.duckdb_store import DuckDBStore

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
