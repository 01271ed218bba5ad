"""CQC "HSCA Active Locations" (care directory with filters): one row per location.

Reads the 2026 layout and the 2017-2021 variants (6-row preamble in the data
sheet, `Location CCG*` columns, `Location Post Code`), as .ods, .xlsx or .csv.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

import polars as pl

from caremarket.domain.client_group import SERVICE_USER_BAND_GROUPS
from caremarket.domain.release import Licence
from caremarket.domain.sector import SERVICE_TYPE_SECTORS, Sector
from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, find_header
from caremarket.ingest.cells import duplicate_problems
from caremarket.ingest.cqc.common import (
    RATING_WORDS,
    council_codes,
    release_date_or_problem,
    social_care,
)
from caremarket.ingest.cqc.hsca_layout import (
    DATA_SHEET,
    LEGACY_DATA_SHEET,
    README_SHEET,
    SERVICE_TYPE_PREFIX,
    SERVICE_USER_BAND_PREFIX,
)
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import CQC_HSCA_ACTIVE_LOCATIONS
from caremarket.ingest.workbook import FileFormat, RawTable, Workbook

_SIGNATURE = ("Location ID", "Location HSCA start date")
REQUIRED = (
    "Location ID",
    "Location Name",
    "Location Local Authority",
    "Care home?",
    "Dormant (Y/N)",
    "Care homes beds",
    "Location Inspection Directorate",
    "Provider ID",
)
_POSTCODE_COLUMNS = ("Location Postal Code", "Location Post Code")
_AS_AT = re.compile(r"as at\s+(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", re.IGNORECASE)
_NAME_DATE = re.compile(r"(\d{1,2})_([A-Za-z]+)_(\d{4})")


class HscaActiveLocationsAdapter:
    """Reads CQC's monthly HSCA Active Locations release."""

    source = CQC_HSCA_ACTIVE_LOCATIONS
    formats: Sequence[FileFormat] = (FileFormat.CSV, FileFormat.XLSX, FileFormat.ODS)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The data sheet (or the CSV) whose header holds the HSCA location columns."""
        names = workbook.sheet_names
        preferred = [n for n in names if n in (DATA_SHEET, LEGACY_DATA_SHEET)]
        for name in preferred + [n for n in names if n not in preferred]:
            if name == README_SHEET:
                continue
            row = find_header(workbook.head(name, 12), _SIGNATURE)
            if row is not None:
                return Match(name, row)
        return None

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Read locations, providers, sectors, client groups and overall ratings."""
        table = workbook.table(match.sheet, match.header_row)
        _check_columns(table)
        order, order_problems = cells.file_date_order(
            table, ["Publication Date", "Location HSCA start date"], options.date_order
        )
        if order_problems:
            raise DataProblemError(order_problems)

        problems: list[DataProblem] = []

        def take(result: tuple[pl.Series, list[DataProblem]]) -> pl.Series:
            problems.extend(result[1])
            return result[0]

        published = take(cells.dates(table, "Publication Date", order, not_after=options.load_date))
        started = take(cells.dates(table, "Location HSCA start date", order))
        beds = take(cells.whole_number(table, "Care homes beds"))
        latitude = take(cells.number(table, "Location Latitude"))
        longitude = take(cells.number(table, "Location Longitude"))
        dormant = take(cells.flag(table, "Dormant (Y/N)", blank=None))
        care_home = take(cells.flag(table, "Care home?", blank=None))
        inherited = take(cells.flag(table, "Inherited Rating (Y/N)"))
        rating = take(
            cells.choice(
                table, "Location Latest Overall Rating", RATING_WORDS,
                code=ProblemCode.UNKNOWN_RATING,
            )
        )  # fmt: skip
        postcode_column = next(c for c in _POSTCODE_COLUMNS if c in table.frame.columns)
        postcode = take(cells.postcode(table, postcode_column))
        la_code = take(council_codes(table, "Location Local Authority"))
        problems += cells.required(table, "Location ID", "a CQC location id such as 1-123456789")
        problems += duplicate_problems(table, ["Location ID"], "Location ID")
        keep = cells.good_rows(table, problems)

        def text(column: str) -> pl.Series:
            return cells.text(table, column)

        dual = text("Location Dual Registered")
        directorate = text("Location Inspection Directorate")
        category = text("Location Primary Inspection Category")
        location_type = text("Location Type/Sector")
        la_name = text("Location Local Authority")
        locations = pl.DataFrame(
            {
                "location_id": text("Location ID"),
                "provider_id": text("Provider ID"),
                "name": text("Location Name"),
                "address": text("Location Street Address"),
                "town": text("Location City"),
                "postcode": postcode,
                "latitude": latitude,
                "longitude": longitude,
                "la_name": la_name,
                "la_code": la_code,
                "region": text("Location Region"),
                "registration_date": started,
                "dormant": dormant,
                "care_home": care_home,
                "beds": beds,
                "location_type": location_type,
                "inspection_directorate": directorate,
                "primary_inspection_category": category,
                "adult_social_care": (
                    directorate.str.to_lowercase() == "adult social care"
                ).fill_null(False)
                | social_care(location_type, category),
                "dual_registered": dual.is_not_null() & (dual.str.to_uppercase() != "N"),
                "primary_id": text("Primary ID (Dual registration locations)"),
            }
        )
        ids = locations["location_id"]
        ratings = pl.DataFrame(
            {
                "location_id": ids,
                "service_group": "Overall",
                "key_question": "overall",
                "rating": rating,
                "publication_date": published,
                "inherited": inherited,
                "current": True,
            }
        ).filter(keep & rating.is_not_null())
        providers = (
            pl.DataFrame(
                {
                    "provider_id": text("Provider ID"),
                    "name": text("Provider Name"),
                    "ownership_type": text("Provider Ownership Type"),
                    "companies_house_number": text("Provider Companies House Number"),
                    "charity_number": text("Provider Charity Number"),
                    "postcode": cells.normal_postcodes(text("Provider Postal Code")),
                    "la_name": text("Provider Local Authority"),
                }
            )
            .filter(keep & pl.col("provider_id").is_not_null())
            .unique("provider_id", keep="first", maintain_order=True)
        )
        sectors = _memberships(
            table, ids, SERVICE_TYPE_PREFIX, {k: v.value for k, v in SERVICE_TYPE_SECTORS.items()},
            "sector",
        )  # fmt: skip
        care_homes = pl.DataFrame({"location_id": ids, "sector": Sector.CARE_HOME.value}).filter(
            care_home.fill_null(False)
        )
        sectors = pl.concat([sectors, care_homes]).unique(maintain_order=True)
        groups = _memberships(
            table, ids, SERVICE_USER_BAND_PREFIX,
            {k: v.value for k, v in SERVICE_USER_BAND_GROUPS.items()}, "client_group",
        )  # fmt: skip
        good_ids = ids.filter(keep)
        locations = locations.filter(keep)
        sectors = sectors.filter(pl.col("location_id").is_in(good_ids.implode()))
        groups = groups.filter(pl.col("location_id").is_in(good_ids.implode()))

        found, how = _date_in_file(workbook, match, table.file)
        source = self.source
        if _says_synthetic(workbook):
            source = replace(
                source, title=f"SYNTHETIC demo data in the layout of {source.title}",
                licence=Licence.SYNTHETIC,
            )  # fmt: skip
        if options.release_date is None and found is not None:
            release_date, note = found, f"release date from {how}"
        else:
            release_date, note, problem = release_date_or_problem(
                table.file, published, options, "the latest publication date"
            )
            if problem is not None:
                raise DataProblemError([problem])
        return Parsed(
            source=source,
            release_date=release_date,
            rows=table.frame.height,
            tables={
                "location": locations,
                "provider": providers,
                "location_sector": sectors,
                "location_client_group": groups,
                "rating": ratings,
            },
            problems=problems,
            note=note + f"; text dates read {order.value}",
        )


def _check_columns(table: RawTable) -> None:
    # Either spelling of the postcode column will do (2026: Postal, older: Post).
    postcode = next((c for c in _POSTCODE_COLUMNS if c in table.frame.columns), None)
    required = [*REQUIRED, postcode or _POSTCODE_COLUMNS[0]]
    cells.require_columns(table, required, "the columns of CQC's HSCA Active Locations file")


def _memberships(
    table: RawTable, ids: pl.Series, prefix: str, mapping: dict[str, str], name: str
) -> pl.DataFrame:
    """(location_id, id) for every `prefix<word>` column flagged Y, mapped to our ids."""
    parts = []
    for column in table.frame.columns:
        if not column.startswith(prefix):
            continue
        target = mapping.get(column.removeprefix(prefix))
        if target is None:
            continue
        flagged = cells.text(table, column).str.to_uppercase() == "Y"
        chosen = ids.filter(flagged.fill_null(False)).cast(pl.String)
        parts.append(
            pl.DataFrame(
                {"location_id": chosen, name: [target] * chosen.len()},
                schema={"location_id": pl.String, name: pl.String},
            )
        )
    if not parts:
        return pl.DataFrame(schema={"location_id": pl.String, name: pl.String})
    return pl.concat(parts).unique(maintain_order=True)


def _says_synthetic(workbook: Workbook) -> bool:
    """Whether the README sheet says the file is synthetic (the demo county's files do)."""
    if README_SHEET not in workbook.sheet_names:
        return False
    return any(
        "synthetic" in (cell or "").lower()
        for row in workbook.head(README_SHEET, 30)
        for cell in row
    )


def _parse_day_month_year(day: str, month: str, year: str) -> date | None:
    try:
        return datetime.strptime(f"{day} {month} {year}", "%d %B %Y").date()
    except ValueError:
        return None


def _date_in_file(workbook: Workbook, match: Match, file: str) -> tuple[date | None, str]:
    """The 'as at' date from the README sheet or the data sheet's preamble, else the file name."""
    places = []
    if README_SHEET in workbook.sheet_names:
        places.append((README_SHEET, "the README sheet"))
    if match.header_row > 1:
        places.append((match.sheet, "the preamble"))
    for sheet, how in places:
        limit = 30 if sheet == README_SHEET else match.header_row - 1
        for row in workbook.head(sheet, limit):
            for cell in row:
                found = _AS_AT.search(cell or "")
                if found:
                    parsed = _parse_day_month_year(*found.groups())
                    if parsed is not None:
                        return parsed, how
    named = _NAME_DATE.search(file)
    if named:
        parsed = _parse_day_month_year(*named.groups())
        if parsed is not None:
            return parsed, "the file name"
    return None, ""
