"""Cells safe to open in a spreadsheet: CSV formula injection neutralised.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
is read by Excel, LibreOffice and Google Sheets as a formula, so a provider
named `=HYPERLINK(...)` in a release would run when a council officer opens
a CSV the project wrote. Following OWASP's CSV injection guidance, such a
cell is written with a leading single quote, which spreadsheets show as text.
Numbers are left as numbers, and so is text that is only a signed number
(`-3`): a spreadsheet reads it as that number, never as a formula.

Every CSV the project writes goes through `csv_writer` or `csv_dict_writer`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, TextIO

# OWASP, CSV Injection: https://owasp.org/www-community/attacks/CSV_Injection
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
# A signed number written as text (`-3`, `+1.5`, `-2e-05`) is read as that number, not run.
_PLAIN_NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """The value, with a leading `'` if it is text a spreadsheet would read as a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class SafeWriter:
    """A `csv.writer` whose every text cell is neutralised."""

    def __init__(self, handle: TextIO, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row."""
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write many rows."""
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """A `csv.DictWriter` whose every text cell (and header) is neutralised."""

    def __init__(self, handle: TextIO, fieldnames: Sequence[str], **options: Any) -> None:
        self._writer = csv.DictWriter(handle, fieldnames=fieldnames, **options)
        self._fields = list(fieldnames)
        self._handle = handle
        self._options = options

    def writeheader(self) -> None:
        """Write the header row."""
        plain = {k: v for k, v in self._options.items() if k != "extrasaction"}
        csv.writer(self._handle, **plain).writerow([safe_cell(f) for f in self._fields])

    def writerow(self, row: Mapping[str, object]) -> None:
        """Write one row."""
        self._writer.writerow({k: safe_cell(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        """Write many rows."""
        for row in rows:
            self.writerow(row)


def csv_writer(handle: TextIO, **options: Any) -> SafeWriter:
    """A CSV writer for the project's outputs (formula cells neutralised)."""
    return SafeWriter(handle, **options)


def csv_dict_writer(handle: TextIO, fieldnames: Sequence[str], **options: Any) -> SafeDictWriter:
    """A CSV dict writer for the project's outputs (formula cells neutralised)."""
    return SafeDictWriter(handle, fieldnames, **options)
