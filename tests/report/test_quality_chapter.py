"""The quality early warning chapter: in the council's internal edition, never in the public one."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.domain.area import find_council
from caremarket.pipeline import ingest_file
from caremarket.report.chapters.quality_warning import TITLE
from caremarket.report.mps import write_mps
from caremarket.store.duckdb_store import DuckDBStore

pytestmark = pytest.mark.shared

API = "cqc/api_care_homes_devon_somerset_plymouth_torbay_2021-04.csv"


def test_warning_only_in_the_internal_edition(shared_data: Path, tmp_path: Path) -> None:
    """Devon's internal edition lists services at risk with reasons; the public one has none."""
    council = find_council("Devon")
    assert council is not None
    with DuckDBStore(tmp_path / "devon.duckdb") as store:
        ingest_file(store, shared_data / API)
        internal = write_mps(store, council, "2021", tmp_path / "internal", pdf=False)
        public = write_mps(store, council, "2021", tmp_path / "public", public=True, pdf=False)
    inside = internal.html.read_text(encoding="utf-8")
    outside = public.html.read_text(encoding="utf-8")
    assert TITLE in inside
    assert "services most at risk of a worse rating in Devon" in inside
    assert "Last rated Inadequate" in inside  # a reason, as the council reads it
    assert TITLE not in outside
    assert "most at risk" not in outside
    assert "Last rated Inadequate" not in outside
    assert not any(s.key == "quality-warning" for s in public.edition.sections)
