"""A council's branding file sets the name, logo, colour and contact (neutral without one);
a draft shows the gaps in the document under a DRAFT watermark."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from caremarket.domain.area import Area
from caremarket.report.branding import Branding, contrast, load_branding
from caremarket.report.content import build_edition
from caremarket.report.html import render_html
from caremarket.report.mps import edition_inputs
from caremarket.store.duckdb_store import DuckDBStore

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<rect width="10" height="10"/></svg>'
)


def write_branding(folder: Path, text: str) -> Path:
    """A branding file (and a logo beside it)."""
    (folder / "logo.svg").write_text(LOGO, encoding="utf-8")
    path = folder / "branding.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_branding_is_neutral() -> None:
    """Without a file: no logo, no contact, the council's own name and a readable accent."""
    found = load_branding()
    assert found == Branding(accent=found.accent)
    assert contrast(found.accent, "#ffffff") >= 4.5


def test_branding_file_sets_name_logo_colour_and_contact(
    demo_store: DuckDBStore, norfolk: Area, tmp_path: Path
) -> None:
    """The file's council name, logo (embedded), accent and contact appear in the edition."""
    path = write_branding(
        tmp_path,
        "council_name: Demo County Council\nlogo: logo.svg\nlogo_alt: Demo County crest\n"
        "colours:\n  accent: '#4B2E83'\ncontact:\n  email: market@example.org\n"
        "  phone: 01234 567890\n",
    )
    branding = load_branding(path)
    inputs, _ = edition_inputs(demo_store, norfolk, "2026", with_trend=False)
    edition = dataclasses.replace(build_edition(inputs), branding=branding)
    html = render_html(edition)
    assert "Demo County Council · Adult Social Care" in html
    assert '<meta name="author" content="Demo County Council">' in html
    assert 'src="data:image/svg+xml;base64,' in html and 'alt="Demo County crest"' in html
    assert "--accent: #4b2e83;" in html
    assert 'href="mailto:market@example.org"' in html and "01234 567890" in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colours:\n  accent: '#ffff00'\n", r"colours.accent #ffff00 has contrast"),
        ("colours:\n  accent: yellow\n", r"expected a colour such as"),
        ("colour: '#000000'\n", r"unknown key 'colour'"),
        ("logo: missing.png\n", r"logo: expected an SVG, PNG or JPEG file"),
        ("council_name: [\n", r"not valid YAML"),
    ],
)
def test_bad_branding_file_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    """A branding file that cannot be used is refused with the file, key and what is expected."""
    path = write_branding(tmp_path, text)
    with pytest.raises(ValueError, match=message):
        load_branding(path)


def test_draft_shows_gaps_under_a_watermark(demo_store: DuckDBStore, norfolk: Area) -> None:
    """--draft keeps each gap in the document (with what to load) and marks it DRAFT; the
    published edition of the same data has none of them."""
    inputs, _ = edition_inputs(demo_store, norfolk, "2026", with_trend=False)
    draft = build_edition(inputs, draft=True)
    html = render_html(draft)
    assert '<div class="watermark" aria-hidden="true">DRAFT</div>' in html
    assert "DRAFT: the parts the council has not yet written or loaded" in html
    assert html.count("Draft gap:") == len(draft.gaps) > 3
    assert "ingest-council" in html
    published = build_edition(inputs)
    text = render_html(published)
    assert "Draft gap:" not in text and "watermark" not in text.split("</style>")[1]
    assert "ingest-council" not in text
    assert len(published.gaps) == len(draft.gaps)


def test_draft_files_are_named_as_drafts(norfolk: Area) -> None:
    """A draft's files say so in their names, beside the published edition's."""
    from caremarket.report.mps import file_stem

    assert file_stem(norfolk, "2026", public=False, draft=True) == "norfolk-mps-2026-draft"
    assert file_stem(norfolk, "2026", public=True) == "norfolk-mps-2026-public"
