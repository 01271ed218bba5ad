"""What an adapter is: a declared source, a way to recognise its files, a reader.

Adapters are registered in `caremarket.ingest.registry`; the pipeline asks
each in turn whether it recognises a file and lets the first that does read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

import polars as pl

from caremarket.domain.release import Source
from caremarket.ingest.cells import DateOrder
from caremarket.ingest.problem import DataProblem
from caremarket.ingest.workbook import FileFormat, Workbook


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the user told the ingest about a file."""

    release_date: date | None = None
    date_order: DateOrder | None = None
    encoding: str = "utf-8"
    la_code: str | None = None
    # The day of the load: no date in a release, nor the release itself, may be after it.
    load_date: date = field(default_factory=date.today)


@dataclass(slots=True)
class Parsed:
    """What an adapter read from a file: canonical tables and the problems found.

    `tables` maps canonical table names to frames holding that table's
    columns except `release_id` (the pipeline adds it). `problems` hold the
    row-level problems; the rows they name are already left out of `tables`.
    """

    source: Source
    release_date: date
    rows: int
    tables: dict[str, pl.DataFrame]
    problems: list[DataProblem] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """Where in a file an adapter found its release: the sheet and header row."""

    sheet: str
    header_row: int


class Adapter(Protocol):
    """Reads one publisher's release into the canonical tables."""

    source: Source
    formats: Sequence[FileFormat]

    def recognise(self, workbook: Workbook) -> Match | None:
        """Where this adapter's table is in the workbook, or None if it is not ours."""
        ...

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Read the release; raise DataProblemError for problems with the whole file."""
        ...


class JsonAdapter(Protocol):
    """Reads a JSON release into the canonical tables."""

    source: Source

    def recognise_json(self, document: object) -> bool:
        """Whether the parsed JSON document is this adapter's."""
        ...

    def read_json(self, document: object, path: Path, options: ReadOptions) -> Parsed:
        """Read the release from its parsed JSON document."""
        ...


def find_header(rows: Sequence[Sequence[str | None]], must_have: Sequence[str]) -> int | None:
    """The 1-based row whose cells include every name in `must_have`, or None."""
    wanted = {m.lower() for m in must_have}
    for index, row in enumerate(rows):
        cells = {c.strip().lower() for c in row if c}
        if wanted <= cells:
            return index + 1
    return None


def sheet_with_header(workbook: Workbook, must_have: Sequence[str]) -> Match | None:
    """The first sheet (and its header row) whose header has every name in `must_have`."""
    for name in workbook.sheet_names:
        row = find_header(workbook.head(name), must_have)
        if row is not None:
            return Match(name, row)
    return None
