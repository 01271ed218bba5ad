"""Public editions hide small numbers and personal metrics; --previous lists what changed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from tests.report.conftest import figures_in

from caremarket.analysis import Gathered
from caremarket.domain.area import Area
from caremarket.metrics import METRICS
from caremarket.report.checklist import checklist_markdown
from caremarket.report.content import build_edition
from caremarket.report.context import ReportInputs
from caremarket.report.diff import read_previous
from caremarket.report.disclosure import disclosure_policy
from caremarket.report.html import render_html
from caremarket.report.mps import write_mps
from caremarket.report.sentences import change_text
from caremarket.store.duckdb_store import DuckDBStore


def glance_of(html: str) -> str:
    """The at-a-glance section of an HTML edition."""
    start = html.index('<section id="at-a-glance"')
    return html[start : html.index("<section id=", start + 10)]


PERSONAL = {name for name, m in METRICS.items() if m.personal}


def test_the_threshold_is_declared_with_its_reference() -> None:
    """The small-number threshold comes from disclosure.yaml, dated and referenced."""
    policy = disclosure_policy()
    assert policy.threshold == 5
    assert policy.url.startswith("https://")
    assert policy.hides(4) and not policy.hides(5) and not policy.hides(0)


def test_internal_edition_shows_personal_figures(gathered_with_personal: Gathered) -> None:
    """Without --public, spend and people funded from the agreements are shown."""
    edition = build_edition(ReportInputs(gathered_with_personal, "2026"))
    html = render_html(edition)
    shown = {f["data-metric"] for f in figures_in(html)}
    assert {"spend_in_year", "people_funded"} <= shown


def test_public_edition_drops_every_personal_metric(gathered_with_personal: Gathered) -> None:
    """--public leaves out every metric computed from person-level records, and says so."""
    policy = disclosure_policy()
    edition = build_edition(ReportInputs(gathered_with_personal, "2026"), policy=policy)
    html = render_html(edition)
    shown = {f["data-metric"] for f in figures_in(html)}
    assert not shown & PERSONAL
    assert "person-level records (spend, people funded" in html  # the cover says so
    assert "left out of the public edition" not in html  # the gaps are the editor's to see
    assert "left out of the public edition" in checklist_markdown(edition)
    assert f"fewer than {policy.threshold}" in html and policy.marker in html


def test_public_edition_suppresses_small_numbers(gathered_with_personal: Gathered) -> None:
    """Every figure resting on 1-4 records is shown as the marker, with no value in the page."""
    policy = disclosure_policy()
    internal = figures_in(render_html(build_edition(ReportInputs(gathered_with_personal, "2026"))))
    small = {
        f["data-key"] for f in internal if f["data-n"] and 0 < int(f["data-n"]) < policy.threshold
    }
    assert small, "the demo county has small cells to suppress"
    edition = build_edition(ReportInputs(gathered_with_personal, "2026"), policy=policy)
    public = figures_in(render_html(edition))
    by_key = {f["data-key"]: f for f in public}
    hidden = [by_key[k] for k in small if k in by_key]
    assert hidden
    for figure in hidden:
        assert figure["data-suppressed"] == "true"
        assert figure["data-value"] == ""
        assert figure["text"] == policy.marker
    for figure in public:
        if figure["data-n"] and 0 < int(figure["data-n"]) < policy.threshold:
            assert figure["data-value"] == "", figure
    # The editor's checklist counts the suppressed figures by what they measure.
    checklist = checklist_markdown(edition)
    suppressed = checklist.split("## Suppressed figures")[1].split("##")[0]
    labels = {f.label for f in edition.figures if f.suppressed}
    assert labels
    for label in labels:
        n = sum(1 for f in edition.figures if f.suppressed and f.label == label)
        assert f"- {label}: {n} figure" in suppressed


def test_previous_edition_lists_what_changed(
    demo_store: DuckDBStore, norfolk: Area, tmp_path: Path
) -> None:
    """An edition made with --previous lists the council-wide figures that changed."""
    before = write_mps(
        demo_store, norfolk, "2026-Q1", tmp_path / "q1", as_of=date(2026, 3, 1), pdf=False
    )
    after = write_mps(
        demo_store, norfolk, "2026", tmp_path / "now", previous=tmp_path / "q1", pdf=False
    )
    html = after.html.read_text(encoding="utf-8")
    assert "What changed since the last edition" in html
    assert "the 2026-Q1 edition (as at 1 March 2026)" in html
    old = {f.key.rsplit("|", 1)[0]: f for f in before.edition.figures}
    locations = next(
        f for f in after.edition.figures if f.key.startswith("locations|council|E10000020|all|all")
    )
    was = old["locations|council|E10000020|all|all"]
    if was.value != locations.value:
        assert f"<td>{was.text}</td><td>{locations.text}</td>" in html
    # The at-a-glance page gives each headline figure then and now, and the change in words
    # that agree with the two values.
    glance = glance_of(html)
    assert "At 1 March 2026: " in glance
    tile = next(
        t for t in re.findall(r'<li class="tile">(.*?)</li>', glance, re.S)
        if "Registered adult social care services" in t
    )  # fmt: skip
    if was.value is not None and locations.value is not None:
        expected = change_text(was.value, locations.value, "count")
        assert f'<span class="tile-delta">{expected}</span>' in tile
        assert expected.startswith("up" if locations.value > was.value else "down")


def test_first_edition_says_changes_are_not_shown(demo_store: DuckDBStore, norfolk: Area) -> None:
    """Without the last edition's figures, the at-a-glance page says changes are not shown."""
    from caremarket.report.mps import edition_inputs

    inputs, _ = edition_inputs(demo_store, norfolk, "2026", with_trend=False)
    html = render_html(build_edition(inputs))
    glance = glance_of(html)
    assert "Changes since the last edition are not shown" in glance
    assert "Registered adult social care services" in glance


def test_previous_must_be_an_edition_folder(tmp_path: Path) -> None:
    """--previous pointing at a folder with no figures.json says what to give it."""
    with pytest.raises(ValueError, match=r"figures\.json"):
        read_previous(tmp_path)
