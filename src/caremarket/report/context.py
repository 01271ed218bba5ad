"""What every chapter builder reads: the ledger of figures, the council's narrative,
boundaries, the quality trend, and the labels a council writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import polars as pl

from caremarket.analysis import Gathered
from caremarket.brokerage.workflow.figures import BrokerageReading
from caremarket.domain.client_group import ClientGroup
from caremarket.domain.release_fact import ReleaseFacts
from caremarket.domain.sector import Sector
from caremarket.metrics import Level
from caremarket.quality import Warning
from caremarket.report.formatting import long_date
from caremarket.report.ledger import Ledger
from caremarket.report.model import Block, Cell, Figure, Missing, Narrative, Table
from caremarket.report.sentences import reader_reason
from caremarket.track_record import TrackRecord

ANY: Final = "*"
NO_NARRATIVE: Final = (
    "No narrative loaded: write the council's text as Markdown files in its extract's "
    "narrative/ folder and load them with `caremarket ingest-council FOLDER`"
)

# The market sectors that get a chapter each, in the order an MPS gives them.
CHAPTER_SECTORS: Final = (
    Sector.CARE_HOME_RESIDENTIAL,
    Sector.CARE_HOME_NURSING,
    Sector.HOME_CARE,
    Sector.SUPPORTED_LIVING,
    Sector.EXTRA_CARE,
    Sector.SHARED_LIVES,
    Sector.COMMUNITY,
)
# The client groups an MPS gives key data for.
KEY_GROUPS: Final = (
    ClientGroup.OLDER_PEOPLE,
    ClientGroup.LEARNING_DISABILITY_AUTISM,
    ClientGroup.MENTAL_HEALTH,
    ClientGroup.PHYSICAL_DISABILITY,
)


def sector_label(code: str) -> str:
    """A sector code in words ('all' is every sector)."""
    return "All sectors" if code == "all" else Sector(code).label


def group_label(code: str) -> str:
    """A client group code in words ('all' is every client group)."""
    return "All client groups" if code == "all" else ClientGroup(code).label


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """The share rated good or outstanding in one sector as at one CQC release."""

    as_of: date
    sector: str
    pct_good_or_outstanding: float | None
    rated: int
    release_id: str


@dataclass(frozen=True, slots=True)
class ReportInputs:
    """Everything an edition is built from, read from the store beforehand."""

    gathered: Gathered
    edition: str
    boundaries: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    boundary_release_ids: tuple[str, ...] = ()
    trend: tuple[TrendPoint, ...] = ()
    narrative: pl.DataFrame | None = None
    quality_warning: Warning | None = None  # internal editions only
    track_record: TrackRecord | None = None
    """How past demand projections did against the ASCOF admissions later recorded."""
    brokerage: BrokerageReading | None = None
    """The brokerage workflow's figures (None: not asked for, and the edition says so)."""


@dataclass(slots=True)
class Context:
    """A chapter builder's view of the edition being built."""

    inputs: ReportInputs
    ledger: Ledger
    chart_count: int = 0

    @property
    def as_of(self) -> date:
        """The date the edition describes."""
        return self.inputs.gathered.inputs.as_of

    @property
    def as_of_text(self) -> str:
        """The as-of date in words."""
        return long_date(self.as_of)

    @property
    def council_name(self) -> str:
        """The council's name."""
        return self.inputs.gathered.inputs.council.name

    def next_key(self, stem: str) -> str:
        """A unique key for a chart or map."""
        self.chart_count += 1
        return f"{stem}-{self.chart_count}"

    def areas(self) -> tuple[Level, list[tuple[str, str]]]:
        """The council's planning areas: localities when made of whole districts, else districts."""
        districts = self.inputs.gathered.inputs.districts
        localities = districts["locality"].drop_nulls().unique().sort().to_list()
        if localities and districts["locality"].null_count() == 0:
            return Level.LOCALITY, [(name, name) for name in localities]
        return Level.DISTRICT, [
            (row["district_code"], row["district_name"])
            for row in districts.sort("district_name").to_dicts()
        ]

    def members(self, level: Level, code: str) -> list[str]:
        """The district codes making up an area of a level."""
        districts = self.inputs.gathered.inputs.districts
        if level is Level.LOCALITY:
            return districts.filter(pl.col("locality") == code)["district_code"].to_list()
        return [code]

    def narrative(
        self,
        sections: Sequence[str],
        *,
        sector: str | None = None,
        locality: str | None = None,
        client_group: str | None = None,
        placeholder: str = "",
    ) -> list[Block]:
        """The council's narrative blocks for a part of the document, or a placeholder.

        A sector, locality or client group of None takes blocks about none in
        particular; `ANY` takes blocks whatever they are about.
        """
        rows = self.inputs.narrative
        if rows is None:
            return [Missing(placeholder or "Narrative", (NO_NARRATIVE,))]
        wanted = rows.filter(pl.col("section").is_in(list(sections)))
        for column, value in (
            ("sector", sector),
            ("locality", locality),
            ("client_group", client_group),
        ):
            if value == ANY:
                continue
            test = pl.col(column).is_null() if value is None else pl.col(column) == value
            wanted = wanted.filter(test)
        blocks: list[Block] = [
            Narrative(row["title"], row["body_markdown"])
            for row in wanted.sort("section", "position").to_dicts()
        ]
        if not blocks and placeholder:
            about = [f"section: {sections[0]}"] + [
                f"{column}: {value}"
                for column, value in (
                    ("sector", sector),
                    ("locality", locality),
                    ("client_group", client_group),
                )
                if value not in (None, ANY)
            ]
            blocks.append(
                Missing(
                    placeholder,
                    (
                        "the council has not written this part yet: write it as a Markdown file "
                        "in the council extract's narrative/ folder with front matter "
                        f"`{'`, `'.join(about)}` and a `title:`, then load the extract with "
                        "`caremarket ingest-council FOLDER`",
                    ),
                )
            )
        return blocks

    def has_client_groups(self) -> bool:
        """Whether the CQC release loaded says which client groups services are registered for."""
        frame = self.ledger.frame("locations")
        return bool(frame.filter(pl.col("client_group") != "all").height)

    @property
    def facts(self) -> ReleaseFacts:
        """What the CQC release describing the locations can tell (nothing when none is loaded)."""
        return self.inputs.gathered.inputs.facts or ReleaseFacts("", frozenset())

    def chapter_sectors(self) -> list[Sector]:
        """The sectors given a chapter: those the release can tell apart, care homes as one
        when it does not split nursing."""
        facts = self.facts
        chosen = [s for s in CHAPTER_SECTORS if s.unknown_in(facts) is None]
        if Sector.CARE_HOME_RESIDENTIAL in chosen or not self.ledger.available("locations"):
            return chosen
        return [Sector.CARE_HOME, *chosen]

    def untold_sectors(self) -> dict[Sector, str]:
        """The chapter sectors the release cannot tell apart, with the reason (care homes with
        and without nursing left out when they share one chapter)."""
        facts = self.facts
        untold = {s: s.unknown_in(facts) for s in CHAPTER_SECTORS}
        if Sector.CARE_HOME in self.chapter_sectors():
            untold.pop(Sector.CARE_HOME_RESIDENTIAL, None)
            untold.pop(Sector.CARE_HOME_NURSING, None)
        return {s: reason for s, reason in untold.items() if reason is not None}

    def missing(self, what: str, *names: str) -> Missing | None:
        """A note of what is missing for some metrics (None when all can be shown)."""
        hints: dict[str, None] = {}
        for name in names:
            for hint in self.ledger.missing(name):
                hints.setdefault(hint, None)
        return Missing(what, tuple(hints)) if hints else None


def figure_cell(figure: Figure | None) -> Cell:
    """A table cell showing a figure (or saying it is not available)."""
    if figure is None:
        return Cell("not available")
    return Cell(figure.text, figure)


def text_cell(text: str) -> Cell:
    """A table cell of plain text."""
    return Cell(text)


def metric_table(
    ctx: Context,
    caption: str,
    names: Sequence[tuple[str, str]],
    rows: Sequence[tuple[str, dict[str, Any]]],
    *,
    first_column: str,
    note: str = "",
) -> Table | None:
    """A table with one row per (label, figure arguments) and one column per metric.

    `names` are (metric, column heading); metrics that cannot be shown are
    left out; None when none can.
    """
    shown = [(name, heading) for name, heading in names if ctx.ledger.available(name)]
    grid = [[_safe_figure(ctx, name, arguments) for name, _ in shown] for _, arguments in rows]
    reasons: dict[str, None] = {}
    for row in grid:
        for cell in row:
            if cell is not None and cell.note:
                reasons.setdefault(reader_reason(cell.note), None)
    # A column the release cannot tell in any row is left out; its reason stays in the note.
    keep = [i for i in range(len(shown)) if not grid or not all(_untold(row[i]) for row in grid)]
    if not keep:
        return None
    body = tuple(
        (text_cell(label), *(figure_cell(row[i]) for i in keep))
        for (label, _), row in zip(rows, grid, strict=True)
    )
    if reasons:
        note = " ".join([note, "Not known: " + "; ".join(reasons) + "."]).strip()
    return Table(caption, (first_column, *(shown[i][1] for i in keep)), body, note)


def _untold(cell: Figure | None) -> bool:
    return cell is not None and bool(cell.note)


def _safe_figure(ctx: Context, name: str, arguments: dict[str, Any]) -> Figure | None:
    from caremarket.metrics import get_metric

    level = arguments.get("level", Level.COUNCIL)
    if level not in get_metric(name).levels:
        return None
    return ctx.ledger.figure(name, **arguments)
