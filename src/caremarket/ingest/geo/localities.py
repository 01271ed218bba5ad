"""A council's localities: its planning areas, declared as districts or postcode districts.

CSV columns `la_code, locality` and `district_code` (with an optional
`district_name`) or `postcode_district` (e.g. NR1), or both; optional
`valid_from`. Every council code must be an English council and every
district one of that council's districts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from caremarket.domain.area import districts_of, find_council
from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, find_header
from caremarket.ingest.problem import DataProblem, ProblemCode
from caremarket.ingest.sources import COUNCIL_LOCALITIES
from caremarket.ingest.workbook import FileFormat, RawTable, Workbook

_SIGNATURE = ("la_code", "locality")
_PLACES = ("district_code", "postcode_district")
_POSTCODE_DISTRICT = r"^[A-Z]{1,2}[0-9][A-Z0-9]?$"
# Localities are declarations, not releases: with no date given they hold from this day.
DEFAULT_VALID_FROM = date(2000, 1, 1)


class LocalitiesAdapter:
    """Reads a council's localities file into locality rows."""

    source = COUNCIL_LOCALITIES
    formats: Sequence[FileFormat] = (FileFormat.CSV, FileFormat.XLSX, FileFormat.ODS)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The sheet whose header has la_code, locality and a district or postcode district."""
        for name in workbook.sheet_names[:1]:
            head = workbook.head(name)
            for place in _PLACES:
                row = find_header(head, [*_SIGNATURE, place])
                if row is not None:
                    return Match(name, row)
        return None

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Read localities; check each council and that each district is the council's."""
        table = _lower_case_header(workbook.table(match.sheet, match.header_row))
        problems = cells.required(table, "la_code", "a council's GSS code, e.g. E10000020")
        problems += cells.required(table, "locality", "a locality name")
        raw_la = cells.text(table, "la_code")
        lookup = {v: find_council(v) for v in raw_la.drop_nulls().unique().to_list()}
        la_code = raw_la.replace_strict(
            {k: (a.code if a else None) for k, a in lookup.items()},
            default=None,
            return_dtype=pl.String,
        )
        problems += cells.problems_where(
            table,
            "la_code",
            (raw_la.is_not_null() & la_code.is_null()),
            raw_la,
            ProblemCode.UNKNOWN_AREA,
            "the GSS code of an English county or unitary council, e.g. E10000020",
        )
        district = cells.text(table, "district_code").str.to_uppercase()
        postcode_district = (
            cells.text(table, "postcode_district").str.to_uppercase().str.replace_all(" ", "")
        )
        problems += _district_problems(table, la_code, district)
        bad_pd = postcode_district.is_not_null() & ~postcode_district.str.contains(
            _POSTCODE_DISTRICT
        )
        problems += cells.problems_where(
            table,
            "postcode_district",
            bad_pd,
            postcode_district,
            ProblemCode.UNKNOWN_VALUE,
            "a postcode district such as NR1 or PE30",
        )
        neither = district.is_null() & postcode_district.is_null()
        problems += [
            DataProblem(
                ProblemCode.MISSING_VALUE,
                table.file,
                "a district_code or a postcode_district",
                row=table.file_row(i),
                column="district_code" if "district_code" in table.frame.columns else None,
            )
            for i in neither.arg_true().to_list()
        ]
        frame = pl.DataFrame(
            {
                "row": [table.file_row(i) for i in range(table.frame.height)],
                "la_code": la_code,
                "locality": cells.text(table, "locality"),
                "district_code": district,
                "postcode_district": postcode_district,
            }
        )
        problems += _placed_twice(table, frame)
        valid_from, date_problems = _valid_from(table)
        problems += date_problems
        rows = frame.filter(cells.good_rows(table, problems)).drop("row")
        release_date, note = _release_date(valid_from, options)
        return Parsed(
            source=self.source,
            release_date=release_date,
            rows=table.frame.height,
            tables={"locality": rows},
            problems=problems,
            note=f"{note}; {rows['locality'].n_unique()} localities",
        )


def _lower_case_header(table: RawTable) -> RawTable:
    frame = table.frame.rename({c: c.strip().lower() for c in table.frame.columns})
    return RawTable(table.file, table.sheet, table.header_row, frame)


def _district_problems(
    table: RawTable, la_code: pl.Series, district: pl.Series
) -> list[DataProblem]:
    """A problem for each district code that is not one of its council's districts."""
    problems: list[DataProblem] = []
    pairs = pl.DataFrame({"la": la_code, "district": district})
    allowed = {
        la: {a.code for a in districts_of(la)} for la in la_code.drop_nulls().unique().to_list()
    }
    for index, (la, code) in enumerate(pairs.iter_rows()):
        if la is None or code is None or code in allowed[la]:
            continue
        names = ", ".join(sorted(allowed[la]))
        problems.append(
            DataProblem(
                ProblemCode.UNKNOWN_AREA,
                table.file,
                f"a district of council {la}: one of {names}",
                row=table.file_row(index),
                column="district_code",
                value=code,
            )
        )
    return problems


def _placed_twice(table: RawTable, frame: pl.DataFrame) -> list[DataProblem]:
    """A problem for each district or postcode district a council puts in a second locality."""
    problems: list[DataProblem] = []
    for column in _PLACES:
        placed = frame.filter(pl.col(column).is_not_null() & pl.col("la_code").is_not_null())
        again = placed.filter(~pl.struct("la_code", column).is_first_distinct())
        problems += [
            DataProblem(
                ProblemCode.DUPLICATE_ID,
                table.file,
                f"each {column.replace('_', ' ')} in one locality of its council",
                row=r["row"],
                column=column,
                value=r[column],
            )
            for r in again.iter_rows(named=True)
        ]
    return problems


def _valid_from(table: RawTable) -> tuple[date | None, list[DataProblem]]:
    if "valid_from" not in table.frame.columns:
        return None, []
    order, order_problems = cells.file_date_order(table, ["valid_from"], cells.DateOrder.DAY_FIRST)
    values, problems = cells.dates(table, "valid_from", order)
    return cells.latest(values), order_problems + problems


def _release_date(valid_from: date | None, options: ReadOptions) -> tuple[date, str]:
    if valid_from is not None:
        return valid_from, "release date from the latest valid_from"
    if options.release_date is not None:
        return options.release_date, "release date given by the user"
    return (
        DEFAULT_VALID_FROM,
        "no valid_from column or --release-date: dated 2000-01-01 "
        "(localities are declarations, not releases)",
    )


__all__ = ["DEFAULT_VALID_FROM", "LocalitiesAdapter"]
