"""Skills for Care's local area workforce estimates, read as they are downloaded.

Skills for Care publishes its adult social care workforce estimates as a
"local area data download": one row per area x sector x main service x job
role x variable, with its value. This adapter reads that long layout (CSV or
a workbook sheet, header within the first rows; column names matched
case-insensitively):

- area: `Area code` (or `Code`, `LA code`) and/or `Area` (or `Area name`,
  `Local authority`): the council's rows are kept, England and regions left out;
- period: `Year` (or `Period`): `2023/24` is dated 31 March 2024 (the
  estimates' financial year end), `2024` 31 March 2024, or a date;
- `Sector` (employer sector, optional): only `All sectors` rows are kept;
- `Main service` (or `Service`, `Main service group`): mapped to sectors
  below; services with no sector here are left out and named in the note;
- `Job role` (or `Job role group`): only `All job roles` rows are kept;
- `Variable` (or `Metric`, `Measure`) and `Value`: filled posts, turnover
  rate, vacancy rate, zero-hours share and the share aged 55 and over are
  read; `26.3%` is 0.263, suppressed values (`*`, `-`, `x`, blank) are null.

The exact headings of Skills for Care's files change between years, hence
the alternatives; the layout is documented in docs/council-templates.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Final

import polars as pl

from caremarket.domain.area import find_council
from caremarket.domain.sector import Sector
from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed
from caremarket.ingest.council.context import CouncilContext
from caremarket.ingest.council.reader import header_name, normalise_header
from caremarket.ingest.council.templates import ALL
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import SKILLS_FOR_CARE_WORKFORCE
from caremarket.ingest.workbook import FileFormat, RawTable, Workbook

_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "area_code": ("area_code", "code", "la_code", "local_authority_code"),
    "area": ("area", "area_name", "local_authority", "la_name"),
    "year": ("year", "period"),
    "sector": ("sector",),
    "service": ("main_service", "service", "main_service_group"),
    "job_role": ("job_role", "job_role_group"),
    "metric": ("variable", "metric", "measure"),
    "value": ("value",),
}
_NEEDED: Final = ("year", "service", "job_role", "metric", "value")
SERVICE_SECTORS: Final[dict[str, str]] = {
    "all services": ALL,
    "care home services with nursing": Sector.CARE_HOME_NURSING.value,
    "care home services without nursing": Sector.CARE_HOME_RESIDENTIAL.value,
    "care home services": Sector.CARE_HOME.value,
    "residential": Sector.CARE_HOME.value,
    "domiciliary care services": Sector.HOME_CARE.value,
    "domiciliary care": Sector.HOME_CARE.value,
    "supported living services": Sector.SUPPORTED_LIVING.value,
    "extra care housing services": Sector.EXTRA_CARE.value,
    "shared lives": Sector.SHARED_LIVES.value,
    "community care services": Sector.COMMUNITY.value,
    "community care": Sector.COMMUNITY.value,
}
METRICS: Final[dict[str, str]] = {
    "filled posts": "jobs",
    "turnover rate": "turnover_rate",
    "vacancy rate": "vacancy_rate",
    "zero-hours contracts": "zero_hours_share",
    "zero hours contracts": "zero_hours_share",
    "proportion on zero-hours contracts": "zero_hours_share",
    "aged 55 and over": "share_aged_55_plus",
    "aged 55+": "share_aged_55_plus",
    "proportion aged 55 and over": "share_aged_55_plus",
}
_SHARES: Final = ("turnover_rate", "vacancy_rate", "zero_hours_share", "share_aged_55_plus")
_SUPPRESSED: Final = frozenset({"*", "-", "x", "..", "c", "[c]"})
_ALL_WORDS: Final = frozenset({"all", "all sectors", "all job roles", "all job role groups"})


class SkillsForCareAdapter:
    """Reads Skills for Care's local area workforce estimates into the workforce table."""

    source = SKILLS_FOR_CARE_WORKFORCE
    formats: Sequence[FileFormat] = tuple(f for f in FileFormat if f is not FileFormat.JSON)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The first sheet with a period, service, job role, variable and value header."""
        for name in workbook.sheet_names:
            for index, row in enumerate(workbook.head(name)):
                found = _columns([header_name(c) for c in row if c])
                if all(k in found for k in _NEEDED) and ({"area", "area_code"} & set(found)):
                    return Match(name, index + 1)
        return None

    def read(self, workbook: Workbook, match: Match, context: CouncilContext) -> Parsed:
        """Keep the council's all-sector, all-job-role rows and pivot their variables."""
        table = normalise_header(workbook.table(match.sheet, match.header_row))
        found = _columns(table.frame.columns)
        raw = {key: cells.text(table, column) for key, column in found.items()}
        rows = pl.DataFrame(
            {
                "row": [table.file_row(i) for i in range(table.frame.height)],
                "service": raw["service"],
                "job_role": raw["job_role"],
                "metric": raw["metric"],
                "value": raw["value"],
                "year": raw["year"],
                "sector": raw.get(
                    "sector", pl.Series([None] * table.frame.height, dtype=pl.String)
                ),
                "area": _area_codes(raw),
            }
        )
        ours = rows.filter(
            (pl.col("area") == context.la_code)
            & pl.col("job_role").str.to_lowercase().is_in(list(_ALL_WORDS))
            & (
                pl.col("sector").is_null()
                | pl.col("sector").str.to_lowercase().is_in(list(_ALL_WORDS))
            )
        )
        if ours.is_empty():
            raise DataProblemError(
                [
                    DataProblem(
                        ProblemCode.UNKNOWN_AREA,
                        table.file,
                        f"rows for {context.la_name or context.la_code} ({context.la_code}) "
                        "with job role `All job roles`",
                    )
                ]
            )
        return _pivot(table, ours, context)


def _columns(header: Sequence[str]) -> dict[str, str]:
    present = set(header)
    found: dict[str, str] = {}
    for key, names in _COLUMNS.items():
        for name in names:
            if name in present:
                found[key] = name
                break
    return found


def _area_codes(raw: dict[str, pl.Series]) -> pl.Series:
    if "area_code" in raw:
        return raw["area_code"].str.to_uppercase()
    names = raw["area"]
    lookup = {n: (a.code if (a := find_council(n)) else None) for n in names.drop_nulls().unique()}
    return names.replace_strict(lookup, default=None, return_dtype=pl.String)


def _as_of(year: str) -> date | None:
    text = year.strip()
    if m := re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", text):
        return date(int(m.group(1)) + 1, 3, 31)
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 3, 31)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _value(text: str | None, metric: str) -> tuple[float | None, bool]:
    """The value as a number (shares from percentages), and whether it was readable."""
    if text is None or text.strip().lower() in _SUPPRESSED:
        return None, True
    cleaned = text.strip().replace(",", "")
    percent = cleaned.endswith("%")
    digits = cleaned.rstrip("%")
    # Digits only: no `inf`, `nan`, exponents or numbers too long to be exact.
    if not re.fullmatch(r"[+-]?(?:\d{1,15}(?:\.\d*)?|\.\d+)", digits):
        return None, False
    number = float(digits)
    if metric == "jobs":
        return (number if number >= 0 and number == int(number) else None), number >= 0
    share = number / 100 if percent else number
    return share, 0 <= share <= 1


def _pivot(table: RawTable, ours: pl.DataFrame, context: CouncilContext) -> Parsed:
    problems: list[DataProblem] = []
    skipped: set[str] = set()
    records: dict[tuple[str, date], dict[str, object]] = {}
    seen: set[tuple[str, date, str]] = set()

    def problem(code: ProblemCode, row: int, column: str, expected: str, value: str) -> None:
        problems.append(DataProblem(code, table.file, expected, row, column, value))

    for r in ours.iter_rows(named=True):
        sector = SERVICE_SECTORS.get((r["service"] or "").lower())
        metric = METRICS.get((r["metric"] or "").lower())
        if sector is None or metric is None:
            skipped.add(r["service"] if sector is None else r["metric"])
            continue
        as_of = _as_of(r["year"] or "")
        if as_of is None:
            problem(ProblemCode.BAD_DATE, r["row"], "year", "a year such as 2023/24", r["year"])
            continue
        value, readable = _value(r["value"], metric)
        if not readable:
            expected = "a whole number" if metric == "jobs" else "a rate such as 26.3% or 0.263"
            problem(ProblemCode.NOT_A_NUMBER, r["row"], "value", expected, r["value"])
            continue
        if (sector, as_of, metric) in seen:
            problem(ProblemCode.DUPLICATE_ID, r["row"], "main_service",
                    "one row per main service x year x variable", r["service"])  # fmt: skip
            continue
        seen.add((sector, as_of, metric))
        record = records.setdefault((sector, as_of), {"sector": sector, "as_of_date": as_of})
        record[metric] = value
    frame = pl.DataFrame(
        list(records.values()),
        schema={"sector": pl.String, "as_of_date": pl.Date, "jobs": pl.Float64}
        | {s: pl.Float64 for s in _SHARES},
    ).with_columns(
        pl.col("jobs").cast(pl.Int64),
        la_code=pl.lit(context.la_code),
        area_code=pl.lit(context.la_code),
    )
    when = context.extract_date or cells.latest(frame["as_of_date"])
    if when is None:
        raise DataProblemError(
            [DataProblem(ProblemCode.NO_RELEASE_DATE, table.file, "a year in the file")]
        )
    note = "release date: " + ("the extract date" if context.extract_date else "the latest year")
    if skipped:
        note += "; left out (no sector or variable here): " + ", ".join(sorted(skipped))
    return Parsed(
        source=context.source(SKILLS_FOR_CARE_WORKFORCE),
        release_date=when,
        rows=table.frame.height,
        tables={"workforce": frame},
        problems=problems,
        note=note,
    )
