"""Typed columns from text cells, with a data problem for every cell that will not go.

Each function takes a RawTable column and gives back a typed polars Series
(null where the cell was blank or wrong) and the problems found, so an
adapter can load the good rows leniently or refuse the file strictly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum

import polars as pl

from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.workbook import RawTable


class DateOrder(StrEnum):
    """How a file writes dates as text."""

    ISO = "iso"
    DAY_FIRST = "day-first"
    MONTH_FIRST = "month-first"


def problems_where(
    table: RawTable,
    column: str,
    bad: pl.Series,
    values: pl.Series,
    code: ProblemCode,
    expected: str,
) -> list[DataProblem]:
    """A problem for each row where `bad` holds, quoting that row's value (every one, no cap)."""
    indices = bad.fill_null(False).arg_true().to_list()
    return [
        DataProblem(code, table.file, expected, table.file_row(i), column, values[i])
        for i in indices
    ]


def text(table: RawTable, column: str) -> pl.Series:
    """A text column with surrounding spaces removed (null where blank)."""
    if column not in table.frame.columns:
        return pl.Series(column, [None] * table.frame.height, dtype=pl.String)
    return table.frame[column].str.strip_chars()


def required(table: RawTable, column: str, expected: str) -> list[DataProblem]:
    """Problems for every blank cell in a column that must have a value."""
    values = text(table, column)
    return problems_where(
        table, column, values.is_null(), values, ProblemCode.MISSING_VALUE, expected
    )


# Numbers are read strictly: digits with an optional sign, thousands commas and
# decimal point. No `inf`, `nan`, exponents (`1e3`) or hex; at most 15 digits
# before the point, so every value is exact as a float and fits a whole number.
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d{1,15})"
_WHOLE_TEXT = rf"^\s*\+?{_DIGITS}(?:\.0*)?\s*$"
_NUMBER_TEXT = rf"^\s*[+-]?(?:{_DIGITS}(?:\.\d*)?|\.\d+)\s*$"
# A release that writes some values in scientific notation (ASC-FR's rounding residues
# such as -2.32E-14): a decimal with a short exponent, still finite.
_SCIENTIFIC_TEXT = rf"^\s*[+-]?(?:{_DIGITS}(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{{1,3}})?\s*$"
_MAX_DIGITS = 15


def _strict(values: pl.Series, pattern: str) -> tuple[pl.Series, pl.Series]:
    """The values parsed as numbers where they fit `pattern`, and where they do not."""
    fits = values.str.contains(pattern).fill_null(False)
    whole_part = values.str.replace_all(r"[,\s+-]", "").str.split(".").list.first()
    fits = fits & (whole_part.str.replace(r"^0+", "").str.len_chars().fill_null(0) <= _MAX_DIGITS)
    cleaned = pl.select(
        pl.when(fits).then(values.str.replace_all(r"[,\s]", "")).otherwise(None)
    ).to_series()
    parsed = cleaned.cast(pl.Float64, strict=False)
    bad = values.is_not_null() & (~fits | parsed.is_null() | parsed.is_infinite().fill_null(False))
    return parsed, bad


def whole_number(table: RawTable, column: str) -> tuple[pl.Series, list[DataProblem]]:
    """A column of whole numbers, e.g. care home beds (at most 15 digits, no exponent)."""
    values = text(table, column)
    parsed, bad = _strict(values, _WHOLE_TEXT)
    problems = problems_where(
        table,
        column,
        bad,
        values,
        ProblemCode.NOT_A_WHOLE_NUMBER,
        "a whole number of 0 or more, in digits (such as 42)",
    )
    result = pl.when(bad).then(None).otherwise(parsed)
    return pl.select(result.cast(pl.Int64).alias(column)).to_series(), problems


def number(
    table: RawTable, column: str, *, scientific: bool = False
) -> tuple[pl.Series, list[DataProblem]]:
    """A column of decimal numbers, e.g. latitude (digits and a point; an exponent only
    where the release is known to write them: `scientific`)."""
    values = text(table, column)
    parsed, bad = _strict(values, _SCIENTIFIC_TEXT if scientific else _NUMBER_TEXT)
    problems = problems_where(
        table, column, bad, values, ProblemCode.NOT_A_NUMBER, "a number in digits (such as 52.95)"
    )
    result = pl.when(bad).then(None).otherwise(parsed)
    return pl.select(result.alias(column)).to_series(), problems


# The shape of a UK postcode in the ONS form (ONSPD `pcds`), and Girobank's GIR 0AA.
POSTCODE_SHAPE = r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}|GIR 0AA)$"


def normal_postcodes(values: pl.Series) -> pl.Series:
    """Postcodes in the ONS form: upper case, one space before the three-character inward code."""
    compact = pl.col("raw").str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")
    length = compact.str.len_chars()
    spaced = pl.concat_str([compact.str.slice(0, length - 3), pl.lit(" "), compact.str.slice(-3)])
    normal = pl.when(length >= 5).then(spaced).when(length > 0).then(compact).otherwise(None)
    return pl.DataFrame({"raw": values}).select(normal.alias("postcode")).to_series()


def postcode(table: RawTable, column: str) -> tuple[pl.Series, list[DataProblem]]:
    """A column of postcodes in the ONS form (`ln11aa` -> `LN1 1AA`); a problem where none fits."""
    values = text(table, column)
    normal = normal_postcodes(values)
    bad = values.is_not_null() & ~normal.str.contains(POSTCODE_SHAPE).fill_null(False)
    problems = problems_where(
        table, column, bad, values, ProblemCode.UNKNOWN_POSTCODE, "a UK postcode such as LN1 1AA"
    )
    return normal.alias(column), problems


def flag(
    table: RawTable, column: str, *, blank: bool | None = False
) -> tuple[pl.Series, list[DataProblem]]:
    """A Y/N flag column; a blank cell means `blank` (CQC leaves `N` blank)."""
    values = text(table, column).str.to_uppercase()
    mapping = {"Y": True, "YES": True, "TRUE": True, "N": False, "NO": False, "FALSE": False}
    parsed = values.replace_strict(mapping, default=None, return_dtype=pl.Boolean)
    bad = values.is_not_null() & parsed.is_null()
    problems = problems_where(
        table, column, bad, text(table, column), ProblemCode.UNKNOWN_VALUE, "Y, N or blank"
    )
    filled = parsed.fill_null(blank) if blank is not None else parsed
    return pl.select(pl.when(bad).then(None).otherwise(filled)).to_series().alias(column), problems


def choice(
    table: RawTable,
    column: str,
    mapping: Mapping[str, str | None],
    *,
    code: ProblemCode = ProblemCode.UNKNOWN_VALUE,
    expected: str | None = None,
) -> tuple[pl.Series, list[DataProblem]]:
    """A column of words from a known list, mapped to ids (case-insensitive)."""
    values = text(table, column)
    lower = {k.lower(): v for k, v in mapping.items()}
    keys = values.str.to_lowercase()
    known = keys.is_in(list(lower)) | keys.is_null()
    parsed = keys.replace_strict(lower, default=None, return_dtype=pl.String)
    words = ", ".join(sorted({k for k in mapping if k}))
    problems = problems_where(table, column, ~known, values, code, expected or f"one of: {words}")
    return parsed.alias(column), problems


_SLASHED = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T].*)?\s*$"
_ISO = r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?\s*$"


def date_order(values: pl.Series) -> DateOrder | None:
    """The one date order a file's text dates fit; None if they fit both (all days <= 12).

    Only a real date votes: `13/05/2026` votes day first, `05/13/2026` month
    first, and a date that is impossible either way (`31/02/2026`) does not
    vote at all, so one bad cell cannot turn how the rest of the file is read.
    Should both orders get votes, the larger side wins and the others are
    reported as bad dates when the column is read.
    """
    present = values.drop_nulls()
    slashed = present.filter(present.str.contains(_SLASHED)).str.extract_groups(_SLASHED)
    if slashed.is_empty():
        return DateOrder.ISO
    parts = pl.DataFrame(
        {
            "a": slashed.struct.field("1").cast(pl.Int32),
            "b": slashed.struct.field("2").cast(pl.Int32),
            "y": slashed.struct.field("3").cast(pl.Int32),
        }
    )
    counts = parts.group_by("a", "b", "y").len()
    day_votes = month_votes = 0
    for a, b, y, count in counts.iter_rows():
        as_day_first = _real_date(y, b, a)
        as_month_first = _real_date(y, a, b)
        if as_day_first and not as_month_first:
            day_votes += count
        elif as_month_first and not as_day_first:
            month_votes += count
    if day_votes == 0 and month_votes == 0:
        return None
    return DateOrder.MONTH_FIRST if month_votes > day_votes else DateOrder.DAY_FIRST


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def dates(
    table: RawTable, column: str, order: DateOrder, *, not_after: date | None = None
) -> tuple[pl.Series, list[DataProblem]]:
    """A column of dates, ISO or slashed text in the file's one date order.

    With `not_after` (the load date), a date later than it is a problem too:
    a release cannot hold what has not happened yet.
    """
    values = text(table, column)
    day, month = ("1", "2") if order is not DateOrder.MONTH_FIRST else ("2", "1")
    parts = pl.DataFrame(
        {"iso": values.str.extract_groups(_ISO), "sl": values.str.extract_groups(_SLASHED)}
    )
    iso, sl = pl.col("iso").struct, pl.col("sl").struct
    ymd = parts.select(
        y=pl.coalesce(iso.field("1"), sl.field("3")).cast(pl.Int32),
        m=pl.coalesce(iso.field("2"), sl.field(month)).cast(pl.Int32),
        d=pl.coalesce(iso.field("3"), sl.field(day)).cast(pl.Int32),
    )
    y, m, d = pl.col("y"), pl.col("m"), pl.col("d")
    valid = m.is_between(1, 12) & d.is_between(1, 31) & y.is_between(1900, 2100)
    parsed = ymd.select(
        pl.when(valid.fill_null(False))
        .then(
            pl.format("{}-{}-{}", y, m.cast(pl.String).str.zfill(2), d.cast(pl.String).str.zfill(2))
        )
        .otherwise(None)
        .str.to_date("%Y-%m-%d", strict=False)
    ).to_series()
    # pl.date gives null for 31 February and the like, which also counts as bad.
    bad = values.is_not_null() & parsed.is_null()
    expected = {
        DateOrder.ISO: "a date such as 2026-05-29",
        DateOrder.DAY_FIRST: "a date such as 29/05/2026 (this file writes day first)",
        DateOrder.MONTH_FIRST: "a date such as 05/29/2026 (this file writes month first)",
    }[order]
    problems = problems_where(table, column, bad, values, ProblemCode.BAD_DATE, expected)
    if not_after is not None:
        future = parsed > not_after
        problems += problems_where(
            table,
            column,
            future,
            values,
            ProblemCode.FUTURE_DATE,
            f"a date on or before the load date {not_after.isoformat()}",
        )
        parsed = pl.select(pl.when(future).then(None).otherwise(parsed)).to_series()
    return parsed.alias(column), problems


def file_date_order(
    table: RawTable, columns: list[str], default: DateOrder | None = None
) -> tuple[DateOrder, list[DataProblem]]:
    """The date order of a file's text dates, decided once for the whole file."""
    present = [c for c in columns if c in table.frame.columns]
    if not present:
        return DateOrder.ISO, []
    values = pl.concat([text(table, c) for c in present])
    order = date_order(values)
    if order is not None:
        return order, []
    if default is not None:
        return default, []
    return DateOrder.DAY_FIRST, [
        DataProblem(
            ProblemCode.AMBIGUOUS_DATE_ORDER,
            table.file,
            "dates whose order can be told (a day over 12), or --date-order",
            column=present[0],
            value="every day and month is 12 or under",
        )
    ]


def latest(series: pl.Series) -> date | None:
    """The latest date in a column, or None."""
    value = series.max()
    return value if isinstance(value, date) else None


def good_rows(table: RawTable, problems: list[DataProblem]) -> pl.Series:
    """A mask of the table's rows that no row-level problem names."""
    bad = sorted({p.row - table.header_row - 1 for p in problems if p.row is not None})
    mask = pl.Series("keep", [True] * table.frame.height, dtype=pl.Boolean)
    if bad:
        mask = mask.scatter([i for i in bad if 0 <= i < table.frame.height], False)
    return mask


def duplicate_problems(
    table: RawTable, key: list[str], column: str, values: pl.DataFrame | None = None
) -> list[DataProblem]:
    """A problem for every row repeating an earlier row's key (its text, or typed `values`)."""
    if values is None:
        if any(k not in table.frame.columns for k in key):
            return []
        values = pl.DataFrame({k: text(table, k) for k in key})
    repeated = ~values.select(pl.struct(key).is_first_distinct()).to_series()
    what = " x ".join(key)
    return problems_where(
        table,
        column,
        repeated,
        text(table, column),
        ProblemCode.DUPLICATE_ID,
        f"one row per {what}",
    )


def require_columns(table: RawTable, required: Sequence[str], what: str) -> None:
    """Raise DataProblemError naming every required column the header lacks."""
    present = set(table.frame.columns)
    missing = [c for c in required if c not in present]
    if missing:
        raise DataProblemError(
            [
                DataProblem(
                    ProblemCode.MISSING_COLUMN,
                    table.file,
                    what,
                    row=table.header_row or None,
                    column=c,
                )
                for c in missing
            ]
        )
