"""ASC-FR activity with text labels (the 2015-16 `pss-exp-eng-15-16-fin-act` layout).

One row per council x care type x provision x age band x primary support
reason x setting or purpose, with `Value` and `Notes`. Councils are named, not
coded (the `Council Code` is NHS England's own, not a GSS code). The file holds
no year: it is read from the file name or --release-date. The file does not
say what unit `Value` counts, so it is kept as `activity as published`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, sheet_with_header
from caremarket.ingest.nhs.ascof_common import Councils
from caremarket.ingest.nhs.financial_year import year_from
from caremarket.ingest.sources import NHS_ASCFR
from caremarket.ingest.workbook import FileFormat, Workbook

REQUIRED = (
    "UUID", "Council Name", "Care Type", "Activity Provision", "Age Bands",
    "Primary support reason", "Long Term Support Setting", "Short Term Purpose", "Data Type",
    "Value",
)  # fmt: skip
_SIGNATURE = ("UUID", "Council Name", "Care Type", "Activity Provision", "Value")
UNIT = "activity as published"


def _label(series: pl.Series) -> pl.Series:
    """A published label; `-` (not applicable) is null."""
    return pl.select(
        pl.when(series == "-").then(None).otherwise(series.str.to_lowercase())
    ).to_series()


class AscfrActivityAdapter:
    """Reads ASC-FR activity files whose dimensions are written as text."""

    source = NHS_ASCFR
    formats: Sequence[FileFormat] = (FileFormat.CSV, FileFormat.XLSX)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The sheet whose header has UUID, council name, care type, provision and value."""
        return sheet_with_header(workbook, _SIGNATURE)

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Every council's activity rows, labels as published."""
        table = workbook.table(match.sheet, match.header_row)
        cells.require_columns(table, REQUIRED, "the columns of an ASC-FR activity file")
        year, how = year_from(workbook.file, options)
        value, problems = cells.number(table, "Value")
        problems += cells.required(table, "UUID", "the release's row id")
        names = cells.text(table, "Council Name")
        councils = Councils()
        codes = {n: councils.match(None, n) for n in names.unique().drop_nulls().to_list()}
        la_code = names.replace_strict(
            {n: (a.code if a is not None else None) for n, a in codes.items()},
            default=None,
            return_dtype=pl.String,
        )
        gone = sorted(n for n, a in codes.items() if a is None)
        keep = cells.good_rows(table, problems) & la_code.is_not_null()
        notes = cells.text(table, "Notes") if "Notes" in table.frame.columns else None
        frame = pl.DataFrame(
            {
                "la_code": la_code,
                "la_name": names,
                "year": pl.Series([year] * table.frame.height, dtype=pl.String),
                "line": cells.text(table, "UUID"),
                "measure": pl.Series(["activity"] * table.frame.height, dtype=pl.String),
                "care_type": _label(cells.text(table, "Care Type")),
                "activity_provision": _label(cells.text(table, "Activity Provision")),
                "age_band": _label(cells.text(table, "Age Bands")),
                "primary_support_reason": _label(cells.text(table, "Primary support reason")),
                "support_setting": _label(cells.text(table, "Long Term Support Setting")),
                "purpose": _label(cells.text(table, "Short Term Purpose")),
                "carer_support_type": pl.Series([None] * table.frame.height, dtype=pl.String),
                "data_type": _label(cells.text(table, "Data Type")),
                "value": value,
                "unit": pl.Series([UNIT] * table.frame.height, dtype=pl.String),
                "value_note": (
                    notes.str.to_lowercase()
                    if notes is not None
                    else pl.Series([None] * table.frame.height, dtype=pl.String)
                ),
            }
        ).filter(keep)
        frame = frame.with_columns(
            value_note=pl.when(pl.col("value").is_null())
            .then(pl.lit("blank in the release"))
            .otherwise(pl.col("value_note"))
        )
        note = [f"{how} ({year}); councils matched by name"]
        if gone:
            note.append("left out, no council on the 2025 GSS list: " + ", ".join(gone))
        return Parsed(
            source=self.source,
            release_date=options.release_date or date(int(year[:4]) + 1, 3, 31),
            rows=table.frame.height,
            tables={"ascfr_value": frame},
            problems=problems,
            note="; ".join(note),
        )
