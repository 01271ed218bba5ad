"""Reading a file in a council template: every declared check, one data problem per failure.

The checks come from the template's declaration: required columns and
values, types, allowed values, patterns, ranges, unique and primary keys,
date order and one-of groups, and the council's localities.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, find_header
from caremarket.ingest.council.context import CouncilContext
from caremarket.ingest.council.template import Field, FieldType, Template
from caremarket.ingest.council.templates import CQC_LOCATION_ID
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.workbook import FileFormat, RawTable, Workbook

ROW = "row"
"""The column of a checked frame holding each row's 1-based row number in its file."""


@dataclass(frozen=True, slots=True)
class Checked:
    """A template file's typed columns (and each row's file row) and the problems found."""

    frame: pl.DataFrame
    problems: list[DataProblem]


def header_name(text: str) -> str:
    """A header cell as a template column name: lower case, words joined by `_`."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def normalise_header(table: RawTable) -> RawTable:
    """The table with its header cells as template column names."""
    frame = table.frame.rename({c: header_name(c) for c in table.frame.columns})
    return RawTable(table.file, table.sheet, table.header_row, frame)


def check_table(table: RawTable, template: Template, context: CouncilContext) -> Checked:
    """Type and check every column of a template file; DataProblemError if columns lack."""
    table = normalise_header(table)
    cells.require_columns(
        table,
        template.required_columns,
        f"the columns of the {template.title.lower()} template ({template.name}.schema.json)",
    )
    dated = [f.name for f in template.fields if f.type is FieldType.DATE]
    order, problems = cells.file_date_order(table, dated, context.date_order)
    columns: dict[str, pl.Series] = {
        ROW: pl.Series(ROW, [table.file_row(i) for i in range(table.frame.height)], pl.Int64)
    }
    for field in template.fields:
        values, found = _typed(table, field, order)
        if field.name == "locality" and context.localities:
            values, more = _locality(table, values, context.localities)
            found += more
        if field.name == "cqc_location_id" and context.location_ids:
            found += _unknown_locations(table, values, context.location_ids)
        if field.required:
            found += cells.required(table, field.name, field.expected)
        if field.default is not None:
            values = values.fill_null(field.default)
        columns[field.name] = values.alias(field.name)
        problems += found
    frame = pl.DataFrame(columns)
    problems += _key_problems(table, frame, template)
    problems += _date_order_problems(table, frame, template)
    problems += _one_of_problems(table, frame, template)
    return Checked(frame, problems)


def _typed(
    table: RawTable, field: Field, order: cells.DateOrder
) -> tuple[pl.Series, list[DataProblem]]:
    name = field.name
    if field.type is FieldType.DATE:
        return cells.dates(table, name, order)
    if field.type is FieldType.INTEGER:
        values, problems = cells.whole_number(table, name)
        return values, problems + _range(table, field, values)
    if field.type is FieldType.NUMBER:
        values, problems = cells.number(table, name)
        return values, problems + _range(table, field, values)
    if field.enum:
        words = {word: word for word in field.enum} | dict(field.aliases)
        return cells.choice(table, name, words, code=field.enum_problem, expected=field.expected)
    values = cells.text(table, name)
    if field.upper_case:
        values = values.str.to_uppercase()
    if not field.pattern:
        return values, []
    bad = values.is_not_null() & ~values.str.contains(f"^(?:{field.pattern})$")
    return values, cells.problems_where(
        table, name, bad, cells.text(table, name), ProblemCode.BAD_FORMAT, field.expected
    )


def _range(table: RawTable, field: Field, values: pl.Series) -> list[DataProblem]:
    if field.minimum is None and field.maximum is None:
        return []
    bad = pl.Series([False] * values.len(), dtype=pl.Boolean)
    if field.minimum is not None:
        bad = bad | (values < field.minimum).fill_null(False)
    if field.maximum is not None:
        bad = bad | (values > field.maximum).fill_null(False)
    expected = f"a number{field.range_text}" + (f" ({field.unit})" if field.unit else "")
    return cells.problems_where(
        table, field.name, bad, cells.text(table, field.name), ProblemCode.OUT_OF_RANGE, expected
    )


def _locality(
    table: RawTable, values: pl.Series, localities: frozenset[str]
) -> tuple[pl.Series, list[DataProblem]]:
    known = {name.lower(): name for name in localities}
    mapped = values.str.to_lowercase().replace_strict(known, default=None, return_dtype=pl.String)
    bad = values.is_not_null() & mapped.is_null()
    expected = "one of the council's localities: " + ", ".join(sorted(localities))
    problems = cells.problems_where(
        table, "locality", bad, values, ProblemCode.UNKNOWN_VALUE, expected
    )
    return mapped, problems


def _unknown_locations(
    table: RawTable, values: pl.Series, location_ids: frozenset[str]
) -> list[DataProblem]:
    """A problem for each CQC location id that no loaded CQC release holds."""
    well_formed = values.str.contains(f"^(?:{CQC_LOCATION_ID})$").fill_null(False)
    bad = well_formed & ~values.is_in(list(location_ids))
    return cells.problems_where(
        table,
        "cqc_location_id",
        bad,
        values,
        ProblemCode.UNKNOWN_LOCATION,
        "the id of a CQC location in a loaded CQC release (load the CQC release first)",
    )


def _key_problems(table: RawTable, frame: pl.DataFrame, template: Template) -> list[DataProblem]:
    keys = [[f.name] for f in template.fields if f.unique]
    if template.primary_key and [*template.primary_key] not in keys:
        keys.append(list(template.primary_key))
    return [p for key in keys for p in cells.duplicate_problems(table, key, key[0], frame)]


def _date_order_problems(
    table: RawTable, frame: pl.DataFrame, template: Template
) -> list[DataProblem]:
    problems: list[DataProblem] = []
    for earlier, later in template.date_order:
        bad = (frame[later] < frame[earlier]).fill_null(False)
        for index in bad.arg_true().to_list():
            problems.append(
                DataProblem(
                    ProblemCode.DATES_OUT_OF_ORDER,
                    table.file,
                    f"{later} on or after {earlier} ({frame[earlier][index].isoformat()})",
                    row=table.file_row(index),
                    column=later,
                    value=cells.text(table, later)[index],
                )
            )
    return problems


def _one_of_problems(table: RawTable, frame: pl.DataFrame, template: Template) -> list[DataProblem]:
    problems: list[DataProblem] = []
    for group in template.one_of:
        blank = pl.all_horizontal(frame[c].is_null() for c in group)
        rows = frame.select(blank).to_series().arg_true().to_list()
        problems += [
            DataProblem(
                ProblemCode.MISSING_VALUE,
                table.file,
                "a value in at least one of " + " or ".join(f"`{c}`" for c in group),
                row=table.file_row(i),
                column=group[0],
            )
            for i in rows
        ]
    return problems


def release_date(
    file: str, frame: pl.DataFrame, template: Template, context: CouncilContext
) -> tuple[date, str]:
    """The extract date from council.yaml, else the latest date in the file's dated_by columns."""
    if context.extract_date is not None:
        return context.extract_date, "release date: the extract date in council.yaml"
    found = [d for c in template.dated_by if (d := cells.latest(frame[c])) is not None]
    if found:
        columns = " and ".join(template.dated_by)
        return max(found), f"release date: the latest {columns} (no extract date given)"
    raise DataProblemError(
        [
            DataProblem(
                ProblemCode.NO_RELEASE_DATE,
                file,
                "an extract_date in council.yaml (or --extract-date)",
            )
        ]
    )


class TemplateAdapter:
    """Reads any file in one council template into its canonical table."""

    formats: Sequence[FileFormat] = (
        FileFormat.CSV,
        FileFormat.XLSX,
        FileFormat.XLS,
        FileFormat.ODS,
    )

    def __init__(self, template: Template) -> None:
        self.template = template
        self.source = template.source

    def recognise(self, workbook: Workbook) -> Match | None:
        """The first sheet whose header (in its first rows) has every required column."""
        for name in workbook.sheet_names:
            head = [[header_name(c) if c else c for c in row] for row in workbook.head(name)]
            row = find_header(head, self.template.required_columns)
            if row is not None:
                return Match(name, row)
        return None

    def read(self, workbook: Workbook, match: Match, context: CouncilContext) -> Parsed:
        """Check the file against the template; the good rows become the canonical table."""
        table = workbook.table(match.sheet, match.header_row)
        checked = check_table(table, self.template, context)
        frame, problems = self.finish(table, checked, context)
        when, note = release_date(table.file, frame, self.template, context)
        good = frame.filter(cells.good_rows(table, problems)).drop(ROW)
        return Parsed(
            source=context.source(self.source),
            release_date=when,
            rows=table.frame.height,
            tables={self.template.table: good.with_columns(la_code=pl.lit(context.la_code))},
            problems=problems,
            note=note,
        )

    def finish(
        self, table: RawTable, checked: Checked, context: CouncilContext
    ) -> tuple[pl.DataFrame, list[DataProblem]]:
        """Checks a template needs beyond its declaration; none by default."""
        return checked.frame, checked.problems
