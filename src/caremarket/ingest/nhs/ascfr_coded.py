"""ASC-FR coded totals (the 2016-17 `CSV ASCFR Totals` layout): dimensions as *_KEY codes.

Columns FY_Ending, CASSR_CODE, GEOGRAPHY_CODE (GSS), REGION_GO_CODE, one
*_KEY column per dimension and six money columns in GBP thousands (total,
income, net and gross total and current expenditure). Money is stored in GBP.
A code is decoded only where `caremarket/domain/data/ascfr_reference.yaml`
declares its meaning; any other stays `code N` and the release note names
every column left coded, so no figure is given a meaning the release does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from caremarket.domain.area import find_council
from caremarket.domain.ascfr import CODED_DIMENSIONS, decode, undecoded
from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, sheet_with_header
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import NHS_ASCFR
from caremarket.ingest.workbook import FileFormat, Workbook

MONEY: dict[str, str] = {
    "TOTALEXPENDITURE": "total_expenditure",
    "TOTALINCOME": "total_income",
    "NETTOTALEXPENDITURE": "net_total_expenditure",
    "GROSSTOTALEXPENDITURE": "gross_total_expenditure",
    "NETCURRENTEXPENDITURE": "net_current_expenditure",
    "GROSSCURRENTEXPENDITURE": "gross_current_expenditure",
}
REQUIRED = ("FY_Ending", "GEOGRAPHY_CODE", *CODED_DIMENSIONS, *MONEY)
_SIGNATURE = ("FY_Ending", "GEOGRAPHY_CODE", "CareType_KEY", "DataType_KEY")


class AscfrCodedAdapter:
    """Reads ASC-FR coded totals: money by council and coded dimensions."""

    source = NHS_ASCFR
    formats: Sequence[FileFormat] = (FileFormat.CSV, FileFormat.XLSX)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The sheet whose header has FY_Ending, GEOGRAPHY_CODE and the *_KEY columns."""
        return sheet_with_header(workbook, _SIGNATURE)

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Every council's money rows, one per coded row and money column."""
        table = workbook.table(match.sheet, match.header_row)
        cells.require_columns(table, REQUIRED, "the columns of an ASC-FR coded totals file")
        problems: list[DataProblem] = []
        ending, end_problems = cells.whole_number(table, "FY_Ending")
        problems += end_problems
        endings = ending.drop_nulls().unique().to_list()
        if len(endings) != 1:
            raise DataProblemError(
                [
                    DataProblem(
                        ProblemCode.BAD_FORMAT,
                        table.file,
                        "one financial year ending (e.g. 2017) in every row",
                        column="FY_Ending",
                        value=", ".join(str(e) for e in sorted(endings)) or "none",
                    )
                ]
            )
        end = int(endings[0])
        year = f"{end - 1}-{end % 100:02d}"
        gss = cells.text(table, "GEOGRAPHY_CODE")
        known = {c: find_council(c) for c in gss.unique().drop_nulls().to_list()}
        la_code = gss.replace_strict(
            {c: (a.code if a is not None and a.code == c else None) for c, a in known.items()},
            default=None,
            return_dtype=pl.String,
        )
        gone = sorted(c for c, a in known.items() if a is None or a.code != c)
        money = {}
        for column in MONEY:
            parsed, money_problems = cells.number(table, column, scientific=True)
            money[column] = parsed
            problems += money_problems
        keep = cells.good_rows(table, problems) & la_code.is_not_null()
        height = table.frame.height
        base = {
            "la_code": la_code,
            "la_name": pl.Series([None] * height, dtype=pl.String),
            "year": pl.Series([year] * height, dtype=pl.String),
            "line": pl.Series([f"row {table.file_row(i)}" for i in range(height)]),
            "activity_provision": pl.Series([None] * height, dtype=pl.String),
        }
        coded: list[str] = []
        for column, target in CODED_DIMENSIONS.items():
            raw = cells.text(table, column)
            meanings = {c: decode(column, c) for c in raw.unique().drop_nulls().to_list()}
            if any(m is None for m in meanings.values()):
                coded.append(column)
            base[target] = raw.replace_strict(
                {c: (m if m is not None else undecoded(c)) for c, m in meanings.items()},
                default=None,
                return_dtype=pl.String,
            )
        wide = pl.DataFrame(base).with_columns(
            **{MONEY[c]: (s * 1000).alias(MONEY[c]) for c, s in money.items()}
        )
        frame = (
            wide.filter(keep)
            .unpivot(
                index=[c for c in wide.columns if c not in MONEY.values()],
                on=list(MONEY.values()),
                variable_name="measure",
                value_name="value",
            )
            .with_columns(
                unit=pl.lit("GBP"),
                value_note=pl.when(pl.col("value").is_null())
                .then(pl.lit("blank in the release"))
                .otherwise(None),
            )
        )
        note = [f"financial year {year} from FY_Ending; money read from GBP thousands"]
        if coded:
            note.append(
                "not decoded (no declared reference table, kept as `code N`): " + ", ".join(coded)
            )
        if gone:
            note.append("left out, no council on the 2025 GSS list: " + ", ".join(gone))
        return Parsed(
            source=self.source,
            release_date=options.release_date or date(end, 3, 31),
            rows=height,
            tables={"ascfr_value": frame},
            problems=problems,
            note="; ".join(note),
        )
