"""ASCOF time series tables: one sheet per measure, councils down, years across.

The layout NHS England publishes from 2023-24 on (`Table_1a` ... `Table_6b`,
a preamble of a few rows, then `Local authority code`, `Local authority`,
`ONS area code` and columns `2015 to 2016 - outcome` etc.). Sheet names follow
the 2023-24 numbering for every year, so `Table_2c` holds admissions of
people aged 65+ to care homes (old 2A(2)) in every year it gives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import polars as pl

from caremarket.domain.ascof import Numbering, financial_year, find_measure
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, find_header
from caremarket.ingest.nhs.ascof_common import EXPECTED_VALUE, Councils, read_cell
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import NHS_ASCOF
from caremarket.ingest.workbook import FileFormat, Workbook

_SIGNATURE = ("Local authority code", "Local authority", "ONS area code")
_SHEET = re.compile(r"^Table_(\w+(?:\(\w+\))?)$")
_COLUMN = re.compile(
    r"^(?P<year>\d{4} to \d{4}) - (?:(?P<part>.+?) )?"
    r"(?P<kind>margin of error|number of respondents|outcome|numerator|denominator)$"
)
_FIELDS = {
    "outcome": "value",
    "numerator": "numerator",
    "denominator": "denominator",
    "number of respondents": "respondents",
    "margin of error": None,
}
_SCHEMA = {
    "la_code": pl.String, "la_name": pl.String, "measure_code": pl.String,
    "published_code": pl.String, "breakdown": pl.String, "year": pl.String,
    "numerator": pl.Float64, "denominator": pl.Float64, "respondents": pl.Float64,
    "value": pl.Float64, "unit": pl.String, "value_note": pl.String,
}  # fmt: skip


def _measure_sheets(workbook: Workbook) -> list[str]:
    return [n for n in workbook.sheet_names if _SHEET.match(n.strip())]


class AscofTablesAdapter:
    """Reads the ASCOF time series workbook (one sheet per measure)."""

    source = NHS_ASCOF
    formats: Sequence[FileFormat] = (FileFormat.ODS, FileFormat.XLSX)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The first `Table_` sheet whose header names the local authority and ONS code."""
        for name in _measure_sheets(workbook):
            row = find_header(workbook.head(name), _SIGNATURE)
            if row is not None:
                return Match(name, row)
        return None

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Every measure sheet: each council's numerator, denominator and outcome by year."""
        problems: list[DataProblem] = []
        councils = Councils()
        combined: set[str] = set()
        records: dict[tuple[str, str, str, str], dict[str, object]] = {}
        rows_read = 0
        for sheet in _measure_sheets(workbook):
            published = _SHEET.match(sheet.strip())[1]  # type: ignore[index]
            measure = find_measure(published, Numbering.FROM_2023_24)
            if measure is None:
                problems.append(
                    DataProblem(
                        ProblemCode.UNKNOWN_VALUE,
                        workbook.file,
                        "a sheet named after an ASCOF measure of the 2023-24 numbering "
                        "(declared in caremarket/domain/data/ascof_measures.yaml)",
                        value=sheet,
                    )
                )
                continue
            rows = workbook.sheet(sheet).rows
            header_row = find_header(rows[:15], _SIGNATURE)
            if header_row is None:
                raise DataProblemError(
                    [
                        DataProblem(
                            ProblemCode.WRONG_HEADER,
                            workbook.file,
                            f"sheet `{sheet}`: a header row with "
                            f"{', '.join(_SIGNATURE)} in its first 15 rows",
                        )
                    ]
                )
            header = [(h or "").strip() for h in rows[header_row - 1]]
            columns: list[tuple[int, str, str, str | None]] = []
            for index, heading in enumerate(header[3:], start=3):
                if not heading:
                    continue
                found = _COLUMN.match(heading)
                year = financial_year(found["year"]) if found else None
                if found is None or year is None:
                    raise DataProblemError(
                        [
                            DataProblem(
                                ProblemCode.WRONG_HEADER,
                                workbook.file,
                                f"sheet `{sheet}`: columns named like `2024 to 2025 - outcome`",
                                header_row,
                                heading,
                                heading,
                            )
                        ]
                    )
                part = (found["part"] or "").strip().lower()
                breakdown = "total" if part in ("", measure.code.lower()) else part
                columns.append((index, year, breakdown, _FIELDS[found["kind"]]))
            for offset, cells in enumerate(rows[header_row:]):
                row = header_row + 1 + offset
                cells = list(cells) + [None] * (len(header) - len(cells))
                code, name = cells[2], cells[1]
                if all(c is None for c in cells[:3]):
                    continue
                code_text = (code or "").strip()
                if not code_text.startswith("E") or code_text[:3] in ("E92", "E12"):
                    # England, regions, council types and combined areas are not councils.
                    if code_text.startswith("[") and name and not _is_group(name):
                        combined.add(name.strip())
                    continue
                rows_read += 1
                area = councils.match(code, name)
                if area is None:
                    if code_text not in councils.abolished:
                        problems.append(
                            DataProblem(
                                ProblemCode.UNKNOWN_AREA,
                                workbook.file,
                                f"sheet `{sheet}`: an English council's GSS code or name",
                                row,
                                "ONS area code",
                                f"{code} {name}",
                            )
                        )
                    continue
                for index, year, breakdown, field in columns:
                    if field is None:
                        continue
                    cell = read_cell(cells[index])
                    if cell.bad:
                        problems.append(
                            DataProblem(
                                ProblemCode.NOT_A_NUMBER,
                                workbook.file,
                                f"sheet `{sheet}`: {EXPECTED_VALUE}",
                                row,
                                header[index],
                                cells[index],
                            )
                        )
                        continue
                    key = (area.code, measure.code, breakdown, year)
                    record = records.setdefault(
                        key,
                        {
                            "la_code": area.code, "la_name": name, "measure_code": measure.code,
                            "published_code": published.upper(), "breakdown": breakdown,
                            "year": year, "numerator": None, "denominator": None,
                            "respondents": None, "value": None, "unit": measure.unit,
                            "value_note": "no outcome column for the year",
                        },
                    )  # fmt: skip
                    record[field] = cell.value
                    if field == "value":
                        record["value_note"] = cell.note
        frame = pl.DataFrame(list(records.values()), schema=_SCHEMA)
        if frame.is_empty() and not problems:
            raise DataProblemError(
                [
                    DataProblem(
                        ProblemCode.EMPTY_FILE, workbook.file, "council rows in Table_ sheets"
                    )
                ]
            )
        latest = max(frame["year"].to_list(), default="2000-01")
        notes = [f"release date: the end of its latest year, {latest}"]
        if options.release_date is not None:
            notes = ["release date given by the user"]
        if councils.note():
            notes.append(councils.note())
        if combined:
            notes.append("combined areas left out: " + ", ".join(sorted(combined)))
        return Parsed(
            source=self.source,
            release_date=options.release_date or date(int(latest[:4]) + 1, 3, 31),
            rows=rows_read,
            tables={"ascof_value": frame},
            problems=problems,
            note="; ".join(notes),
        )


def _is_group(name: str) -> bool:
    """Council types the tables give totals for."""
    words = name.strip().lower()
    return words in {
        "shire counties", "unitary authorities", "metropolitan districts", "london boroughs",
        "inner london", "outer london", "england", "district", "metropolitan district",
        "unitary authority", "shire county",
    }  # fmt: skip
