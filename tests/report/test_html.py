"""The HTML edition: its figures are the metrics engine's, every graphic is accessible, and
it needs no network."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from tests.report.conftest import figures_in

from caremarket.analysis import evaluate
from caremarket.domain.area import Area
from caremarket.metrics import Level
from caremarket.report.mps import WrittenEdition, write_mps
from caremarket.store.duckdb_store import DuckDBStore


@pytest.fixture(scope="module")
def written(
    demo_store: DuckDBStore, norfolk: Area, tmp_path_factory: pytest.TempPathFactory
) -> WrittenEdition:
    """The demo county's internal edition, HTML only."""
    out = tmp_path_factory.mktemp("mps")
    return write_mps(demo_store, norfolk, "2026", out, pdf=False)


def test_key_figures_equal_the_metrics_engine(
    written: WrittenEdition, demo_store: DuckDBStore, norfolk: Area
) -> None:
    """Every figure printed in the HTML equals the engine's value for its metric and cell."""
    from caremarket.analysis import gather

    gathered = gather(demo_store, norfolk)
    figures = figures_in(written.html.read_text(encoding="utf-8"))
    assert len(figures) > 200
    checked = 0
    cache: dict[tuple[str, str], pl.DataFrame] = {}
    for found in figures:
        metric, level, area, sector, group, period = found["data-key"].split("|")
        key = (metric, level)
        if key not in cache:
            cache[key] = evaluate(gathered, metric, Level(level)).frame
        cell = cache[key].filter(
            (pl.col("area_code") == area)
            & (pl.col("sector") == sector)
            & (pl.col("client_group") == group)
            & (pl.col("period") == period)
        )
        if cell.is_empty():
            # No row: the engine counted nothing there, printed as zero or n/a.
            assert found["data-value"] in ("0.0", ""), found
            continue
        expected = cell["value"][0]
        if expected is None:
            assert found["data-value"] == ""
        else:
            assert float(found["data-value"]) == pytest.approx(expected), found
        checked += 1
    assert checked > 150


def test_headline_figures_are_the_engines(
    written: WrittenEdition, demo_store: DuckDBStore, norfolk: Area
) -> None:
    """The headline locations, beds and % good on the page are the engine's council values."""
    from caremarket.analysis import gather

    gathered = gather(demo_store, norfolk)
    html = written.html.read_text(encoding="utf-8")
    for metric in ("locations", "beds", "pct_good_or_outstanding", "population_aged_65_plus"):
        result = evaluate(gathered, metric)
        period = sorted(result.frame["period"].unique())[0 if metric.startswith("pop") else -1]
        value = result.frame.filter(
            (pl.col("sector") == "all")
            & (pl.col("client_group") == "all")
            & (pl.col("period") == period)
        )["value"][0]
        key = f"{metric}|council|{norfolk.code}|all|all|{period}"
        assert f'data-key="{key}"' in html
        shown = next(f for f in figures_in(html) if f["data-key"] == key)
        assert float(shown["data-value"]) == value


def test_every_chart_and_map_has_a_table_and_alt_text(written: WrittenEdition) -> None:
    """Each chart and map is an SVG named by its alt text, followed by the table of its numbers."""
    html = written.html.read_text(encoding="utf-8")
    blocks = re.findall(r'<figure class="(chart|map)".*?</figure>', html, flags=re.S)
    assert len(blocks) >= 8
    kinds = set()
    for block in re.finditer(r'<figure class="(chart|map)"(.*?)</figure>', html, flags=re.S):
        kinds.add(block.group(1))
        body = block.group(2)
        assert re.search(r'<svg role="img" aria-labelledby="[^"]+"', body), body[:300]
        assert re.search(r"<title id=\"[^\"]+-alt\">[^<]{20,}</title>", body)
        assert '<p class="alt-text">' in body
        assert "<table" in body and '<th scope="col">' in body
    assert kinds == {"chart", "map"}


def test_no_network_reference(written: WrittenEdition) -> None:
    """No script, stylesheet, image or font is fetched: only the sources list links out."""
    html = written.html.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "<link" not in html
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?https?:", html)
    assert not re.search(r"\ssrc=\"https?:", html)
    appendix = html.index('<ol class="sources">')
    for match in re.finditer(r'href="(https?:[^"]+)"', html):
        assert match.start() > appendix, match.group(1)


def test_real_headings_and_contents(written: WrittenEdition) -> None:
    """The document has one h1, chapters as h2 and a contents list linking to each chapter."""
    html = written.html.read_text(encoding="utf-8")
    assert html.count("<h1") == 1
    for chapter in (
        "Demand",
        "Shaping the care market",
        "Market sectors",
        "Locality commissioning",
        "Appendix: sources and definitions",
    ):
        assert re.search(rf"<h2>.*{re.escape(chapter)}</h2>", html), chapter
    assert '<nav class="contents"' in html and 'href="#demand"' in html
    # Without the council's extract, the workforce has no figures: the chapter is left out.
    assert not re.search(r"<h2>.*Workforce</h2>", html)


def test_missing_sections_are_listed_in_the_checklist(written: WrittenEdition) -> None:
    """Sections without data are left out of the document and the editor's checklist beside it
    names what to load and how, instead of the document showing zeros or instructions."""
    html = written.html.read_text(encoding="utf-8")
    checklist = written.checklist.read_text(encoding="utf-8")
    assert written.checklist.parent == written.html.parent
    assert "not available yet" not in html and "ingest-council" not in html
    assert "**Workforce**: Workforce estimates" in checklist
    assert "no workforce estimates: load them with `caremarket ingest-council`" in checklist
    assert "No narrative loaded" in checklist and "`caremarket ingest-council FOLDER`" in checklist


def test_every_release_is_listed_with_date_and_licence(written: WrittenEdition) -> None:
    """Each release a figure cites is in the appendix with its date and licence."""
    html = written.html.read_text(encoding="utf-8")
    releases = {r for f in figures_in(html) for r in f["data-releases"].split()}
    assert releases
    for release in releases:
        entry = re.search(
            rf"<li id=\"src-[0-9a-f]+\"[^>]*>(.*?)Release id {re.escape(release)}", html, re.S
        )
        assert entry is not None, release
        assert "Licence:" in entry.group(1)
    assert "SYNTHETIC" in html


def test_figures_file_is_written(written: WrittenEdition) -> None:
    """figures.json sits beside the HTML and lists every figure with its releases."""
    import json

    document = json.loads(written.figures.read_text(encoding="utf-8"))
    assert document["council_code"] == "E10000020"
    assert len(document["figures"]) == len(written.edition.figures)
    assert all("release_ids" in f for f in document["figures"])


def test_narrative_markdown_is_rendered_and_html_escaped(
    demo_store: DuckDBStore, norfolk: Area
) -> None:
    """The council's Markdown becomes HTML; HTML inside it is shown as text, never run."""
    import dataclasses

    from caremarket.report.content import build_edition
    from caremarket.report.html import render_html
    from caremarket.report.mps import edition_inputs

    inputs, _ = edition_inputs(demo_store, norfolk, "2026", with_trend=False)
    narrative = pl.DataFrame(
        {
            "section": ["introduction", "commissioning_intentions"],
            "sector": [None, "home_care"],
            "client_group": [None, None],
            "locality": [None, None],
            "title": ["Foreword", "Home care in the north"],
            "body_markdown": ["We **will** pay more. <script>alert(1)</script>", "- one\n- two"],
            "position": [1, 1],
        },
        schema_overrides={"sector": pl.String, "client_group": pl.String, "locality": pl.String},
    )
    edition = build_edition(dataclasses.replace(inputs, narrative=narrative))
    html = render_html(edition)
    assert "<strong>will</strong>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<h4>Home care in the north</h4>" in html
    assert "<li>one</li>" in html


def test_help_of_report_mps(tmp_path: Path) -> None:
    """The command documents its options."""
    from typer.testing import CliRunner

    from caremarket.cli.main import app

    result = CliRunner().invoke(app, ["report", "mps", "--help"])
    assert result.exit_code == 0
    for option in (
        "--la", "--edition", "--out", "--public", "--previous", "--db", "--as-of", "--draft",
        "--branding",
    ):  # fmt: skip
        assert option in result.output


def test_report_mps_refuses_an_unusable_branding_file(tmp_path: Path) -> None:
    """A branding file that cannot be used stops the command with one line naming it."""
    from typer.testing import CliRunner

    from caremarket.cli.main import app
    from caremarket.store.duckdb_store import DuckDBStore

    bad = tmp_path / "branding.yaml"
    bad.write_text("colours:\n  accent: '#eeeeee'\n", encoding="utf-8")
    DuckDBStore(tmp_path / "none.duckdb").close()  # a store, so the branding is what is wrong
    result = CliRunner().invoke(
        app,
        ["report", "mps", "--la", "Norfolk", "--out", str(tmp_path / "x"), "--branding", str(bad),
         "--db", str(tmp_path / "none.duckdb")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "colours.accent #eeeeee has contrast" in result.output
    assert "Traceback" not in result.output
