"""Writing tables out as a terminal table, CSV or JSON.

A terminal table fits the terminal (80 columns and up): ids, codes and dates
are never cut or wrapped, other cells wrap, and the columns a command marks
as optional are left out (and named under the table) when the table would
not fit; `--wide` prints every column at its full width.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from caremarket.domain.csv_cell import csv_writer


class OutputFormat(StrEnum):
    """The formats a command can write."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Fit:
    """How a table's columns give way at a narrow width."""

    optional: tuple[str, ...] = ()
    """Columns left out, last first, while the table is wider than the terminal."""
    whole: tuple[str, ...] = ()
    """Columns never cut or wrapped besides ids, codes and dates (values to copy)."""


_NAME_WORD = 14
_WHOLE_ENDINGS = ("_id", "_code", "_date", "period", "as_of")
# Columns holding the domain's keys (`care_home_nursing`): shown as words, which wrap.
_WORDS = ("sector", "client_group", "rating", "current_rating", "cqc_rating", "local_rating",
          "counted_rating", "counted_by")  # fmt: skip


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _shown(column: str, value: object) -> str:
    text = _text(value)
    return text.replace("_", " ") if column in _WORDS else text


def _longest_word(column: str, label: str, records: Sequence[dict[str, object]]) -> int:
    words = [w for r in records for w in _shown(column, r[column]).split()] + label.split()
    return max(map(len, words), default=1)


def _table(
    records: Sequence[dict[str, object]],
    columns: list[str],
    title: str,
    headers: dict[str, str],
    unknown: str,
    whole: set[str],
    width: int,
) -> Table:
    table = Table(
        title=title or None, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
        title_justify="left",
    )  # fmt: skip
    labels = {c: headers.get(c, c.replace("_", " ")) for c in columns}
    numeric = {c for c in columns if any(isinstance(r[c], int | float) for r in records)}
    # Each column as wide as its longest word (names up to _NAME_WORD), so that words
    # wrap whole; if that cannot fit the width, long words in names fold instead.
    least = {
        c: _longest_word(c, labels[c], records)
        if c in whole or c in _WORDS or c in numeric
        else min(_longest_word(c, labels[c], records), _NAME_WORD)
        for c in columns
    }
    for column in numeric:  # numbers are never wrapped: as wide as the widest, or its header
        values = [len(_text(r[column])) for r in records]
        least[column] = max([least[column], len(unknown), *values])
    fits = sum(least.values()) + 3 * len(columns) <= width
    for column in columns:
        label = labels[column]
        if column in whole:
            table.add_column(label, no_wrap=True, min_width=least[column])
        elif column in numeric:
            table.add_column(label, justify="right", overflow="fold", width=least[column])
        elif column in _WORDS or fits:
            table.add_column(label, overflow="fold", min_width=least[column])
        else:
            table.add_column(label, overflow="fold")
    for record in records:
        cells = []
        for column in columns:
            value = record[column]
            if value is None:
                cells.append(f"[dim]{unknown}[/dim]")
                continue
            cells.append(escape(_shown(column, value)))
        table.add_row(*cells)
    return table


def _natural_width(console: Console, table: Table) -> int:
    """The table's width with no cell wrapped."""
    unbounded = console.options.update_width(100_000)
    return Measurement.get(console, unbounded, table).maximum


def write_records(
    records: Sequence[dict[str, object]],
    output: OutputFormat,
    *,
    title: str = "",
    console: Console | None = None,
    unknown: str = "unknown",
    headers: dict[str, str] | None = None,
    fit: Fit | None = None,
    wide: bool = False,
) -> None:
    """Write records in the format asked for; None shows as `unknown` in a table."""
    if output is OutputFormat.JSON:
        json.dump(list(records), sys.stdout, indent=2, default=_text)
        sys.stdout.write("\n")
        return
    columns = list(records[0]) if records else []
    if output is OutputFormat.CSV:
        writer = csv_writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([_text(record[c]) for c in columns])
        return
    console = console or Console()
    fit = fit or Fit()
    whole = {c for c in columns if c.endswith(_WHOLE_ENDINGS) or c in fit.whole}
    shown_headers = headers or {}
    table = _table(records, columns, title, shown_headers, unknown, whole, console.width)
    needed = _natural_width(console, table)
    if wide:
        console = Console(width=max(needed, console.width), soft_wrap=False)
        console.print(table)
        return
    left_out: list[str] = []
    optional = [c for c in fit.optional if c in columns]
    while optional and _natural_width(console, table) > console.width:
        left_out.insert(0, optional.pop())
        kept = [c for c in columns if c not in left_out]
        table = _table(records, kept, title, shown_headers, unknown, whole, console.width)
    console.print(table)
    if left_out:
        named = ", ".join(shown_headers.get(c, c.replace("_", " ")) for c in left_out)
        console.print(
            f"[dim]Left out at this width: {named} (--wide shows every column).[/dim]",
            highlight=False,
        )
