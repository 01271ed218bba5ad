"""The demo's edition as a council would publish it: no build instruction in the HTML or the
PDF, an editor's checklist beside it, a tagged PDF with its metadata and bookmarks, and an
HTML edition that axe-core finds no serious or critical violation in."""

from __future__ import annotations

import re
import subprocess
import zlib
from html import unescape
from itertools import pairwise
from pathlib import Path

import pytest
from tests.report.conftest import ARTIFACTS, need_poppler

from caremarket.domain.area import Area
from caremarket.report.mps import WrittenEdition, write_mps
from caremarket.store.duckdb_store import DuckDBStore

BUILD_WORDS = ("not available yet", "ingest-council", "caremarket ingest", "--public", ": load ")


@pytest.fixture(scope="module")
def published(
    council_store: DuckDBStore, norfolk: Area, tmp_path_factory: pytest.TempPathFactory
) -> WrittenEdition:
    """The demo county's edition as `make demo` writes it (HTML and PDF)."""
    out = tmp_path_factory.mktemp("published")
    return write_mps(council_store, norfolk, "2026", out, as_of=None)


def visible_text(html: str) -> str:
    """The text a reader sees in an HTML edition (tags, styles and attributes removed)."""
    body = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def pdf_text(path: Path) -> str:
    """The text of a PDF (poppler's pdftotext)."""
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_objects(path: Path) -> bytes:
    """A PDF's bytes with every Flate stream inflated (the catalogue may sit in one)."""
    data = path.read_bytes()
    found = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            found.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(found)


def test_no_build_instruction_in_html_or_pdf(published: WrittenEdition) -> None:
    """Neither the HTML nor the PDF text holds a build instruction or a backticked command."""
    need_poppler()
    assert published.pdf is not None
    for name, text in (
        ("html", visible_text(published.html.read_text(encoding="utf-8"))),
        ("pdf", pdf_text(published.pdf)),
    ):
        for words in BUILD_WORDS:
            assert words not in text, (name, words)
        assert not re.search(r"`[^`\n]+`", text), (name, re.search(r"`[^`\n]+`", text))
        assert "Draft gap" not in text and "DRAFT" not in text


def test_checklist_beside_the_edition_lists_each_gap(published: WrittenEdition) -> None:
    """The editor's checklist sits beside the edition and lists every part left out, with what
    to load and how, and the notes for whoever publishes it."""
    checklist = published.checklist.read_text(encoding="utf-8")
    assert published.checklist.parent == published.html.parent
    assert published.checklist.name.endswith("-editor-checklist.md")
    gaps = published.edition.gaps
    assert gaps, "the demo county leaves some parts unwritten"
    for gap in gaps:
        assert f"**{gap.section}**: {gap.what}" in checklist
    assert "ingest-council FOLDER" in checklist
    assert "## Suppressed figures" in checklist and "## Figures shown as not known" in checklist
    assert "publish the edition made with `--public`" in checklist
    html = published.html.read_text(encoding="utf-8")
    # A sector chapter's "we said" part the council did not write is not in the document.
    unwritten = [g for g in gaps if g.what == "In our last MPS we said / We have / We will"]
    assert unwritten
    for gap in unwritten:
        assert gap.section.split(" > ")[1] in html  # the chapter is there, its gap is not


def test_pdf_is_tagged_with_title_author_language_and_bookmarks(
    published: WrittenEdition,
) -> None:
    """pdfinfo says Tagged: yes, with the title and author; the catalogue names the language;
    the outline (bookmarks) lists every chapter."""
    need_poppler()
    assert published.pdf is not None
    info = subprocess.run(
        ["pdfinfo", str(published.pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^Title:\s+Norfolk Market Position Statement 2026$", info, re.M)
    assert re.search(r"^Author:\s+Norfolk County Council$", info, re.M)
    assert b"/Lang (en-GB)" in pdf_objects(published.pdf)
    outline = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-f", "1", "-l", "1", str(published.pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    items = re.findall(r"<item page=\"\d+\">([^<]+)", outline)
    for chapter in ("Contents", "At a glance", "Demand", "Market sectors", "Workforce"):
        assert any(chapter in item for item in items), (chapter, items[:12])
    assert "Norfolk Market Position Statement 2026" in items[0]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(published.pdf), str(ARTIFACTS / "published")],
        check=True,
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_html_edition_passes_axe(published: WrittenEdition, browser: object, width: int) -> None:
    """axe-core finds no serious or critical violation in the HTML edition (wide and narrow)."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(published.html.as_uri())
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"published-html-{width}.png"))
    context.close()
    assert not bad, [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in bad]


def test_money_and_rates_carry_units_and_dates_are_written_out(
    published: WrittenEdition,
) -> None:
    """Weekly prices read "£994.15 a week", hourly rates "£23.33 an hour", hours "a week";
    no date in the text is written as 2026-04-06."""
    from tests.report.conftest import figures_in

    html = published.html.read_text(encoding="utf-8")
    suffix = {
        "usual_weekly_price_gbp": " a week",
        "usual_hourly_rate_gbp": " an hour",
        "hours_waiting": " a week",
        "hours_commissioned_per_week": " a week",
    }
    seen = set()
    for figure in figures_in(html):
        wanted = suffix.get(figure["data-metric"])
        if wanted and figure["data-value"]:
            assert figure["text"].endswith(wanted), figure
            seen.add(figure["data-metric"])
    assert {"usual_weekly_price_gbp", "usual_hourly_rate_gbp"} <= seen
    text = visible_text(html)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), re.search(r".{60}\d{4}-\d{2}-\d{2}", text)
    assert re.search(r"In force from", text)
    assert re.search(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|"
                     r"October|November|December) \d{4}\b", text)  # fmt: skip


def test_projection_description_agrees_with_its_table(published: WrittenEdition) -> None:
    """The projection chart's description says 'every group grows' only if every row of the
    table beside it rises year on year, and names each row that does not."""
    chart = next(
        b
        for s in published.edition.sections
        for sub in [s, *s.subsections]
        for b in sub.blocks
        if getattr(b, "key", "").startswith("demand-projection")
    )
    table = chart.table  # type: ignore[attr-defined]
    falls = []
    for row in table.rows:
        values = [c.figure.value for c in row[1:] if c.figure is not None]
        if any(b < a for a, b in pairwise(values)):
            falls.append(row[0].text)
    alt = chart.alt  # type: ignore[attr-defined]
    if falls:
        assert "every group grows" not in alt
        for label in falls:
            assert f"{label} is projected to" in alt or f"{label} goes from" in alt, label
    else:
        assert "every group grows" in alt
