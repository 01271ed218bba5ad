"""ONS mid-year population estimates: the MYE2 workbook sheets and Nomis long CSV extracts.

MYE2 sheets (`MYE2 - Persons`, `MYE2 - Males`, `MYE2 - Females`) are wide:
one row per area with `All ages` and one column per single year of age up to
`90+`. Nomis extracts are long: one row per area x year x sex x age. Both are
stored as single years of age (90 = 90 and over); the all-ages totals are not
stored but are checked against the sum of the single years.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import polars as pl

from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, find_header
from caremarket.ingest.ons.common import (
    POPULATION_COLUMNS,
    SEX_WORDS,
    age_of,
    ages_of,
    empty_population,
    total_problems,
)
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import ONS_MID_YEAR_ESTIMATES
from caremarket.ingest.workbook import FileFormat, RawTable, Workbook

_MYE2_SHEET = re.compile(r"^\s*mye\s*2\s*-\s*(persons|males|females)\s*$", re.IGNORECASE)
_MID_YEAR = re.compile(r"mid[- ]?(\d{4})", re.IGNORECASE)
_WIDE_SIGNATURE = ("Code", "Name", "All ages")
_NOMIS_SIGNATURE = ("GEOGRAPHY_CODE", "GENDER_NAME", "C_AGE_NAME", "OBS_VALUE")
_NOMIS_YEAR = re.compile(r"(\d{4})")
# Estimates are whole numbers: an all-ages total off by one is a real difference.
_TOLERANCE = 0.5


def mid_year(year: int) -> date:
    """The reference date of a mid-year estimate: 30 June."""
    return date(year, 6, 30)


class MidYearEstimatesAdapter:
    """Reads the MYE2 sheets (persons, males, females) of an ONS mid-year estimates workbook."""

    source = ONS_MID_YEAR_ESTIMATES
    formats: Sequence[FileFormat] = (FileFormat.XLS, FileFormat.XLSX, FileFormat.ODS)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The first MYE2 sheet whose header has Code, Name and All ages."""
        for name in _mye2_sheets(workbook):
            row = find_header(workbook.head(name, 15), _WIDE_SIGNATURE)
            if row is not None:
                return Match(name, row)
        return None

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Read every MYE2 sheet present into single-year population rows."""
        frames: list[pl.DataFrame] = []
        problems: list[DataProblem] = []
        rows = 0
        years: set[int] = set()
        for name in _mye2_sheets(workbook):
            head = workbook.head(name, 15)
            header_row = find_header(head, _WIDE_SIGNATURE)
            if header_row is None:
                continue
            year = _year_in(head[: header_row - 1]) or _year_in([[name]])
            if year is None and options.release_date is not None:
                year = options.release_date.year
            if year is None:
                raise DataProblemError(
                    [
                        DataProblem(
                            ProblemCode.NO_RELEASE_DATE,
                            workbook.file,
                            f"the estimate year (e.g. `mid-2020`) in the title of sheet `{name}`, "
                            "or --release-date",
                        )
                    ]
                )
            years.add(year)
            sex = SEX_WORDS[_sheet_sex(name)]
            assert sex is not None
            table = workbook.table(name, header_row)
            frame, sheet_problems = _read_wide(table, year, sex)
            frames.append(frame)
            problems += sheet_problems
            rows += table.frame.height
        population = pl.concat(frames) if frames else empty_population()
        release_date, note = _release_date(options, max(years))
        return Parsed(
            source=self.source,
            release_date=release_date,
            rows=rows,
            tables={"population": population},
            problems=problems,
            note=f"{note}; sheets read: {len(frames)}",
        )


def _mye2_sheets(workbook: Workbook) -> list[str]:
    return [n for n in workbook.sheet_names if _MYE2_SHEET.match(n)]


def _sheet_sex(name: str) -> str:
    found = _MYE2_SHEET.match(name)
    assert found is not None
    return found.group(1).lower()


def _year_in(rows: Sequence[Sequence[str | None]]) -> int | None:
    for row in rows:
        for cell in row:
            found = _MID_YEAR.search(cell or "")
            if found:
                return int(found.group(1))
    return None


def _release_date(options: ReadOptions, year: int) -> tuple[date, str]:
    if options.release_date is not None:
        return options.release_date, "release date given by the user"
    return mid_year(year), f"release date: 30 June {year}, the estimates' reference date"


def _read_wide(table: RawTable, year: int, sex: str) -> tuple[pl.DataFrame, list[DataProblem]]:
    """One MYE2 sheet: wide ages to long rows, all-ages totals checked."""
    cells.require_columns(table, ["Code", "Name", "All ages"], "the columns of an ONS MYE2 sheet")
    ages = {c: age_of(c) for c in table.frame.columns}
    age_columns = [c for c, a in ages.items() if a is not None]
    missing = sorted(set(range(91)) - {a for a in ages.values() if a is not None})
    if missing:
        raise DataProblemError(
            [
                DataProblem(
                    ProblemCode.MISSING_COLUMN,
                    table.file,
                    "one column per single year of age, 0 to 89 and 90+",
                    row=table.header_row,
                    column=f"{missing[0]}" if missing[0] < 90 else "90+",
                )
            ]
        )
    problems = cells.required(table, "Code", "an area's GSS code, e.g. E10000020")
    values: dict[str, pl.Series] = {}
    for column in [*age_columns, "All ages"]:
        values[column], column_problems = cells.number(table, column)
        problems += column_problems
        problems += cells.required(table, column, "a number")
    codes = cells.text(table, "Code")
    problems += _duplicate_codes(table, codes)
    wide = pl.DataFrame(
        {
            "row": [table.file_row(i) for i in range(table.frame.height)],
            "area_code": codes,
            "area_name": cells.text(table, "Name"),
            **{str(ages[c]): values[c] for c in age_columns},
            "total": values["All ages"],
        }
    ).filter(cells.good_rows(table, problems))
    long = wide.unpivot(
        index=["row", "area_code", "area_name", "total"],
        on=[str(ages[c]) for c in age_columns],
        variable_name="age",
        value_name="persons",
    ).with_columns(pl.col("age").cast(pl.Int64))
    totals = wide.select("area_code", "total", "row", column=pl.lit("All ages"))
    sum_problems, bad = total_problems(
        long.select("area_code", "persons"), totals, ["area_code"], table.file, _TOLERANCE
    )
    population = long.join(bad, on="area_code", how="anti").select(
        "area_code",
        "area_name",
        year=pl.lit(year, pl.Int64),
        sex=pl.lit(sex),
        age="age",
        persons="persons",
        kind=pl.lit("estimate"),
    )
    return population.select(POPULATION_COLUMNS), problems + sum_problems


def _duplicate_codes(table: RawTable, codes: pl.Series) -> list[DataProblem]:
    repeated = (codes.is_not_null() & ~codes.is_first_distinct()).arg_true()
    return [
        DataProblem(
            ProblemCode.DUPLICATE_ID,
            table.file,
            "one row per area code",
            row=table.file_row(i),
            column="Code",
            value=codes[i],
        )
        for i in repeated.to_list()
    ]


class NomisPopulationAdapter:
    """Reads an ONS population estimates extract from Nomis (long CSV, one row per age)."""

    source = ONS_MID_YEAR_ESTIMATES
    formats: Sequence[FileFormat] = (FileFormat.CSV, FileFormat.XLSX)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The sheet whose header has Nomis' geography, gender, age and value columns."""
        for name in workbook.sheet_names[:1]:
            row = find_header(workbook.head(name), _NOMIS_SIGNATURE)
            if row is not None:
                return Match(name, row)
        return None

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Read single-year rows; check each all-ages row against the sum of its single years."""
        table = workbook.table(match.sheet, match.header_row)
        cells.require_columns(
            table, [*_NOMIS_SIGNATURE, "DATE_NAME"], "the columns of a Nomis population extract"
        )
        problems = cells.required(table, "GEOGRAPHY_CODE", "an area's GSS code")
        sex, sex_problems = cells.choice(table, "GENDER_NAME", SEX_WORDS)
        persons, value_problems = cells.number(table, "OBS_VALUE")
        problems += sex_problems + value_problems
        problems += cells.required(table, "OBS_VALUE", "a number")
        problems += cells.required(table, "GENDER_NAME", "Total, Male or Female")
        labels = cells.text(table, "C_AGE_NAME")
        ages, totals_mask = ages_of(labels)
        bad_age = ages.is_null() & ~totals_mask
        problems += cells.problems_where(
            table,
            "C_AGE_NAME",
            bad_age,
            labels,
            ProblemCode.UNKNOWN_VALUE,
            "`All Ages`, `Age 0` to `Age 89` or `Aged 90+`",
        )
        year_text = cells.text(table, "DATE_NAME")
        year = year_text.str.extract(_NOMIS_YEAR.pattern, 1).cast(pl.Int64, strict=False)
        bad_year = year.is_null()
        problems += cells.problems_where(
            table, "DATE_NAME", bad_year, year_text, ProblemCode.BAD_DATE, "a year such as 2024"
        )
        frame = pl.DataFrame(
            {
                "row": [table.file_row(i) for i in range(table.frame.height)],
                "area_code": cells.text(table, "GEOGRAPHY_CODE"),
                "area_name": cells.text(table, "GEOGRAPHY_NAME"),
                "year": year,
                "sex": sex,
                "age": ages,
                "persons": persons,
                "is_total": totals_mask,
            }
        ).filter(cells.good_rows(table, problems))
        keys = ["area_code", "year", "sex"]
        single = frame.filter(~pl.col("is_total"))
        totals = frame.filter(pl.col("is_total")).select(
            *keys, "row", total="persons", column=pl.lit("OBS_VALUE")
        )
        sum_problems, bad = total_problems(single, totals, keys, table.file, _TOLERANCE)
        duplicate = _duplicate_rows(table, single)
        population = (
            single.join(bad, on=keys, how="anti")
            .filter(~pl.col("row").is_in(duplicate["row"].implode()))
            .with_columns(kind=pl.lit("estimate"))
            .select(POPULATION_COLUMNS)
        )
        latest = frame["year"].max()
        if latest is None:
            raise DataProblemError(
                [DataProblem(ProblemCode.EMPTY_FILE, table.file, "rows of population estimates")]
            )
        assert isinstance(latest, int)
        release_date, note = _release_date(options, latest)
        return Parsed(
            source=self.source,
            release_date=release_date,
            rows=table.frame.height,
            tables={"population": population},
            problems=problems + sum_problems + _duplicate_problems(table, duplicate),
            note=note + "; Nomis extract",
        )


def _duplicate_rows(table: RawTable, single: pl.DataFrame) -> pl.DataFrame:
    """Rows repeating an earlier row's area, year, sex and age."""
    key = ["area_code", "year", "sex", "age"]
    return single.filter(~pl.struct(key).is_first_distinct()).select("row", "area_code")


def _duplicate_problems(table: RawTable, duplicate: pl.DataFrame) -> list[DataProblem]:
    return [
        DataProblem(
            ProblemCode.DUPLICATE_ID,
            table.file,
            "one row per area x year x sex x age",
            row=r["row"],
            column="GEOGRAPHY_CODE",
            value=r["area_code"],
        )
        for r in duplicate.iter_rows(named=True)
    ]
