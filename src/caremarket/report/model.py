"""The content model of a Market Position Statement edition, independent of its rendering.

An `Edition` is a tree of `Section`s holding blocks (key figures, tables,
charts, maps, narrative, notes of what is missing). Every figure carries the
metric it comes from and the releases behind it, so the HTML can link each
number to its source and a later edition can compare against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from caremarket.report.branding import Branding


@dataclass(frozen=True, slots=True)
class Figure:
    """One published number: its metric, cell, value, text and the releases behind it."""

    key: str
    metric: str
    label: str
    unit: str
    value: float | None
    text: str
    n: int | None = None
    area_code: str = ""
    area_name: str = ""
    sector: str = "all"
    client_group: str = "all"
    period: str = ""
    release_ids: tuple[str, ...] = ()
    suppressed: bool = False
    note: str = ""
    """Why the value is not known, when it is not."""


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """A sentence with one figure: "Registered care home beds at 1 June 2026: 7,412"."""

    sentence: str
    figure: Figure


@dataclass(frozen=True, slots=True)
class KeyData:
    """A block of key-data bullets (e.g. one client group in a sector)."""

    title: str
    items: tuple[KeyFigure, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell: text, and the figure it shows when it shows one."""

    text: str
    figure: Figure | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table with a caption; the first column names the rows."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    style: str = ""
    """'tiles': each row a tile of (label, figure[, then, change]), as on the glance page."""


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart: a Vega-Lite spec, its alt text, and the table of the same numbers."""

    key: str
    title: str
    alt: str
    spec: dict[str, Any]
    table: Table
    release_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MapArea:
    """One area of a choropleth: its GeoJSON geometry (EPSG:4326) and value."""

    code: str
    name: str
    geometry: dict[str, Any]
    value: float | None
    text: str
    highlighted: bool = False


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One point of a map: a location and the category it is coloured by."""

    latitude: float
    longitude: float
    label: str
    category: str


@dataclass(frozen=True, slots=True)
class MapSpec:
    """A map: areas shaded by value and/or points by category, with alt text and a table."""

    key: str
    title: str
    alt: str
    legend: str
    areas: tuple[MapArea, ...]
    points: tuple[MapPoint, ...]
    categories: tuple[tuple[str, str], ...]
    table: Table
    release_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Narrative:
    """The council's own words: a titled Markdown block."""

    title: str
    body_markdown: str


@dataclass(frozen=True, slots=True)
class Missing:
    """What a section lacks and how to load it (instead of showing zeros).

    A published edition leaves it out and lists it in the editor's checklist;
    a draft shows it in place. `reader_note`, when given, is what a published
    edition tells readers in its place (a fact about the data, never an
    instruction).
    """

    what: str
    hints: tuple[str, ...]
    reader_note: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A generated paragraph of plain text."""

    text: str


Block = KeyData | Table | Chart | MapSpec | Narrative | Missing | Paragraph


@dataclass(slots=True)
class Section:
    """A numbered part of the document with its blocks and subsections."""

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    page_break: bool = True


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """An appendix entry: a release the figures came from, or a published reference."""

    anchor: str
    title: str
    date: date | None
    licence: str
    detail: str
    url: str = ""
    synthetic: bool = False
    release_id: str = ""


@dataclass(frozen=True, slots=True)
class Definition:
    """An appendix definition of a metric used in the edition."""

    metric: str
    label: str
    unit: str
    description: str


@dataclass(frozen=True, slots=True)
class Change:
    """A figure that changed since the previous edition."""

    label: str
    before: str
    after: str
    direction: str


@dataclass(frozen=True, slots=True)
class Gap:
    """A part of the document the council has not written or loaded, and where it belongs."""

    section: str
    what: str
    hints: tuple[str, ...]


@dataclass(slots=True)
class Edition:
    """One edition of a council's Market Position Statement."""

    council_code: str
    council_name: str
    edition: str
    as_of: date
    public: bool
    notices: list[str]
    sections: list[Section]
    sources: list[SourceEntry]
    definitions: list[Definition]
    figures: list[Figure]
    previous_edition: str | None = None
    draft: bool = False
    gaps: list[Gap] = field(default_factory=list)
    """What the council has not written or loaded, for the editor's checklist."""
    editor_notes: list[str] = field(default_factory=list)
    """Notes for whoever publishes the edition (never printed in it)."""
    branding: Branding = field(default_factory=Branding)

    def source_anchor(self, release_id: str) -> str:
        """The appendix anchor of a release ('' when it is not listed)."""
        for entry in self.sources:
            if entry.release_id == release_id:
                return entry.anchor
        return ""
