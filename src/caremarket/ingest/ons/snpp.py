"""ONS sub-national population projections (SNPP): one CSV row per area x component x sex x age.

Columns `AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP` then one column per
projected year (2018-2043 for the 2018-based release, 2022-2047 for the
2022-based one). Only the `Population` component is stored, as single years of
age (90 = `90 and over`), kind `projection`; `All ages` rows are checked
against the sum of the single years and not stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import polars as pl

from caremarket.domain.release import Licence
from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, find_header
from caremarket.ingest.ons.common import (
    POPULATION_COLUMNS,
    SEX_WORDS,
    ages_of,
    total_problems,
)
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import ONS_SNPP
from caremarket.ingest.workbook import FileFormat, RawTable, Workbook

_SIGNATURE = ("AREA_CODE", "COMPONENT", "SEX", "AGE_GROUP")
_YEAR = re.compile(r"^\d{4}$")
_POPULATION = "population"
# Projections carry decimals: a total may differ from its summed parts by rounding.
_TOLERANCE = 1.0


class SnppAdapter:
    """Reads an ONS SNPP CSV (wide years) into population rows of kind `projection`."""

    source = ONS_SNPP
    formats: Sequence[FileFormat] = (FileFormat.CSV, FileFormat.XLSX)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The sheet whose header has AREA_CODE, COMPONENT, SEX and AGE_GROUP."""
        for name in workbook.sheet_names[:1]:
            row = find_header(workbook.head(name), _SIGNATURE)
            if row is not None:
                return Match(name, row)
        return None

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Read the Population component, years to rows; check all-ages totals."""
        table = workbook.table(match.sheet, match.header_row)
        years = [c for c in table.frame.columns if _YEAR.match(c)]
        if not years:
            raise DataProblemError(
                [
                    DataProblem(
                        ProblemCode.MISSING_COLUMN,
                        table.file,
                        "one column per projected year, e.g. 2018 ... 2043",
                        row=table.header_row,
                    )
                ]
            )
        component = cells.text(table, "COMPONENT").str.to_lowercase()
        wanted = (component == _POPULATION).fill_null(False)
        blank_component = cells.required(table, "COMPONENT", "a component such as Population")
        problems = cells.required(table, "AREA_CODE", "an area's GSS code")
        sex, sex_problems = cells.choice(table, "SEX", SEX_WORDS)
        labels = cells.text(table, "AGE_GROUP")
        ages, is_total = ages_of(labels)
        bad_age = wanted & ages.is_null() & ~is_total
        problems += cells.problems_where(
            table,
            "AGE_GROUP",
            bad_age,
            labels,
            ProblemCode.UNKNOWN_VALUE,
            "an age group 0 to 89, `90 and over` or `All ages`",
        )
        values: dict[str, pl.Series] = {}
        for year in years:
            values[year], year_problems = cells.number(table, year)
            problems += year_problems
        problems += sex_problems
        frame = pl.DataFrame(
            {
                "row": [table.file_row(i) for i in range(table.frame.height)],
                "area_code": cells.text(table, "AREA_CODE"),
                "area_name": cells.text(table, "AREA_NAME"),
                "sex": sex,
                "age": ages,
                "is_total": is_total,
                **values,
            }
        )
        problems = blank_component + _only_wanted(table, problems, wanted)
        frame = frame.filter(wanted & cells.good_rows(table, problems))
        long = frame.unpivot(
            index=["row", "area_code", "area_name", "sex", "age", "is_total"],
            on=years,
            variable_name="year",
            value_name="persons",
        ).with_columns(pl.col("year").cast(pl.Int64))
        missing = long.filter(pl.col("persons").is_null())
        problems += [
            DataProblem(
                ProblemCode.MISSING_VALUE,
                table.file,
                "a projected population",
                row=r["row"],
                column=str(r["year"]),
            )
            for r in missing.iter_rows(named=True)
        ]
        long = long.filter(~pl.col("row").is_in(missing["row"].implode()))
        keys = ["area_code", "year", "sex"]
        single = long.filter(~pl.col("is_total"))
        totals = long.filter(pl.col("is_total")).select(
            *keys, "row", total="persons", column=pl.col("year").cast(pl.String)
        )
        sum_problems, bad = total_problems(single, totals, keys, table.file, _TOLERANCE)
        repeated = single.filter(~pl.struct([*keys, "age"]).is_first_distinct())
        problems += sum_problems + [
            DataProblem(
                ProblemCode.DUPLICATE_ID,
                table.file,
                "one row per area x sex x age group",
                row=r["row"],
                column="AREA_CODE",
                value=r["area_code"],
            )
            for r in repeated.unique("row", maintain_order=True).iter_rows(named=True)
        ]
        population = (
            single.join(bad, on=keys, how="anti")
            .filter(~pl.col("row").is_in(repeated["row"].implode()))
            .with_columns(kind=pl.lit("projection"))
            .select(POPULATION_COLUMNS)
        )
        base = min(int(y) for y in years)
        if options.release_date is not None:
            release_date, note = options.release_date, "release date given by the user"
        else:
            release_date = date(base, 6, 30)
            note = f"release date: 30 June {base}, the projections' base year"
        source = self.source
        if "synthetic" in table.file.lower():
            # The demo county's projection is derived, not ONS's: say so in every figure's source.
            source = replace(
                source,
                title=f"SYNTHETIC projection in the layout of {source.title}",
                licence=Licence.SYNTHETIC,
            )
        return Parsed(
            source=source,
            release_date=release_date,
            rows=table.frame.height,
            tables={"population": population},
            problems=problems,
            note=f"{note}; {base}-based, years {years[0]}-{years[-1]}, Population component",
        )


def _only_wanted(
    table: RawTable, problems: list[DataProblem], wanted: pl.Series
) -> list[DataProblem]:
    """Problems in rows of the stored component only (other components are not read)."""
    return [p for p in problems if p.row is None or bool(wanted[p.row - table.header_row - 1])]
