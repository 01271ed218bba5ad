"""ASCOF open data (long format): one row per council x measure x breakdown x measure type.

The layout of the yearly `meas-from-asc-of-eng-YYYY-open-data-csv` files up
to 2022-23: columns Geographical Code/Description/Level, ONS Code, ASCOF
Measure Code, Disaggregation Level, Measure Type (Numerator, Denominator,
Base, Outcome, Margin Of Error), Measure Value, Measure Group. The codes
follow the numbering of the file's year. The file holds no year: it is read
from the file name (`2020-21`) or from --release-date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from caremarket.domain.ascof import find_measure, numbering_of_year
from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, sheet_with_header
from caremarket.ingest.nhs.ascof_common import EXPECTED_VALUE, Councils, read_cell
from caremarket.ingest.nhs.financial_year import year_from
from caremarket.ingest.problem import DataProblem, ProblemCode
from caremarket.ingest.sources import NHS_ASCOF
from caremarket.ingest.workbook import FileFormat, Workbook

REQUIRED = (
    "Geographical Description",
    "Geographical Level",
    "ONS Code",
    "ASCOF Measure Code",
    "Disaggregation Level",
    "Measure Type",
    "Measure Value",
)
_SIGNATURE = ("ASCOF Measure Code", "Measure Type", "Measure Value")
_TYPES = {
    "outcome": "value",
    "numerator": "numerator",
    "denominator": "denominator",
    "base": "respondents",
    "margin of error": None,
}


class AscofOpenDataAdapter:
    """Reads an ASCOF open data file (long format, one value per row)."""

    source = NHS_ASCOF
    formats: Sequence[FileFormat] = (FileFormat.CSV, FileFormat.XLSX, FileFormat.ODS)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The sheet whose header has the ASCOF measure code, type and value columns."""
        return sheet_with_header(workbook, _SIGNATURE)

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Every council's measures, one row per measure x breakdown."""
        table = workbook.table(match.sheet, match.header_row)
        cells.require_columns(table, REQUIRED, "the columns of an ASCOF open data file")
        year, how = year_from(workbook.file, options)
        numbering = numbering_of_year(year)
        text = {c: cells.text(table, c).to_list() for c in REQUIRED}
        groups = (
            cells.text(table, "Measure Group").to_list()
            if "Measure Group" in table.frame.columns
            else text["ASCOF Measure Code"]
        )
        problems: list[DataProblem] = []
        councils = Councils()
        records: dict[tuple[str, str, str], dict[str, object]] = {}
        for i, level in enumerate(text["Geographical Level"]):
            if (level or "").strip().lower() != "council":
                continue
            row = table.file_row(i)
            code, name = text["ONS Code"][i], text["Geographical Description"][i]
            area = councils.match(code, name)
            if area is None:
                if (code or "").strip() not in councils.abolished:
                    problems.append(
                        DataProblem(
                            ProblemCode.UNKNOWN_AREA,
                            table.file,
                            "an English council's GSS code or name",
                            row,
                            "ONS Code",
                            f"{code} {name}",
                        )
                    )
                continue
            published = groups[i] or text["ASCOF Measure Code"][i] or ""
            measure = find_measure(published, numbering)
            if measure is None:
                problems.append(
                    DataProblem(
                        ProblemCode.UNKNOWN_VALUE,
                        table.file,
                        f"an ASCOF measure code of the {numbering.value} numbering "
                        "(declared in caremarket/domain/data/ascof_measures.yaml)",
                        row,
                        "Measure Group",
                        published,
                    )
                )
                continue
            kind = (text["Measure Type"][i] or "").strip().lower()
            if kind not in _TYPES:
                expected = "one of " + ", ".join(t.title() for t in _TYPES)
                problems.append(
                    DataProblem(
                        ProblemCode.UNKNOWN_VALUE,
                        table.file,
                        expected,
                        row,
                        "Measure Type",
                        text["Measure Type"][i],
                    )
                )
                continue
            field = _TYPES[kind]
            if field is None:
                continue
            cell = read_cell(text["Measure Value"][i])
            if cell.bad:
                problems.append(
                    DataProblem(
                        ProblemCode.NOT_A_NUMBER,
                        table.file,
                        EXPECTED_VALUE,
                        row,
                        "Measure Value",
                        text["Measure Value"][i],
                    )
                )
                continue
            breakdown = (text["Disaggregation Level"][i] or "Total").strip().lower()
            key = (area.code, measure.code, breakdown)
            record = records.setdefault(
                key,
                {
                    "la_code": area.code, "la_name": name, "measure_code": measure.code,
                    "published_code": published, "breakdown": breakdown, "year": year,
                    "numerator": None, "denominator": None, "respondents": None,
                    "value": None, "unit": measure.unit, "value_note": None,
                },
            )  # fmt: skip
            record[field] = cell.value
            if field == "value":
                record["value_note"] = cell.note
        frame = pl.DataFrame(
            list(records.values()),
            schema={
                "la_code": pl.String, "la_name": pl.String, "measure_code": pl.String,
                "published_code": pl.String, "breakdown": pl.String, "year": pl.String,
                "numerator": pl.Float64, "denominator": pl.Float64, "respondents": pl.Float64,
                "value": pl.Float64, "unit": pl.String, "value_note": pl.String,
            },
        )  # fmt: skip
        frame = frame.with_columns(
            value_note=pl.when(pl.col("value").is_null())
            .then(pl.col("value_note").fill_null("no Outcome row in the release"))
            .otherwise(None)
        )
        end = int(year[:4]) + 1
        note = "; ".join(
            p
            for p in (
                f"{how} ({year}, {numbering.value} ASCOF numbering)",
                councils.note(),
            )
            if p
        )
        return Parsed(
            source=self.source,
            release_date=options.release_date or date(end, 3, 31),
            rows=table.frame.height,
            tables={"ascof_value": frame},
            problems=problems,
            note=note,
        )
