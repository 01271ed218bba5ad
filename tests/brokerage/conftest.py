"""Fixtures for the rounds planner: the benchmark folder and small problems."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANKOWSKA = ROOT.parent / "shared" / "bench" / "hhcrsp_mankowska2014"
ROUNDS_FIXTURES = ROOT / "tests" / "fixtures" / "rounds"


@pytest.fixture
def mankowska_dir() -> Path:
    """The Mankowska benchmark folder, or a skip saying it is absent."""
    if not (MANKOWSKA / "instances").is_dir():
        pytest.skip(f"needs the benchmark instances in {MANKOWSKA} (absent here)")
    return MANKOWSKA


@pytest.fixture
def rounds_fixtures() -> Path:
    """The constructed visits and carers CSV files."""
    return ROUNDS_FIXTURES
