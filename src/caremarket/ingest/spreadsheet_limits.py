"""Size and shape limits a spreadsheet must keep before it is parsed.

The spreadsheet reader holds a whole sheet in memory as one grid from A1 to
its last cell, and reads an xlsx's shared strings whole, so a crafted file of
a few kilobytes (one cell at XFD1048576, or gigabytes of shared strings that
compress to nothing) could take all the memory there is or abort the process.
Here the zipped parts are decompressed as a stream, counting real bytes (not
the sizes the archive declares), and each sheet's cell references and
declared dimension are read, so such a file is refused with a problem first.
The limits are declared in `ingest/data/spreadsheet_limits.yaml`.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

import yaml

from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode

_CHUNK = 1 << 20
_OVERLAP = 64  # bytes kept from the last chunk, so a reference split across two is still seen
_CELL_REF = re.compile(rb' r="([A-Z]{1,4})([0-9]{1,9})"')
_ROW_REF = re.compile(rb'<row\b[^>]*? r="([0-9]{1,9})"')
_WIDE_REF = re.compile(rb' r="[A-Z]{3}')
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]{0,4})([0-9]{0,9}):?([A-Z]{0,4})([0-9]{0,9})"')
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


@dataclass(frozen=True, slots=True)
class SpreadsheetLimits:
    """How large a spreadsheet may be, as stored, decompressed and as a grid of cells."""

    max_file_bytes: int
    max_uncompressed_bytes: int
    max_shared_strings_bytes: int
    max_cells: int
    max_reader_memory_bytes: int


@cache
def spreadsheet_limits() -> SpreadsheetLimits:
    """The shipped limits."""
    text = resources.files("caremarket.ingest").joinpath("data/spreadsheet_limits.yaml")
    document: dict[str, Any] = yaml.safe_load(text.read_text())
    return SpreadsheetLimits(
        **{key: int(document[key]["value"]) for key in SpreadsheetLimits.__dataclass_fields__}
    )


def check_file_size(path: Path, limits: SpreadsheetLimits | None = None) -> None:
    """Refuse a file larger than any release could be."""
    limits = limits or spreadsheet_limits()
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise DataProblemError(
            [
                _too_large(
                    path.name, f"a file of at most {limits.max_file_bytes:,} bytes", f"{size:,}"
                )
            ]
        )


def check_xlsx(path: Path, limits: SpreadsheetLimits | None = None) -> None:
    """Refuse an xlsx too large once decompressed, or whose grid would be too large."""
    limits = limits or spreadsheet_limits()
    check_file_size(path, limits)
    with _archive(path) as archive:
        budget = _Budget(path.name, limits.max_uncompressed_bytes)
        for info in archive.infolist():
            name = info.filename.lower()
            if name.endswith("sharedstrings.xml"):
                shared = _Budget(path.name, limits.max_shared_strings_bytes, "shared strings")
                for chunk in _stream(archive, info, path.name):
                    budget.spend(len(chunk))
                    shared.spend(len(chunk))
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _check_sheet(archive, info, path.name, budget, limits.max_cells)
            else:
                for chunk in _stream(archive, info, path.name):
                    budget.spend(len(chunk))


def check_ods(path: Path, limits: SpreadsheetLimits | None = None) -> None:
    """Refuse an ods too large once decompressed, or whose tables' cells would be too many."""
    limits = limits or spreadsheet_limits()
    check_file_size(path, limits)
    with _archive(path) as archive:
        budget = _Budget(path.name, limits.max_uncompressed_bytes)
        for info in archive.infolist():
            if info.filename == "content.xml":
                _check_ods_content(archive, info, path.name, budget, limits.max_cells)
            else:
                for chunk in _stream(archive, info, path.name):
                    budget.spend(len(chunk))


class _Budget:
    """Decompressed bytes counted against a limit."""

    def __init__(self, file: str, limit: int, what: str = "all its parts") -> None:
        self.file, self.limit, self.what, self.used = file, limit, what, 0

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            raise DataProblemError(
                [
                    _too_large(
                        self.file,
                        f"at most {self.limit:,} bytes of {self.what} once decompressed",
                        f"over {self.limit:,} bytes",
                    )
                ]
            )


class _archive:
    """A zip archive opened for checking; a damaged one is a truncated-file problem."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive: zipfile.ZipFile | None = None

    def __enter__(self) -> zipfile.ZipFile:
        try:
            self.archive = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise DataProblemError([_damaged(self.path.name, str(error))]) from None
        return self.archive

    def __exit__(self, *_: object) -> None:
        if self.archive is not None:
            self.archive.close()


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> Iterator[bytes]:
    """The decompressed bytes of one part, a chunk at a time; damage is a problem."""
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise DataProblemError([_damaged(file, f"{info.filename}: {error}")]) from None
    except (NotImplementedError, RuntimeError) as error:  # unknown compression, encryption
        raise DataProblemError([_damaged(file, f"{info.filename}: {error}")]) from None


def _check_sheet(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, budget: _Budget, max_cells: int
) -> None:
    """Refuse a sheet whose declared dimension or cell references make too large a grid.

    Cells come in column order within a row, so each row's last cell reference
    gives its width (read once per row, not once per cell: a national file has
    seven million cells). A reference with three letters (column 703 or more)
    is looked for anywhere, so a far cell out of order is still seen.
    """
    sheet = info.filename.rsplit("/", 1)[-1]
    shape = _Shape()
    pending = b""  # the part of a row not yet closed at the end of a chunk
    for chunk in _stream(archive, info, file):
        budget.spend(len(chunk))
        text = pending + chunk
        if not shape.declared and (found := _DIMENSION.search(text)) is not None:
            shape.declared = _area(
                found.group(3) or found.group(1), found.group(4) or found.group(2)
            )
        if _WIDE_REF.search(text) is not None:
            shape.add_refs(_CELL_REF.findall(text))
        rows = text.split(b"</row>")
        pending = rows.pop()
        for row in rows:
            shape.add_row(row)
        if len(pending) > _CHUNK * 4:  # a row without end: read its references the slow way
            shape.add_refs(_CELL_REF.findall(pending))
            pending = pending[-_OVERLAP:]
        shape.cells += chunk.count(b"<c ") + chunk.count(b"<c>")
        if shape.grid > max_cells:
            raise DataProblemError(
                [
                    _too_large(
                        file,
                        f"a sheet of at most {max_cells:,} cells (from A1 to its last cell)",
                        f"sheet {sheet}: {shape.grid:,} cells",
                    )
                ]
            )
    shape.add_row(pending)
    if shape.grid > max_cells:
        raise DataProblemError(
            [
                _too_large(
                    file,
                    f"a sheet of at most {max_cells:,} cells (from A1 to its last cell)",
                    f"sheet {sheet}: {shape.grid:,} cells",
                )
            ]
        )


class _Shape:
    """The furthest row and column a sheet's cells reach, its declared size and its cells."""

    def __init__(self) -> None:
        self.max_row = self.max_col = self.cells = self.declared = 0

    @property
    def grid(self) -> int:
        return max(self.declared, self.max_row * self.max_col, self.cells)

    def add_refs(self, refs: list[tuple[bytes, bytes]]) -> None:
        for letters, digits in refs:
            self.max_col = max(self.max_col, _column(letters))
            self.max_row = max(self.max_row, int(digits))

    def add_row(self, row: bytes) -> None:
        found = _ROW_REF.search(row)
        if found is not None:
            self.max_row = max(self.max_row, int(found.group(1)))
        last = row.rfind(b' r="')
        ref = _CELL_REF.match(row, last) if last >= 0 else None
        if ref is not None:
            self.add_refs([(ref.group(1), ref.group(2))])


def _check_ods_content(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, budget: _Budget, max_cells: int
) -> None:
    """Refuse an ods whose tables, repeated rows and columns expanded, hold too many cells."""
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    row = col = 0  # position in the current table
    last_row = last_col = 0  # the furthest non-empty cell
    row_repeat = 1
    row_filled = 0
    try:
        for chunk in _stream(archive, info, file):
            budget.spend(len(chunk))
            parser.feed(chunk)
            for item in parser.read_events():
                if len(item) != 2 or not isinstance(item[1], Element):
                    continue
                event, element = str(item[0]), item[1]
                tag = element.tag
                if event == "start" and tag == f"{{{_TABLE}}}table":
                    row = 0
                elif event == "start" and tag == f"{{{_TABLE}}}table-row":
                    row_repeat = _repeat(element.get(f"{{{_TABLE}}}number-rows-repeated"))
                    col = row_filled = 0
                elif event == "end" and tag in (
                    f"{{{_TABLE}}}table-cell",
                    f"{{{_TABLE}}}covered-table-cell",
                ):
                    repeat = _repeat(element.get(f"{{{_TABLE}}}number-columns-repeated"))
                    col += repeat
                    if _ods_filled(element):
                        row_filled = col
                    element.clear()
                elif event == "end" and tag == f"{{{_TABLE}}}table-row":
                    row += row_repeat
                    if row_filled:
                        last_row, last_col = max(last_row, row), max(last_col, row_filled)
                    element.clear()
                    if last_row * last_col > max_cells:
                        raise DataProblemError(
                            [
                                _too_large(
                                    file,
                                    f"tables of at most {max_cells:,} cells "
                                    "(repeated rows and columns counted)",
                                    f"{last_row * last_col:,} cells",
                                )
                            ]
                        )
        parser.close()
    except ParseError as error:
        raise DataProblemError([_damaged(file, f"content.xml: {error}")]) from None


def _ods_filled(element: Element) -> bool:
    if element.get(f"{{{_OFFICE}}}value-type") is not None:
        return True
    return any(child.tag == f"{{{_TEXT}}}p" for child in element)


def _repeat(text: str | None) -> int:
    if text is None or not text.isdigit():
        return 1
    return int(text)


def _area(letters: bytes, digits: bytes) -> int:
    if not letters or not digits:
        return 0
    return _column(letters) * int(digits)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _too_large(file: str, expected: str, got: str) -> DataProblem:
    return DataProblem(ProblemCode.TOO_LARGE, file, expected, value=got)


def _damaged(file: str, detail: str) -> DataProblem:
    return DataProblem(
        ProblemCode.TRUNCATED_FILE,
        file,
        "a complete spreadsheet (the zip archive is cut short or damaged)",
        value=detail,
    )
