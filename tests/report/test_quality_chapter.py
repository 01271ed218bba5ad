"""The quality early warning chapter: in the council's internal edition, never in the public one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from caremarket.domain.area import find_council
from caremarket.pipeline import ingest_file
from caremarket.report.chapters.quality_warning import KEY, TITLE
from caremarket.report.content import build_edition
from caremarket.report.disclosure import disclosure_policy
from caremarket.report.html import render_html
from caremarket.report.mps import write_mps
from caremarket.store.duckdb_store import DuckDBStore

pytestmark = pytest.mark.shared

API = "cqc/api_care_homes_devon_somerset_plymouth_torbay_2021-04.csv"


def test_warning_only_in_the_internal_edition(shared_data: Path, tmp_path: Path) -> None:
    """Devon's internal edition lists services at risk with reasons; a public one never does,
    even when built from inputs that carry the warning."""
    council = find_council("Devon")
    assert council is not None
    with DuckDBStore(tmp_path / "devon.duckdb") as store:
        ingest_file(store, shared_data / API)
        internal = write_mps(store, council, "2021", tmp_path / "internal", pdf=False)
        from caremarket.report.mps import edition_inputs, internal_warning

        inputs, _ = edition_inputs(store, council, "2021", with_trend=False)
        warned = dataclasses.replace(
            inputs, quality_warning=internal_warning(store, council, inputs)
        )
    inside = internal.html.read_text(encoding="utf-8")
    assert TITLE in inside
    assert "services most at risk of a worse rating in Devon" in inside
    assert "Last rated Inadequate" in inside  # a reason, as the council reads it
    assert "good or outstanding by CQC or local assessment" in inside
    assert "predecessor not loaded" in inside  # every input rule counted
    assert warned.quality_warning is not None
    public = build_edition(warned, policy=disclosure_policy())
    outside = render_html(public)
    assert not any(s.key == KEY for s in public.sections)
    assert TITLE not in outside
    assert "most at risk" not in outside
    assert "Last rated Inadequate" not in outside
