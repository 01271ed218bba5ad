"""CQC weekly care directory CSV (`DD_Month_YYYY_CQC_directory.csv`).

Four preamble lines (`CQC Locations data`, blank, `This data was produced on
DD Month YYYY`, blank), then one row per location in 15 columns. `Service
types` and `Specialisms/services` are `|`-separated. The directory has no
beds and no ratings; `Date of latest check` is not read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

import polars as pl

from caremarket.domain.client_group import SPECIALISM_GROUPS
from caremarket.domain.sector import (
    CARE_HOME_SECTORS,
    DIRECTORY_SERVICE_TYPE_SECTORS,
    Sector,
    with_care_home,
)
from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, find_header
from caremarket.ingest.cells import duplicate_problems
from caremarket.ingest.cqc.common import council_codes
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import CQC_DIRECTORY
from caremarket.ingest.workbook import FileFormat, Workbook

LOCATION_ID = "CQC Location ID (for office use only)"
PROVIDER_ID = "CQC Provider ID (for office use only)"
SERVICE_TYPES = "Service types"
SPECIALISMS = "Specialisms/services"
HEADER = (
    "Name", "Also known as", "Address", "Postcode", "Phone number",
    "Service's website (if available)", SERVICE_TYPES, "Date of latest check", SPECIALISMS,
    "Provider name", "Local authority", "Region", "Location URL", LOCATION_ID, PROVIDER_ID,
)  # fmt: skip
REQUIRED = ("Name", SERVICE_TYPES, "Local authority", LOCATION_ID)
_SIGNATURE = ("Name", SERVICE_TYPES, LOCATION_ID)
_PRODUCED_ON = re.compile(r"produced on\s+(.+?)\s*$", re.IGNORECASE)
_SECTORS = {k.lower(): v for k, v in DIRECTORY_SERVICE_TYPE_SECTORS.items()}
_GROUPS = {k.lower(): v.value for k, v in SPECIALISM_GROUPS.items()}


class CqcDirectoryAdapter:
    """Reads CQC's weekly care directory CSV."""

    source = CQC_DIRECTORY
    formats: Sequence[FileFormat] = (FileFormat.CSV,)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The header row (after the preamble) with the directory's id and type columns."""
        name = workbook.sheet_names[0]
        row = find_header(workbook.head(name), _SIGNATURE)
        return Match(name, row) if row is not None else None

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Read locations, providers, sectors and client groups."""
        preamble = workbook.head(match.sheet, match.header_row - 1)
        produced_text, produced = produced_on(preamble)
        table = workbook.table(match.sheet, match.header_row)
        cells.require_columns(table, REQUIRED, "the columns of CQC's weekly directory CSV")
        release_date, note = _release_date(table.file, produced_text, produced, options)

        problems: list[DataProblem] = []
        postcode, postcode_problems = cells.postcode(table, "Postcode")
        la_code, area_problems = council_codes(table, "Local authority")
        problems += postcode_problems + area_problems
        problems += cells.required(table, LOCATION_ID, "a CQC location id such as 1-123456789")
        problems += duplicate_problems(table, [LOCATION_ID], LOCATION_ID)
        keep = cells.good_rows(table, problems)

        service_types = _split(cells.text(table, SERVICE_TYPES))
        sectors = [_sectors(words) for words in service_types]
        locations = pl.DataFrame(
            {
                "location_id": cells.text(table, LOCATION_ID),
                "provider_id": cells.text(table, PROVIDER_ID),
                "name": cells.text(table, "Name"),
                "address": cells.text(table, "Address"),
                "postcode": postcode,
                "la_name": cells.text(table, "Local authority"),
                "la_code": la_code,
                "region": cells.text(table, "Region"),
                "care_home": pl.Series([bool(s & CARE_HOME_SECTORS) for s in sectors]),
                "beds": pl.Series([None] * table.frame.height, dtype=pl.Int64),
                "adult_social_care": pl.Series([bool(s) for s in sectors], dtype=pl.Boolean),
                "_sectors": pl.Series(
                    [[x.value for x in sorted(s)] for s in sectors], dtype=pl.List(pl.String)
                ),
                "_groups": pl.Series(
                    _client_groups(cells.text(table, SPECIALISMS)), dtype=pl.List(pl.String)
                ),
                "_provider_name": cells.text(table, "Provider name"),
            }
        ).filter(keep)
        location_sector = (
            locations.select("location_id", sector="_sectors").explode("sector").drop_nulls()
        )
        location_client_group = (
            locations.select("location_id", client_group="_groups")
            .explode("client_group")
            .drop_nulls()
        )
        providers = (
            locations.filter(pl.col("provider_id").is_not_null())
            .unique("provider_id", keep="first", maintain_order=True)
            .select("provider_id", name="_provider_name")
        )
        locations = locations.drop("_sectors", "_groups", "_provider_name")
        return Parsed(
            source=self.source,
            release_date=release_date,
            rows=table.frame.height,
            tables={
                "location": locations,
                "provider": providers,
                "location_sector": location_sector,
                "location_client_group": location_client_group,
            },
            problems=problems,
            note=note + "; no beds or ratings in the directory",
        )


def produced_on(preamble: Sequence[Sequence[str | None]]) -> tuple[str | None, date | None]:
    """The text after "produced on" in the preamble, and the date it names (None if none)."""
    for row in preamble:
        for cell in row:
            found = _PRODUCED_ON.search(cell or "")
            if found is None:
                continue
            words = found.group(1).rstrip(".")
            for layout in ("%d %B %Y", "%d %b %Y", "%d/%m/%Y"):
                try:
                    return words, datetime.strptime(words, layout).date()
                except ValueError:
                    pass
            return words, None
    return None, None


def _release_date(
    file: str, produced_text: str | None, produced: date | None, options: ReadOptions
) -> tuple[date, str]:
    """--release-date if given, else the "produced on" date; NO_RELEASE_DATE if neither."""
    if options.release_date is not None:
        note = "release date given by the user"
        if produced is not None and produced != options.release_date:
            note += f" (the file says produced on {produced.isoformat()})"
        return options.release_date, note
    if produced is not None:
        return produced, "release date from the line `This data was produced on ...`"
    got = f"This data was produced on {produced_text}" if produced_text else None
    raise DataProblemError(
        [
            DataProblem(
                ProblemCode.NO_RELEASE_DATE,
                file,
                "a preamble line `This data was produced on DD Month YYYY`, or --release-date",
                value=got,
            )
        ]
    )


def _split(values: pl.Series) -> list[list[str]]:
    """Each cell's `|`-separated words, stripped, blanks dropped."""
    return [[w.strip() for w in (v or "").split("|") if w.strip()] for v in values.to_list()]


def _sectors(service_types: list[str]) -> set[Sector]:
    """The sectors a location's directory service types put it in."""
    found = {_SECTORS[w.lower()] for w in service_types if w.lower() in _SECTORS}
    return with_care_home(found)


def _client_groups(values: pl.Series) -> list[list[str]]:
    """Each location's client groups from its `Specialisms/services`."""
    return [
        sorted({_GROUPS[w.lower()] for w in words if w.lower() in _GROUPS})
        for words in _split(values)
    ]
