"""The canonical tables every release is loaded into, declared once.

DDL, dataframe schemas and the API's models are derived from these
declarations; nothing else lists their columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """A column's type, named for what it holds."""

    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    DATE = "date"
    BOOL = "bool"
    TIMESTAMP = "timestamp"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a canonical table."""

    name: str
    kind: Kind
    required: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A canonical table: its columns and the columns that identify a row.

    `personal` marks tables holding rows about people (even pseudonymised):
    the web tool and the public report must refuse to show them.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    personal: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        """The names of the table's columns, in order."""
        return tuple(c.name for c in self.columns)


def _c(name: str, kind: Kind, description: str = "", *, required: bool = False) -> Column:
    return Column(name, kind, required, description)


T, N, F, D, B = Kind.TEXT, Kind.INT, Kind.FLOAT, Kind.DATE, Kind.BOOL
_RELEASE_ID = _c("release_id", T, "the release the row came from", required=True)

RELEASE = Table(
    "release",
    "Every release loaded: source, publisher, date, licence and file hash.",
    (
        _RELEASE_ID,
        _c("source_id", T, "declared source id", required=True),
        _c("source_title", T, required=True),
        _c("publisher", T, required=True),
        _c("licence", T, required=True),
        _c("release_date", D, "the date the release describes", required=True),
        _c("file_name", T, required=True),
        _c("file_hash", T, "SHA-256 of the file's bytes", required=True),
        _c("rows", N, "data rows read from the file", required=True),
        _c("note", T, "how the release date was found, and anything else worth knowing"),
        _c("loaded_at", Kind.TIMESTAMP, required=True),
    ),
    ("release_id",),
)

RELEASE_COVERAGE = Table(
    "release_coverage",
    "The councils (upper-tier GSS codes) a release holds rows for.",
    (_RELEASE_ID, _c("la_code", T, required=True)),
    ("release_id", "la_code"),
)

RELEASE_FACT = Table(
    "release_fact",
    "What a release can tell about each council it covers (see caremarket.domain.release_fact).",
    (
        _RELEASE_ID,
        _c("la_code", T, required=True),
        _c("fact", T, "see caremarket.domain.release_fact.Fact", required=True),
        _c("known", B, "whether the release carries the fact for the council", required=True),
        _c("detail", T, "how many rows carry it, or why it is not known"),
    ),
    ("release_id", "la_code", "fact"),
)

RELEASE_DOWNLOAD = Table(
    "release_download",
    "Where a fetched release was downloaded from, and the file as it arrived.",
    (
        _RELEASE_ID,
        _c("listing", T, "the listing it was found in (caremarket.fetch)", required=True),
        _c("url", T, "the address the file was downloaded from", required=True),
        _c("bytes", N, "the file's size as downloaded", required=True),
        _c("content_type", T, "the type the server declared"),
        _c("fetched_at", Kind.TIMESTAMP, required=True),
    ),
    ("release_id",),
)

LOCATION = Table(
    "location",
    "A CQC-registered location as a release describes it.",
    (
        _RELEASE_ID,
        _c("location_id", T, "CQC location id, e.g. 1-123456789", required=True),
        _c("provider_id", T, "CQC provider id"),
        _c("name", T),
        _c("address", T),
        _c("town", T),
        _c("postcode", T),
        _c("latitude", F),
        _c("longitude", F),
        _c("la_name", T, "local authority as the release names it"),
        _c("la_code", T, "GSS code of the upper-tier council"),
        _c("region", T),
        _c("registration_date", D),
        _c("deregistration_date", D),
        _c("dormant", B),
        _c("care_home", B),
        _c("beds", N, "registered care home beds; null when the release has none"),
        _c("location_type", T),
        _c("inspection_directorate", T),
        _c("primary_inspection_category", T),
        _c("adult_social_care", B, "whether the location is in adult social care"),
        _c("dual_registered", B),
        _c("primary_id", T, "for a dual-registered location, the id counted"),
        _c(
            "registered_manager_absent",
            B,
            "whether the location was without its registered manager when the release was "
            "made; null when the release does not say (only CQC API records do)",
        ),
        _c(
            "registered_manager_absent_date",
            D,
            "since when the registered manager has been absent (CQC API "
            "registeredManagerAbsentDate); null when present or not said",
        ),
    ),
    ("release_id", "location_id"),
)

LOCATION_RELATIONSHIP = Table(
    "location_relationship",
    "How CQC links a location to another registration of the same service (CQC API "
    "`relationships`): a predecessor or successor after an ownership change or re-registration.",
    (
        _RELEASE_ID,
        _c("location_id", T, "the location the release describes", required=True),
        _c("related_location_id", T, "the other registration's CQC location id", required=True),
        _c("related_location_name", T, "the other registration's name as CQC gives it"),
        _c(
            "relationship",
            T,
            "predecessor (the related id came before this one) or successor",
            required=True,
        ),
        _c("reason", T, "CQC's reason as given, e.g. New Provider, Legal Entity Change"),
    ),
    ("release_id", "location_id", "related_location_id", "relationship"),
)

PROVIDER = Table(
    "provider",
    "A CQC-registered provider as a release describes it.",
    (
        _RELEASE_ID,
        _c("provider_id", T, required=True),
        _c("name", T),
        _c("ownership_type", T),
        _c("companies_house_number", T),
        _c("charity_number", T),
        _c("postcode", T),
        _c("la_name", T),
    ),
    ("release_id", "provider_id"),
)

LOCATION_SECTOR = Table(
    "location_sector",
    "The sectors a location is in (see caremarket.domain.sector).",
    (_RELEASE_ID, _c("location_id", T, required=True), _c("sector", T, required=True)),
    ("release_id", "location_id", "sector"),
)

LOCATION_CLIENT_GROUP = Table(
    "location_client_group",
    "The client groups a location is registered for (see caremarket.domain.client_group).",
    (_RELEASE_ID, _c("location_id", T, required=True), _c("client_group", T, required=True)),
    ("release_id", "location_id", "client_group"),
)

RATING = Table(
    "rating",
    "CQC ratings: overall and key questions, current and historic.",
    (
        _RELEASE_ID,
        _c("location_id", T, required=True),
        _c("service_group", T, "CQC service / population group; Overall for the location"),
        _c(
            "key_question",
            T,
            "overall, safe, effective, caring, responsive, well_led",
            required=True,
        ),
        _c(
            "rating",
            T,
            "outstanding, good, requires_improvement, inadequate, not_rated",
            required=True,
        ),
        _c("publication_date", D),
        _c("inherited", B),
        _c("current", B, "the rating in force when the release was made", required=True),
    ),
    ("release_id", "location_id", "service_group", "key_question", "publication_date"),
)

POPULATION = Table(
    "population",
    "Population by area, year, sex and single year of age (90 = 90 and over).",
    (
        _RELEASE_ID,
        _c("area_code", T, required=True),
        _c("area_name", T),
        _c("year", N, required=True),
        _c("sex", T, "persons, males or females", required=True),
        _c("age", N, "single year of age; 90 holds 90 and over", required=True),
        _c("persons", F, required=True),
        _c("kind", T, "estimate or projection", required=True),
    ),
    ("release_id", "area_code", "year", "sex", "age"),
)

BOUNDARY = Table(
    "boundary",
    "Area boundaries as GeoJSON geometry (EPSG:4326).",
    (
        _RELEASE_ID,
        _c("area_code", T, required=True),
        _c("area_name", T),
        _c("layer", T, "e.g. ltla, utla, locality"),
        _c("geometry", T, "GeoJSON geometry object", required=True),
    ),
    ("release_id", "layer", "area_code"),
)

POSTCODE = Table(
    "postcode",
    "Postcodes with their district (lower-tier GSS code) and position.",
    (
        _RELEASE_ID,
        _c("postcode", T, "upper case, single space before the inward code", required=True),
        _c("district_code", T, required=True),
        _c("latitude", F),
        _c("longitude", F),
    ),
    ("release_id", "postcode"),
)

LOCALITY = Table(
    "locality",
    "A council's localities: each row puts a district or postcode district in one.",
    (
        _RELEASE_ID,
        _c("la_code", T, required=True),
        _c("locality", T, required=True),
        _c("district_code", T),
        _c("postcode_district", T),
    ),
    ("release_id", "la_code", "locality", "district_code", "postcode_district"),
)

# The council's own extracts (see caremarket.ingest.council): every row names the
# council (`la_code`, its GSS code) right after the release it came from.
_LA_CODE = _c("la_code", T, "GSS code of the council whose extract the row is", required=True)

SERVICE_AGREEMENT = Table(
    "service_agreement",
    "Care packages and placements the council arranged or knows of (personal data).",
    (
        _RELEASE_ID,
        _LA_CODE,
        _c("agreement_id", T, "the council's id of the agreement", required=True),
        _c("person_id", T, "pseudonymised person id", required=True),
        _c("sector", T, "see caremarket.domain.sector", required=True),
        _c("client_group", T, "see caremarket.domain.client_group", required=True),
        _c("cqc_location_id", T, "CQC location id of the service, when registered"),
        _c("provider_id", T, "CQC provider id, or the council's provider reference"),
        _c("locality", T, "the council's planning locality of the person's home"),
        _c("postcode_district", T, "outward code of the person's home, e.g. NR1"),
        _c("start_date", D, required=True),
        _c("end_date", D, "last day; null while the agreement continues"),
        _c("hours_per_week", F, "commissioned hours a week"),
        _c("weekly_cost_gbp", F, "gross cost a week in pounds"),
        _c(
            "funding",
            T,
            "council_managed, direct_payment, health, self_funded or unknown",
            required=True,
        ),
        _c("framework_tier", T, "contract route, e.g. principal, framework, spot"),
    ),
    ("release_id", "agreement_id"),
    personal=True,
)

INTERIM_CARE_ENTRY = Table(
    "interim_care_entry",
    "People on the council's interim care list: waiting for home care (personal data).",
    (
        _RELEASE_ID,
        _LA_CODE,
        _c("person_id", T, "pseudonymised person id", required=True),
        _c("locality", T, "the council's planning locality of the person's home"),
        _c("postcode_district", T, "outward code of the person's home, e.g. NR1"),
        _c("hours_per_week", F, "home care hours needed a week", required=True),
        _c("date_added", D, "the day the person joined the list", required=True),
        _c("date_sourced", D, "the day care was sourced; null while still waiting"),
        _c("reason", T, "why the package is hard to source"),
    ),
    ("release_id", "person_id", "date_added"),
    personal=True,
)

WORKFORCE = Table(
    "workforce",
    "Adult social care workforce estimates by sector (Skills for Care or the council's).",
    (
        _RELEASE_ID,
        _LA_CODE,
        _c(
            "sector",
            T,
            "see caremarket.domain.sector; `all` for the whole workforce",
            required=True,
        ),
        _c("jobs", N, "filled posts"),
        _c("turnover_rate", F, "leavers in a year over filled posts (0-1)"),
        _c("vacancy_rate", F, "vacant posts over all posts (0-1)"),
        _c("zero_hours_share", F, "share of filled posts on zero-hours contracts (0-1)"),
        _c("share_aged_55_plus", F, "share of filled posts held by people aged 55+ (0-1)"),
        _c("as_of_date", D, "the date the estimate describes", required=True),
        _c("area_code", T, "the area the publisher gave, when the release names one"),
    ),
    ("release_id", "la_code", "sector", "as_of_date"),
)

FEE_RATE = Table(
    "fee_rate",
    "The council's usual prices (fee rates) by sector and client group, from a date.",
    (
        _RELEASE_ID,
        _LA_CODE,
        _c("sector", T, "see caremarket.domain.sector", required=True),
        _c(
            "client_group",
            T,
            "see caremarket.domain.client_group; `all` for every group",
            required=True,
        ),
        _c("price_gbp", F, "the usual price in pounds per price_unit", required=True),
        _c("price_unit", T, "week or hour", required=True),
        _c("effective_date", D, "the day the price applies from", required=True),
        _c("framework_tier", T, "the contract route the price is for; null for all"),
        _c("note", T),
    ),
    ("release_id", "sector", "client_group", "framework_tier", "price_unit", "effective_date"),
)

LOCAL_ASSESSMENT = Table(
    "local_assessment",
    "The council's own quality assessments of services (e.g. PAMMS).",
    (
        _RELEASE_ID,
        _LA_CODE,
        _c("cqc_location_id", T, "CQC location id of the service assessed", required=True),
        _c("assessment_date", D, required=True),
        _c(
            "rating",
            T,
            "outstanding, good, requires_improvement, inadequate or not_rated; "
            "null when the scale's word has no CQC equivalent",
        ),
        _c("scale", T, "the scale the assessment used, e.g. cqc or pamms", required=True),
        _c("rating_as_given", T, "the rating in the scale's own words", required=True),
    ),
    ("release_id", "cqc_location_id", "assessment_date"),
)

NARRATIVE_BLOCK = Table(
    "narrative_block",
    "The council's own words for its Market Position Statement, block by block.",
    (
        _RELEASE_ID,
        _LA_CODE,
        _c(
            "section",
            T,
            "introduction, we_said_we_did, commissioning_intentions, key_messages, "
            "strategic_context, sector, locality or other",
            required=True,
        ),
        _c("sector", T, "the sector the block is about; null for all"),
        _c("client_group", T, "the client group the block is about; null for all"),
        _c("locality", T, "the locality the block is about; null for all"),
        _c("title", T, required=True),
        _c("body_markdown", T, "the block's text in Markdown", required=True),
        _c("position", N, "order of the block among its section's blocks", required=True),
    ),
    ("release_id", "section", "sector", "client_group", "locality", "position"),
)

ASCOF_VALUE = Table(
    "ascof_value",
    "An Adult Social Care Outcomes Framework measure for a council and year (NHS England).",
    (
        _RELEASE_ID,
        _c("la_code", T, "GSS code of the council", required=True),
        _c("la_name", T, "the council as the release names it"),
        _c(
            "measure_code",
            T,
            "the measure in the 2023-24 numbering (see caremarket.domain.ascof); "
            "`old-<code>` for a measure retired then",
            required=True,
        ),
        _c("published_code", T, "the code as the release prints it", required=True),
        _c("breakdown", T, "`total`, or the age band or sex the release gives", required=True),
        _c("year", T, "financial year, e.g. 2024-25", required=True),
        _c("numerator", F, "null when the release gives none or withholds it"),
        _c("denominator", F, "null when the release gives none or withholds it"),
        _c("respondents", F, "survey respondents behind the value, for survey measures"),
        _c("value", F, "the measure's outcome; null when unknown (see value_note), never 0"),
        _c("unit", T, "percent, per 100,000 people or score", required=True),
        _c("value_note", T, "why the value is null: the release's marker and its meaning"),
    ),
    ("release_id", "la_code", "measure_code", "breakdown", "year"),
)

ASCFR_VALUE = Table(
    "ascfr_value",
    "An Adult Social Care Finance Return figure for a council and year (NHS England).",
    (
        _RELEASE_ID,
        _c("la_code", T, "GSS code of the council", required=True),
        _c("la_name", T, "the council as the release names it"),
        _c("year", T, "financial year, e.g. 2016-17", required=True),
        _c("line", T, "the release's own id of the row (UUID), or its row number", required=True),
        _c("measure", T, "e.g. activity, gross_current_expenditure", required=True),
        _c("care_type", T, "as published; `code N` where its reference is not declared"),
        _c("activity_provision", T, "in house or external, as published"),
        _c("age_band", T),
        _c("primary_support_reason", T),
        _c("support_setting", T, "null where the release says not applicable (-)"),
        _c("purpose", T, "short-term purpose; null where not applicable"),
        _c("carer_support_type", T),
        _c("data_type", T, "mandatory or voluntary return item"),
        _c("value", F, "null when unknown (see value_note), never 0 for unknown"),
        _c("unit", T, "GBP, or `activity as published` for the activity tables", required=True),
        _c("value_note", T, "why the value is null, or the release's note (e.g. estimate)"),
    ),
    ("release_id", "line", "measure"),
)

TABLES: tuple[Table, ...] = (
    RELEASE,
    RELEASE_COVERAGE,
    RELEASE_FACT,
    RELEASE_DOWNLOAD,
    LOCATION,
    LOCATION_RELATIONSHIP,
    PROVIDER,
    LOCATION_SECTOR,
    LOCATION_CLIENT_GROUP,
    RATING,
    POPULATION,
    BOUNDARY,
    POSTCODE,
    LOCALITY,
    SERVICE_AGREEMENT,
    INTERIM_CARE_ENTRY,
    WORKFORCE,
    FEE_RATE,
    LOCAL_ASSESSMENT,
    NARRATIVE_BLOCK,
    ASCOF_VALUE,
    ASCFR_VALUE,
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

PERSONAL_TABLES: frozenset[str] = frozenset(t.name for t in TABLES if t.personal)
