"""The demo county with its council extract: the council's narrative and person-level figures
appear in the internal edition, and the public edition leaves the personal ones out."""

from __future__ import annotations

from pathlib import Path

from tests.report.conftest import figures_in

from caremarket.analysis import evaluate, gather
from caremarket.domain.area import Area
from caremarket.metrics import METRICS
from caremarket.report.mps import read_narrative, write_mps
from caremarket.store.duckdb_store import DuckDBStore

PERSONAL = {name for name, m in METRICS.items() if m.personal}


def test_narrative_blocks_come_from_the_store(
    council_store: DuckDBStore, norfolk: Area, tmp_path: Path
) -> None:
    """Each narrative block the council loaded is rendered under its title."""
    written = write_mps(council_store, norfolk, "2026", tmp_path, pdf=False)
    blocks = read_narrative(council_store, norfolk, written.edition.as_of)
    assert blocks is not None and blocks.height > 0
    html = written.html.read_text(encoding="utf-8")
    for title in blocks["title"].to_list():
        assert f"<h4>{title}</h4>".replace("'", "&#39;") in html, title


def test_spend_key_data_equals_the_engine(
    council_store: DuckDBStore, norfolk: Area, tmp_path: Path
) -> None:
    """ "Our spend on home care for older people" is the engine's spend_in_year for that cell."""
    written = write_mps(council_store, norfolk, "2026", tmp_path, pdf=False)
    html = written.html.read_text(encoding="utf-8")
    result = evaluate(gather(council_store, norfolk), "spend_in_year")
    expected = result.value("home_care", "older_people")
    assert expected is not None and expected > 0
    shown = [
        f for f in figures_in(html)
        if f["data-metric"] == "spend_in_year" and "|council|" in f["data-key"]
        and f["data-key"].split("|")[3:5] == ["home_care", "older_people"]
    ]  # fmt: skip
    assert shown and float(shown[0]["data-value"]) == expected
    assert "Our spend on home care for older people in" in html


def test_public_edition_of_the_demo_hides_personal_metrics(
    council_store: DuckDBStore, norfolk: Area, tmp_path: Path
) -> None:
    """With the council's person-level tables loaded, --public still shows none of them."""
    written = write_mps(council_store, norfolk, "2026", tmp_path, public=True, pdf=False)
    metrics = {f["data-metric"] for f in figures_in(written.html.read_text(encoding="utf-8"))}
    assert metrics and not metrics & PERSONAL
    assert written.html.name.endswith("-public.html")
