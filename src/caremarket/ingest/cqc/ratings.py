"""CQC "Latest ratings" (care directory with ratings): Locations and Providers sheets.

Long format: one row per location x service / population group x domain.
Dates may be real spreadsheet dates or text, day first or month first; the
order is decided once per file from the dates themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from caremarket.domain.rating import KeyQuestion, Rating
from caremarket.domain.sector import RATING_GROUP_SECTORS, Sector
from caremarket.ingest import cells
from caremarket.ingest.adapter import Match, Parsed, ReadOptions, find_header
from caremarket.ingest.cells import duplicate_problems
from caremarket.ingest.cqc.common import (
    KEY_QUESTION_WORDS,
    RATING_WORDS,
    council_codes,
    release_date_or_problem,
    social_care,
)
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.sources import CQC_LATEST_RATINGS
from caremarket.ingest.workbook import FileFormat, Workbook

REQUIRED = (
    "Location ID",
    "Location Name",
    "Location Local Authority",
    "Service / Population Group",
    "Domain",
    "Latest Rating",
    "Publication Date",
)
HEADER = (
    "Location ID", "Location ODS Code", "Location Name", "Care Home?", "Location Type",
    "Location Primary Inspection Category", "Location Street Address", "Location Address Line 2",
    "Location City", "Location Post Code", "Location Local Authority", "Location Region",
    "Location NHS Region", "Location ONSPD CCG Code", "Location ONSPD CCG",
    "Location Commissioning CCG Code", "Location Commissioning CCG Name",
    "Service / Population Group", "Domain", "Latest Rating", "Publication Date", "Report Type",
    "Inherited Rating (Y/N)", "URL", "Provider ID", "Provider Name", "Brand ID", "Brand Name",
)  # fmt: skip
_SIGNATURE = ("Location ID", "Service / Population Group", "Domain", "Latest Rating")


class LatestRatingsAdapter:
    """Reads CQC's Latest ratings release (Locations sheet, and Providers if present)."""

    source = CQC_LATEST_RATINGS
    formats: Sequence[FileFormat] = (FileFormat.CSV, FileFormat.XLSX, FileFormat.ODS)

    def recognise(self, workbook: Workbook) -> Match | None:
        """The Locations sheet (or the CSV) whose header has the long-format columns."""
        names = workbook.sheet_names
        candidates = [n for n in names if n.strip().lower() == "locations"] or names[:1]
        for name in candidates:
            row = find_header(workbook.head(name), _SIGNATURE)
            if row is not None:
                return Match(name, row)
        return None

    def read(self, workbook: Workbook, match: Match, options: ReadOptions) -> Parsed:
        """Read locations, their sectors and their ratings."""
        table = workbook.table(match.sheet, match.header_row)
        cells.require_columns(
            table, REQUIRED, "the columns of CQC's Latest ratings Locations sheet"
        )
        problems: list[DataProblem] = []

        order, order_problems = cells.file_date_order(
            table, ["Publication Date"], options.date_order
        )
        if order_problems:
            raise DataProblemError(order_problems)
        published, date_problems = cells.dates(
            table, "Publication Date", order, not_after=options.load_date
        )
        rating, rating_problems = cells.choice(
            table, "Latest Rating", RATING_WORDS, code=ProblemCode.UNKNOWN_RATING
        )
        key_question, domain_problems = cells.choice(table, "Domain", KEY_QUESTION_WORDS)
        inherited, inherited_problems = cells.flag(table, "Inherited Rating (Y/N)")
        care_home, care_home_problems = cells.flag(table, "Care Home?", blank=None)
        postcode, postcode_problems = cells.postcode(table, "Location Post Code")
        la_code, area_problems = council_codes(table, "Location Local Authority")
        problems += date_problems + rating_problems + domain_problems
        problems += postcode_problems + area_problems
        problems += inherited_problems + care_home_problems
        problems += cells.required(table, "Location ID", "a CQC location id such as 1-123456789")
        for column in ("Service / Population Group", "Domain"):
            problems += cells.required(table, column, "a value")
        problems += duplicate_problems(
            table, ["Location ID", "Service / Population Group", "Domain"], "Location ID"
        )
        keep = cells.good_rows(table, problems)

        text = {c: cells.text(table, c) for c in table.frame.columns}
        rows = pl.DataFrame(
            {
                "location_id": text["Location ID"],
                "provider_id": text.get("Provider ID"),
                "name": text["Location Name"],
                "address": text.get("Location Street Address"),
                "town": text.get("Location City"),
                "postcode": postcode,
                "la_name": text["Location Local Authority"],
                "la_code": la_code,
                "region": text.get("Location Region"),
                "care_home": care_home,
                "location_type": text.get("Location Type"),
                "primary_inspection_category": text.get("Location Primary Inspection Category"),
                "service_group": text["Service / Population Group"],
                "key_question": key_question,
                "rating": rating,
                "publication_date": published,
                "inherited": inherited,
                "provider_name": text.get("Provider Name"),
            }
        ).filter(keep)

        locations = rows.unique("location_id", keep="first", maintain_order=True).select(
            "location_id", "provider_id", "name", "address", "town", "postcode", "la_name",
            "la_code", "region", "care_home", "location_type", "primary_inspection_category",
        )  # fmt: skip
        locations = locations.with_columns(
            adult_social_care=social_care(
                locations["location_type"], locations["primary_inspection_category"]
            ),
        )
        ratings = rows.filter(pl.col("rating").is_not_null()).select(
            "location_id", "service_group", "key_question", "rating", "publication_date",
            "inherited", current=pl.lit(True),
        )  # fmt: skip
        sectors = _sectors(rows, locations)
        providers = (
            rows.filter(pl.col("provider_id").is_not_null())
            .unique("provider_id", keep="first", maintain_order=True)
            .select("provider_id", name="provider_name")
        )
        if "Providers" in workbook.sheet_names:
            providers = _providers(workbook, providers)
        release_date, note, date_problem = release_date_or_problem(
            table.file, published, options, "the latest publication date"
        )
        if date_problem is not None:
            raise DataProblemError([date_problem])
        return Parsed(
            source=self.source,
            release_date=release_date,
            rows=table.frame.height,
            tables={
                "location": locations,
                "provider": providers,
                "location_sector": sectors,
                "rating": ratings,
            },
            problems=problems,
            note=note + f"; text dates read {order.value}",
        )


def _sectors(rows: pl.DataFrame, locations: pl.DataFrame) -> pl.DataFrame:
    """Sectors from service groups; every care home is in `care_home`.

    An adult social care location that is not a care home and is rated for no
    named service is in `community_unspecified`, so that it is counted in a
    sector row rather than in none.
    """
    by_group = rows.select(
        "location_id",
        sector=pl.col("service_group").replace_strict(
            {k: v.value for k, v in RATING_GROUP_SECTORS.items()}, default=None
        ),
    )
    care_homes = rows.filter(pl.col("care_home")).select(
        "location_id", sector=pl.lit(Sector.CARE_HOME.value)
    )
    named = pl.concat([by_group, care_homes]).drop_nulls().unique(maintain_order=True)
    unnamed = (
        locations.filter(pl.col("adult_social_care") & ~pl.col("care_home").fill_null(False))
        .join(named, on="location_id", how="anti")
        .select("location_id", sector=pl.lit(Sector.COMMUNITY_UNSPECIFIED.value))
    )
    return pl.concat([named, unnamed])


def _providers(workbook: Workbook, fallback: pl.DataFrame) -> pl.DataFrame:
    match = find_header(workbook.head("Providers"), ["Provider ID", "Provider Name"])
    if match is None:
        return fallback
    table = workbook.table("Providers", match)
    providers = pl.DataFrame(
        {
            "provider_id": cells.text(table, "Provider ID"),
            "name": cells.text(table, "Provider Name"),
            "postcode": cells.normal_postcodes(cells.text(table, "Provider Post Code")),
            "la_name": cells.text(table, "Provider Local Authority"),
        }
    ).filter(pl.col("provider_id").is_not_null())
    providers = providers.unique("provider_id", keep="first", maintain_order=True)
    extra = fallback.join(providers, on="provider_id", how="anti")
    return pl.concat([providers, extra], how="diagonal")


__all__ = ["HEADER", "KeyQuestion", "LatestRatingsAdapter", "Rating"]
