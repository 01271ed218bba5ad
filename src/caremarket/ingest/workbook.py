"""Open any tabular release (.csv, .xlsx, .xls, .ods) as sheets of text cells.

Cells come back as text so every adapter parses values the same way:
real spreadsheet dates become ISO dates (`2026-05-29`), whole numbers lose
their `.0`, blanks become None. The file's format is found from its bytes,
never trusted from its name.
"""

from __future__ import annotations

import hashlib
import io
import math
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import polars as pl
import python_calamine

from caremarket.ingest.isolated_workbook import Cells, read_isolated
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.spreadsheet_limits import (
    check_file_size,
    check_ods,
    check_xlsx,
    spreadsheet_limits,
)


class FileFormat(StrEnum):
    """The file formats releases come in."""

    CSV = "csv"
    XLSX = "xlsx"
    XLS = "xls"
    ODS = "ods"
    JSON = "json"


_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def detect_format(path: Path) -> FileFormat:
    """The file's format from its first bytes; DataProblemError if none we read."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    name = path.name
    if not head.strip():
        raise DataProblemError(
            [DataProblem(ProblemCode.EMPTY_FILE, name, "a file with a header and data rows")]
        )
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(path)
    if head.startswith(_OLE_MAGIC):
        return FileFormat.XLS
    if head[:5] == b"%PDF-" or head[:4] in (b"\x89PNG", b"GIF8") or b"\x00" in head[:512]:
        raise DataProblemError([_wrong_format(name, "binary data")])
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"{", b"["):
        return FileFormat.JSON
    if text[:1] == b"<":
        raise DataProblemError([_wrong_format(name, "HTML or XML")])
    return FileFormat.CSV


def _wrong_format(name: str, got: str) -> DataProblem:
    return DataProblem(
        ProblemCode.WRONG_FORMAT,
        name,
        "a CSV, XLSX, XLS, ODS or JSON release",
        value=got,
    )


def _zip_format(path: Path) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as handle:  # a few bytes, however large it says
                    mimetype = handle.read(100).decode("ascii", "replace").strip()
                if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                    return FileFormat.ODS
                raise DataProblemError([_wrong_format(path.name, mimetype)])
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return FileFormat.XLSX
            raise DataProblemError([_wrong_format(path.name, "a zip archive")])
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError):  # fmt: skip
        raise DataProblemError(
            [
                DataProblem(
                    ProblemCode.TRUNCATED_FILE,
                    path.name,
                    "a complete spreadsheet (the zip archive is cut short or damaged)",
                )
            ]
        ) from None


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet's cells as text: `rows[0]` is the file's first row."""

    file: str
    name: str
    rows: Sequence[Sequence[str | None]]


@dataclass(frozen=True, slots=True)
class RawTable:
    """A table read from a sheet: text columns named by the header row.

    `header_row` is the 1-based row number of the header in the file, so a
    frame row `i` is file row `header_row + 1 + i`.
    """

    file: str
    sheet: str
    header_row: int
    frame: pl.DataFrame

    def file_row(self, index: int) -> int:
        """The 1-based row number in the file of the frame's row `index`."""
        return self.header_row + 1 + index


class Workbook:
    """The sheets of one tabular file, read lazily."""

    def __init__(self, path: Path, file_format: FileFormat, encoding: str = "utf-8") -> None:
        self.path = path
        self.file = path.name
        self.format = file_format
        self.encoding = encoding
        self._text: str | None = None
        self._book: python_calamine.CalamineWorkbook | None = None
        # calamine parses a whole sheet to open it: keep it, so recognising a
        # release and reading it parse the sheet once.
        self._sheets: dict[str, python_calamine.CalamineSheet] = {}
        self._cells: dict[str, Cells] | None = None  # .xls sheets, read in a fenced process
        if file_format is FileFormat.CSV:
            check_file_size(path)
            self._text = _decode(path, encoding)
        elif file_format in (FileFormat.XLSX, FileFormat.XLS, FileFormat.ODS):
            # Size and shape first: the parser would hold the whole grid in memory.
            {FileFormat.XLSX: check_xlsx, FileFormat.ODS: check_ods}.get(
                file_format, check_file_size
            )(path)
            if file_format is FileFormat.XLS:
                # No cheap shape check for the binary format: read it in a fenced process.
                memory = spreadsheet_limits().max_reader_memory_bytes
                self._cells = read_isolated(path, memory)
                return
            try:
                self._book = python_calamine.CalamineWorkbook.from_path(str(path))
            except Exception as error:  # calamine raises several unrelated types
                raise DataProblemError(
                    [
                        DataProblem(
                            ProblemCode.TRUNCATED_FILE,
                            self.file,
                            f"a readable {file_format.value.upper()} workbook",
                            value=str(error),
                        )
                    ]
                ) from None
        else:
            raise DataProblemError([_wrong_format(self.file, file_format.value)])

    @property
    def sheet_names(self) -> list[str]:
        """The names of the sheets; a CSV has one sheet named after the file."""
        if self._cells is not None:
            return list(self._cells)
        if self._book is None:
            return [self.file]
        return list(self._book.sheet_names)

    def sheet(self, name: str) -> Sheet:
        """Every row of a sheet as text cells."""
        if self._text is not None:
            return Sheet(self.file, name, _csv_rows(self._text, self.file))
        if self._cells is not None:
            rows = self._cells.get(name, [])
            return Sheet(self.file, name, [[_cell_text(v) for v in row] for row in rows])
        assert self._book is not None
        try:
            values = self._calamine_sheet(name).to_python(skip_empty_area=False)
        except DataProblemError:
            raise
        except Exception as error:  # calamine raises several unrelated types
            raise DataProblemError([self._unreadable(name, error)]) from None
        return Sheet(self.file, name, [[_cell_text(v) for v in row] for row in values])

    def head(self, name: str, rows: int = 12) -> list[list[str | None]]:
        """The first rows of a sheet, for recognising a release."""
        if self._text is not None:
            # Only the first rows: splitting a whole national file per adapter is slow.
            first = self._text[: _skip_lines(self._text, rows)]
            return [list(r) for r in _csv_rows(first, self.file, complete=False)][:rows]
        if self._cells is not None:
            return [[_cell_text(v) for v in row] for row in self._cells.get(name, [])[:rows]]
        assert self._book is not None
        out: list[list[str | None]] = []
        try:
            for row in self._calamine_sheet(name).iter_rows():
                out.append([_cell_text(v) for v in row])
                if len(out) >= rows:
                    break
        except DataProblemError:
            raise
        except Exception as error:  # calamine raises several unrelated types
            raise DataProblemError([self._unreadable(name, error)]) from None
        return out

    def _calamine_sheet(self, name: str) -> python_calamine.CalamineSheet:
        assert self._book is not None
        if name not in self._sheets:
            try:
                self._sheets[name] = self._book.get_sheet_by_name(name)
            except Exception as error:  # calamine raises several unrelated types
                raise DataProblemError([self._unreadable(name, error)]) from None
        return self._sheets[name]

    def _unreadable(self, name: str, error: Exception) -> DataProblem:
        return DataProblem(
            ProblemCode.TRUNCATED_FILE,
            self.file,
            f"a readable sheet `{name}`",
            value=str(error),
        )

    def table(self, name: str, header_row: int) -> RawTable:
        """The sheet read as a table whose header is on `header_row` (1-based)."""
        if self._text is not None:
            return _csv_table(self._text, self.file, name, header_row)
        rows = self.sheet(name).rows
        return table_from_rows(self.file, name, rows, header_row)


def table_from_rows(
    file: str, sheet: str, rows: Sequence[Sequence[str | None]], header_row: int
) -> RawTable:
    """Build a RawTable from rows of text cells, trailing blank rows dropped."""
    header = [("" if h is None else h.strip()) for h in rows[header_row - 1]]
    while header and header[-1] == "":
        header.pop()
    body = list(rows[header_row:])
    while body and all(c is None for c in body[-1]):
        body.pop()
    width = len(header)
    columns: dict[str, list[str | None]] = {h: [] for h in _unique(header)}
    names = list(columns)
    for row in body:
        cells = list(row[:width]) + [None] * (width - len(row))
        for key, cell in zip(names, cells, strict=True):
            columns[key].append(cell)
    frame = pl.DataFrame(
        {k: pl.Series(k, v, dtype=pl.String) for k, v in columns.items()}, nan_to_null=False
    )
    return RawTable(file, sheet, header_row, frame)


def _unique(header: list[str]) -> Iterator[str]:
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        name = name or f"column_{index + 1}"
        if name in seen:
            seen[name] += 1
            yield f"{name}__{seen[name]}"
        else:
            seen[name] = 1
            yield name


def _decode(path: Path, encoding: str) -> str:
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataProblemError(
            [
                DataProblem(
                    ProblemCode.WRONG_ENCODING,
                    path.name,
                    f"text in {encoding.upper()} (use --encoding for another)",
                    row=line,
                    value=repr(data[error.start : error.start + 4]),
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def _csv_rows(text: str, file: str, *, complete: bool = True) -> list[list[str | None]]:
    import csv

    rows: list[list[str | None]] = []
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        for row in reader:
            rows.append([c if c.strip() != "" else None for c in row])
    except csv.Error as error:
        if complete:
            raise DataProblemError([_truncated_csv(file, reader.line_num, str(error))]) from None
    return rows


def _truncated_csv(file: str, line: int, detail: str) -> DataProblem:
    return DataProblem(
        ProblemCode.TRUNCATED_FILE,
        file,
        "complete CSV rows (a quoted field is not closed, or the file is cut short)",
        row=line,
        value=detail,
    )


def _csv_table(text: str, file: str, sheet: str, header_row: int) -> RawTable:
    lines_before = _skip_lines(text, header_row - 1)
    body = text[lines_before:]
    try:
        frame = pl.read_csv(
            io.StringIO(body),
            infer_schema=False,
            has_header=True,
            raise_if_empty=False,
        )
    except pl.exceptions.ComputeError as error:
        # Fall back to the standard library to name the row that is wrong.
        rows = _csv_rows(text, file)
        raise DataProblemError([_truncated_csv(file, len(rows) + 1, str(error))]) from None
    frame = _drop_blank_columns(frame)
    _check_ragged_tail(text, frame, file, header_row)
    frame = frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
        for c in frame.columns
    )
    return RawTable(file, sheet, header_row, frame)


def _drop_blank_columns(frame: pl.DataFrame) -> pl.DataFrame:
    blank = [c for c in frame.columns if c.startswith("_duplicated_") is False and c == ""]
    return frame.drop(blank) if blank else frame


def _check_ragged_tail(text: str, frame: pl.DataFrame, file: str, header_row: int) -> None:
    """A CSV whose last row has fewer fields than its header was cut short."""
    stripped = text.rstrip("\r\n")
    last = stripped.rsplit("\n", 1)[-1]
    if frame.height == 0 or not last:
        return
    import csv

    fields = next(csv.reader([last]), [])
    if len(fields) < len(frame.columns) and len(fields) > 0:
        raise DataProblemError(
            [
                DataProblem(
                    ProblemCode.TRUNCATED_FILE,
                    file,
                    f"{len(frame.columns)} fields in the last row as in the header",
                    row=stripped.count("\n") + 1,
                    value=f"{len(fields)} fields",
                )
            ]
        )


def _skip_lines(text: str, count: int) -> int:
    position = 0
    for _ in range(count):
        found = text.find("\n", position)
        if found < 0:
            return len(text)
        position = found + 1
    return position


_EXCEL_EPOCH = date(1899, 12, 30)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)  # `inf` or `nan`: the typed readers say it is no number
        if value.is_integer():
            return str(int(value))
        # Digits, never an exponent: 0.00005 is `0.00005`, not `5e-05`.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return (_EXCEL_EPOCH + value).isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def open_workbook(path: Path, encoding: str = "utf-8") -> Workbook:
    """Open a tabular file, its format found from its bytes."""
    file_format = detect_format(path)
    return Workbook(path, file_format, encoding)
