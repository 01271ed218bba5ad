"""Rendering an edition to one self-contained HTML file (inline CSS and SVG, no network)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from caremarket.report import charts, maps
from caremarket.report.content import subtitle, title
from caremarket.report.formatting import long_date
from caremarket.report.model import (
    Chart,
    Edition,
    Figure,
    KeyData,
    MapSpec,
    Missing,
    Narrative,
    Paragraph,
    Section,
    Table,
)

CONTACT_LABELS = {
    "team": "Team",
    "email": "Email",
    "phone": "Telephone",
    "web": "Web",
    "address": "Address",
}


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("caremarket.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["long_date"] = lambda d: long_date(d) if d else "undated"
    return environment


@cache
def _markdown() -> MarkdownIt:
    # The council's text is Markdown; any HTML in it is shown as text, never run.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown(text: str) -> Markup:
    """The council's Markdown as safe HTML (raw HTML escaped)."""
    return Markup(_markdown().render(text))


def _kind(block: object) -> str:
    for kind, cls in (
        ("keydata", KeyData),
        ("table", Table),
        ("chart", Chart),
        ("map", MapSpec),
        ("narrative", Narrative),
        ("missing", Missing),
        ("paragraph", Paragraph),
    ):
        if isinstance(block, cls):
            return kind
    raise TypeError(f"no template for {type(block).__name__}")


def _numbered(sections: list[Section]) -> list[tuple[str, Section, int]]:
    """Every section with its number (1, 1.2) and depth, in document order."""
    out: list[tuple[str, Section, int]] = []

    def walk(items: list[Section], prefix: str, depth: int) -> None:
        for i, section in enumerate(items, start=1):
            number = f"{prefix}{i}"
            out.append((number, section, depth))
            walk(section.subsections, f"{number}.", depth + 1)

    walk(sections, "", 0)
    return out


def council_body(code: str, name: str) -> str:
    """The council as it names itself: Norfolk County Council, Plymouth City Council."""
    from caremarket.domain.area import Tier, find_area

    area = find_area(code)
    if area is not None and area.tier is Tier.COUNTY:
        return f"{name} County Council"
    return f"{name} Council"


def _table_releases(table: Table) -> tuple[str, ...]:
    """The releases behind a table's figures, each once."""
    found = (
        r for row in table.rows for cell in row if cell.figure for r in cell.figure.release_ids
    )
    return tuple(dict.fromkeys(found))


def render_html(edition: Edition, *, for_print: bool = False) -> str:
    """The edition as one HTML document; `for_print` adds the PDF's page furniture."""
    source_numbers = {s.anchor: i for i, s in enumerate(edition.sources, start=1)}
    anchors = {s.release_id: s.anchor for s in edition.sources if s.release_id}
    numbered = _numbered(edition.sections)
    numbers = {id(section): number for number, section, _ in numbered}
    counter = {"figure": 0}

    def cites(release_ids: tuple[str, ...]) -> list[tuple[str, int]]:
        found = [anchors[r] for r in release_ids if r in anchors]
        return [(a, source_numbers[a]) for a in dict.fromkeys(found)]

    def next_figure() -> int:
        counter["figure"] += 1
        return counter["figure"]

    def chart_svg(chart: Chart) -> Markup:
        return Markup(charts.to_svg(chart.spec, chart.key, chart.alt))

    def map_svg(spec: MapSpec) -> Markup:
        return Markup(maps.to_svg(spec))

    def figure_attrs(figure: Figure) -> Markup:
        value = "" if figure.value is None or figure.suppressed else repr(figure.value)
        attrs = {
            "data-key": figure.key,
            "data-metric": figure.metric,
            "data-value": value,
            "data-n": "" if figure.n is None else str(figure.n),
            "data-releases": " ".join(figure.release_ids),
        }
        if figure.suppressed:
            attrs["data-suppressed"] = "true"
        return Markup(" ".join(f'{k}="{escape(v)}"' for k, v in attrs.items()))

    helpers: dict[str, Callable[..., Any]] = {
        "kind": _kind,
        "cites": cites,
        "chart_svg": chart_svg,
        "map_svg": map_svg,
        "markdown": markdown,
        "figure_attrs": figure_attrs,
        "next_figure": next_figure,
        "number_of": lambda section: numbers[id(section)],
        "table_releases": _table_releases,
    }
    template = _environment().get_template("mps.html.j2")
    return template.render(
        edition=edition,
        title=title(edition),
        subtitle=subtitle(edition),
        numbered=numbered,
        for_print=for_print,
        css=Markup(_css()),
        council_body=edition.branding.council_name
        or council_body(edition.council_code, edition.council_name),
        branding=edition.branding,
        contact_labels=CONTACT_LABELS,
        **helpers,
    )


@cache
def _css() -> str:
    from importlib import resources

    return resources.files("caremarket.report").joinpath("templates/mps.css").read_text("utf-8")
