"""Writing tables out as a terminal table, CSV or JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from rich.console import Console
from rich.table import Table

from caremarket.domain.csv_cell import csv_writer


class OutputFormat(StrEnum):
    """The formats a command can write."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_records(
    records: Sequence[dict[str, object]],
    output: OutputFormat,
    *,
    title: str = "",
    console: Console | None = None,
    unknown: str = "unknown",
    headers: dict[str, str] | None = None,
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
    table = Table(title=title or None, show_lines=False)
    for column in columns:
        numeric = any(isinstance(r[column], int | float) for r in records)
        label = (headers or {}).get(column, column.replace("_", " "))
        table.add_column(label, justify="right" if numeric else "left")
    for record in records:
        table.add_row(
            *[_text(v) if v is not None else f"[dim]{unknown}[/dim]" for v in record.values()]
        )
    (console or Console()).print(table)
