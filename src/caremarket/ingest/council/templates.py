"""The council data templates, declared once: their columns, types, units and checks.

Councils hold these tables in no national format. Each template is a CSV
file named after it (`service_agreements.csv`) whose Frictionless Table
Schema (`service_agreements.schema.json`) is derived from the declaration
here, as are its checks and docs/council-templates.md.
"""

from __future__ import annotations

from typing import Final

from caremarket.domain.client_group import CLIENT_GROUP_LABELS, ClientGroup
from caremarket.domain.sector import SECTOR_LABELS, Sector
from caremarket.ingest.council.template import Field, FieldType, Template
from caremarket.ingest.problem import ProblemCode
from caremarket.ingest.sources import (
    COUNCIL_FEE_RATES,
    COUNCIL_INTERIM_CARE_LIST,
    COUNCIL_LOCAL_ASSESSMENTS,
    COUNCIL_NARRATIVE,
    COUNCIL_SERVICE_AGREEMENTS,
    COUNCIL_WORKFORCE,
)

S, INT, N, D = FieldType.STRING, FieldType.INTEGER, FieldType.NUMBER, FieldType.DATE

# A person's sector is always one kind of service: `care_home` (either kind) is for totals.
PERSON_SECTORS: Final = tuple(s.value for s in Sector if s.named and s is not Sector.CARE_HOME)
ALL_SECTORS: Final = tuple(s.value for s in Sector if s.named)
CLIENT_GROUPS: Final = tuple(g.value for g in ClientGroup)
ALL: Final = "all"
FUNDING: Final = ("council_managed", "direct_payment", "health", "self_funded", "unknown")
PRICE_UNITS: Final = ("week", "hour")
NARRATIVE_SECTIONS: Final = (
    "introduction",
    "strategic_context",
    "we_said_we_did",
    "commissioning_intentions",
    "key_messages",
    "sector",
    "locality",
    "other",
)

_SECTOR_WORDS: Final = (
    *((label, sector.value) for sector, label in SECTOR_LABELS.items()),
    ("Nursing homes", Sector.CARE_HOME_NURSING.value),
    ("Nursing care", Sector.CARE_HOME_NURSING.value),
    ("Residential homes", Sector.CARE_HOME_RESIDENTIAL.value),
    ("Residential care", Sector.CARE_HOME_RESIDENTIAL.value),
    ("Domiciliary care", Sector.HOME_CARE.value),
    ("Home support", Sector.HOME_CARE.value),
    ("Housing with care", Sector.EXTRA_CARE.value),
    ("Day services", Sector.COMMUNITY.value),
)
_CLIENT_GROUP_WORDS: Final = (
    *((label, group.value) for group, label in CLIENT_GROUP_LABELS.items()),
    ("Older people (65+)", ClientGroup.OLDER_PEOPLE.value),
    ("Dementia", ClientGroup.DEMENTIA.value),
    ("Learning disability", ClientGroup.LEARNING_DISABILITY_AUTISM.value),
    ("Learning disability and/or autism", ClientGroup.LEARNING_DISABILITY_AUTISM.value),
    ("Autism", ClientGroup.LEARNING_DISABILITY_AUTISM.value),
    ("Mental health", ClientGroup.MENTAL_HEALTH.value),
    ("Physical disability", ClientGroup.PHYSICAL_DISABILITY.value),
    ("Physical disability (18-64)", ClientGroup.PHYSICAL_DISABILITY.value),
)
_FUNDING_WORDS: Final = (
    ("council managed", "council_managed"),
    ("council-managed", "council_managed"),
    ("direct payment", "direct_payment"),
    ("DP", "direct_payment"),
    ("NHS", "health"),
    ("continuing healthcare", "health"),
    ("self-funded", "self_funded"),
    ("self funded", "self_funded"),
    ("self-funder", "self_funded"),
)

CQC_LOCATION_ID: Final = r"1-[0-9]{6,12}"
POSTCODE_DISTRICT: Final = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
# A pseudonym starts with a letter, so an NHS number (ten digits) is refused.
PERSON_ID: Final = r"[A-Za-z][A-Za-z0-9_-]{2,63}"


def _sector(enum: tuple[str, ...], description: str = "The market sector.") -> Field:
    return Field(
        "sector",
        S,
        description + " Ids as in caremarket.domain.sector; the labels are accepted too.",
        required=True,
        enum=enum,
        aliases=_SECTOR_WORDS,
        enum_problem=ProblemCode.UNKNOWN_SECTOR,
    )


def _client_group(enum: tuple[str, ...], description: str) -> Field:
    return Field(
        "client_group",
        S,
        description + " Ids as in caremarket.domain.client_group; the labels are accepted too.",
        required=True,
        enum=enum,
        aliases=_CLIENT_GROUP_WORDS,
        enum_problem=ProblemCode.UNKNOWN_CLIENT_GROUP,
    )


_PERSON_ID: Final = Field(
    "person_id",
    S,
    "The person's pseudonym in the council's extract: never a name or NHS number.",
    required=True,
    pattern=PERSON_ID,
    hint="a pseudonym of 3 to 64 letters, digits, - or _, starting with a letter "
    "(never a name or an NHS number)",
)
_CQC_LOCATION_ID: Final = Field(
    "cqc_location_id",
    S,
    "CQC location id of the service.",
    pattern=CQC_LOCATION_ID,
    hint="a CQC location id such as 1-123456789",
)
_LOCALITY: Final = Field(
    "locality",
    S,
    "The council's planning locality of the person's home; checked against the "
    "council's loaded localities when there are any.",
)
_POSTCODE_DISTRICT: Final = Field(
    "postcode_district",
    S,
    "Outward code (postcode district) of the person's home, e.g. NR1 or PE30.",
    pattern=POSTCODE_DISTRICT,
    hint="a postcode district such as NR1 or PE30 (the outward code only)",
    upper_case=True,
)


def _share(name: str, description: str) -> Field:
    return Field(name, N, description, unit="share from 0 to 1", minimum=0, maximum=1)


SERVICE_AGREEMENTS: Final = Template(
    name="service_agreements",
    title="Service agreements",
    description="One row per care package or placement the council arranged, funded or "
    "knows of. Personal data: person ids must be pseudonyms.",
    table="service_agreement",
    source=COUNCIL_SERVICE_AGREEMENTS,
    fields=(
        Field(
            "agreement_id",
            S,
            "The council's id of the agreement (package or placement).",
            required=True,
            unique=True,
        ),
        _PERSON_ID,
        _sector(PERSON_SECTORS, "The market sector of the service."),
        _client_group(CLIENT_GROUPS, "The person's primary client group."),
        Field(
            "cqc_location_id",
            S,
            "CQC location id of the service; blank for unregistered support "
            "(e.g. personal assistants).",
            pattern=CQC_LOCATION_ID,
            hint="a CQC location id such as 1-123456789",
        ),
        Field(
            "provider_id",
            S,
            "CQC provider id, or the council's own provider reference, when the "
            "location is not known.",
        ),
        _LOCALITY,
        _POSTCODE_DISTRICT,
        Field("start_date", D, "First day of the agreement.", required=True),
        Field("end_date", D, "Last day of the agreement; blank while it continues."),
        Field(
            "hours_per_week",
            N,
            "Commissioned hours a week; blank for care home placements.",
            unit="hours per week",
            minimum=0,
            maximum=168,
        ),
        Field(
            "weekly_cost_gbp",
            N,
            "Gross cost a week.",
            unit="GBP per week",
            minimum=0,
        ),
        Field(
            "funding",
            S,
            "Who pays: council-managed service, direct payment, NHS (health) or the "
            "person (self_funded); blank means unknown.",
            enum=FUNDING,
            aliases=_FUNDING_WORDS,
            default="unknown",
        ),
        Field(
            "framework_tier",
            S,
            "Contract route or accreditation tier, in the council's words "
            "(e.g. principal, framework, spot).",
        ),
    ),
    primary_key=("agreement_id",),
    date_order=(("start_date", "end_date"),),
    one_of=(("locality", "postcode_district"), ("hours_per_week", "weekly_cost_gbp")),
    dated_by=("start_date", "end_date"),
)

INTERIM_CARE_LIST: Final = Template(
    name="interim_care_list",
    title="Interim care list",
    description="People waiting for a home care package (the council's interim care "
    "list), and people on it earlier whose care was sourced. Personal data.",
    table="interim_care_entry",
    source=COUNCIL_INTERIM_CARE_LIST,
    fields=(
        _PERSON_ID,
        _LOCALITY,
        _POSTCODE_DISTRICT,
        Field(
            "hours_per_week",
            N,
            "Home care hours needed a week.",
            unit="hours per week",
            required=True,
            minimum=0,
            maximum=168,
        ),
        Field("date_added", D, "The day the person joined the list.", required=True),
        Field(
            "date_sourced",
            D,
            "The day a package was sourced; blank while the person is still waiting.",
        ),
        Field("reason", S, "Why the package is hard to source, in the council's words."),
    ),
    primary_key=("person_id", "date_added"),
    date_order=(("date_added", "date_sourced"),),
    one_of=(("locality", "postcode_district"),),
    dated_by=("date_added", "date_sourced"),
)

WORKFORCE: Final = Template(
    name="workforce",
    title="Workforce by sector",
    description="Adult social care workforce estimates by sector (as Skills for Care "
    "publishes them; its local area data download is read as it comes too).",
    table="workforce",
    source=COUNCIL_WORKFORCE,
    fields=(
        _sector((*ALL_SECTORS, ALL), "The sector; `all` for the whole workforce."),
        Field("jobs", INT, "Filled posts.", unit="jobs", required=True),
        _share("turnover_rate", "Leavers in the year over filled posts."),
        _share("vacancy_rate", "Vacant posts over all posts."),
        _share("zero_hours_share", "Filled posts on zero-hours contracts."),
        _share("share_aged_55_plus", "Filled posts held by people aged 55 or over."),
        Field("as_of_date", D, "The date the estimate describes.", required=True),
    ),
    primary_key=("sector", "as_of_date"),
    dated_by=("as_of_date",),
)

FEE_RATES: Final = Template(
    name="fee_rates",
    title="Fee rates",
    description="The council's usual prices: per week for care homes, per hour for home "
    "care, by sector and client group, from the day they apply.",
    table="fee_rate",
    source=COUNCIL_FEE_RATES,
    fields=(
        _sector(ALL_SECTORS),
        _client_group((*CLIENT_GROUPS, ALL), "The client group; `all` for every group."),
        Field(
            "price_gbp",
            N,
            "The usual price per price_unit.",
            unit="GBP per price_unit",
            required=True,
            minimum=0,
        ),
        Field(
            "price_unit",
            S,
            "What the price buys: a week (care homes) or an hour (home care).",
            required=True,
            enum=PRICE_UNITS,
            aliases=(("per week", "week"), ("per hour", "hour"), ("weekly", "week")),
        ),
        Field("effective_date", D, "The day the price applies from.", required=True),
        Field(
            "framework_tier",
            S,
            "The contract route or tier the price is for; blank for all.",
        ),
        Field("note", S, "Anything a reader needs to know (e.g. what the price includes)."),
    ),
    primary_key=("sector", "client_group", "framework_tier", "price_unit", "effective_date"),
    dated_by=("effective_date",),
)

LOCAL_ASSESSMENTS: Final = Template(
    name="local_assessments",
    title="Local quality assessments",
    description="The council's own quality assessments of services (e.g. PAMMS), rated in "
    "CQC's words or in a scale named in `scale` (built in: cqc, pamms; others declared "
    "under `scales` in council.yaml).",
    table="local_assessment",
    source=COUNCIL_LOCAL_ASSESSMENTS,
    fields=(
        Field(
            "cqc_location_id",
            S,
            "CQC location id of the service assessed.",
            required=True,
            pattern=CQC_LOCATION_ID,
            hint="a CQC location id such as 1-123456789",
        ),
        Field("assessment_date", D, "The day the assessment was published.", required=True),
        Field("rating", S, "The overall rating, in the words of the scale.", required=True),
        Field(
            "scale",
            S,
            "The rating scale: cqc (Outstanding, Good, Requires improvement, Inadequate), "
            "pamms (Excellent, Good, Requires improvement, Poor) or one declared in "
            "council.yaml; blank means cqc.",
            default="cqc",
        ),
    ),
    primary_key=("cqc_location_id", "assessment_date"),
    dated_by=("assessment_date",),
)

NARRATIVE: Final = Template(
    name="narrative",
    title="Narrative",
    description="The council's own words for its Market Position Statement: a folder "
    "`narrative/` of Markdown files, each with YAML front matter holding these fields "
    "and the block's text after it (or one `narrative.yaml` with a list of `blocks`, "
    "each with these fields and `body`).",
    table="narrative_block",
    source=COUNCIL_NARRATIVE,
    fields=(
        Field(
            "section",
            S,
            "Which part of the statement the block belongs to.",
            required=True,
            enum=NARRATIVE_SECTIONS,
            aliases=(
                ("we said we did", "we_said_we_did"),
                ("we said / we did / we will", "we_said_we_did"),
                ("commissioning intentions", "commissioning_intentions"),
                ("key messages", "key_messages"),
                ("strategic context", "strategic_context"),
            ),
        ),
        Field(
            "sector",
            S,
            "The sector the block is about; blank for all.",
            enum=ALL_SECTORS,
            aliases=_SECTOR_WORDS,
            enum_problem=ProblemCode.UNKNOWN_SECTOR,
        ),
        Field(
            "client_group",
            S,
            "The client group the block is about; blank for all.",
            enum=CLIENT_GROUPS,
            aliases=_CLIENT_GROUP_WORDS,
            enum_problem=ProblemCode.UNKNOWN_CLIENT_GROUP,
        ),
        Field("locality", S, "The locality the block is about; blank for all."),
        Field("title", S, "The block's heading.", required=True),
        Field(
            "position",
            INT,
            "Order of the block among the blocks of its section (and sector, client "
            "group, locality); blank: the block's order in the folder or list.",
        ),
        Field(
            "body_markdown",
            S,
            "The block's text in Markdown: the file's text after the front matter.",
            required=True,
        ),
    ),
    primary_key=("section", "sector", "client_group", "locality", "position"),
)

TABLE_TEMPLATES: Final = (
    SERVICE_AGREEMENTS,
    INTERIM_CARE_LIST,
    WORKFORCE,
    FEE_RATES,
    LOCAL_ASSESSMENTS,
)
TEMPLATES: Final = (*TABLE_TEMPLATES, NARRATIVE)
