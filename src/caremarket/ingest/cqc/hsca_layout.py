"""The exact column layout of CQC's "HSCA Active Locations" file (care directory with filters).

CQC publishes the file monthly (``DD_Month_YYYY_HSCA_Active_Locations.ods`` from
2024, ``.xlsx`` before), sheet ``HSCA_Active_Locations``, one row per registered
location, under the Open Government Licence v3.0:
https://www.cqc.org.uk/about-us/transparency/using-cqc-data

Where the list comes from:

- The location, provider, regulated activity and service user band columns, and
  their order, are those of ``/work/shared/data/DATA_FORMATS.md`` (read from the
  real 2026 files).
- The 33 ``Service type - ...`` names and their (alphabetical) order are those a
  public loader checks, column by column, against the real July-October 2026
  files (its ``EXPECTED_HEADERS``, header mismatch halts the load); the same 33
  names are read one by one by a second public CQC importer, and 32 of them are
  listed by Skills for Care's CQC sector mapping for the January 2024 file (it
  lacks ``Community health care services - Independent Midwives``).

Note on the count: DATA_FORMATS.md says "121 columns" but its own parts add up to
33 location + 28 provider + 14 regulated activity + 33 service type + 12 service
user band + 2 dual registration = 122, and the 2026 header checked by the public
loader has 122. ``HSCA_COLUMNS_2026`` therefore has 122 names; ``NUM_COLUMNS_2026``
says so, and a test pins it.

The 2017-2021 files (``HSCA_COLUMNS_LEGACY``) have ``Location CCG Code`` and
``Location CCG`` in place of the four ONSPD / Commissioning CCG columns, and
``Location Post Code`` in place of ``Location Postal Code``.
"""

from __future__ import annotations

from typing import Final

REGULATED_ACTIVITY_PREFIX: Final = "Regulated activity - "
SERVICE_TYPE_PREFIX: Final = "Service type - "
SERVICE_USER_BAND_PREFIX: Final = "Service user band - "

LOCATION_COLUMNS_2026: Final[tuple[str, ...]] = (
    "Location ID",
    "Location HSCA start date",
    "Dormant (Y/N)",
    "Care home?",
    "Location Name",
    "Location ODS Code",
    "Location Telephone Number",
    "Registered manager",
    "Location Web Address",
    "Care homes beds",
    "Location Type/Sector",
    "Location Inspection Directorate",
    "Location Primary Inspection Category",
    "Location Latest Overall Rating",
    "Publication Date",
    "Inherited Rating (Y/N)",
    "Location Region",
    "Location NHS Region",
    "Location Local Authority",
    "Location ONSPD CCG Code",
    "Location ONSPD CCG",
    "Location Commissioning CCG Code",
    "Location Commissioning CCG",
    "Location Street Address",
    "Location Address Line 2",
    "Location City",
    "Location County",
    "Location Postal Code",
    "Location PAF ID",
    "Location UPRN ID",
    "Location Latitude",
    "Location Longitude",
    "Location Parliamentary Constituency",
)

PROVIDER_COLUMNS: Final[tuple[str, ...]] = (
    "Brand ID",
    "Brand Name",
    "Provider Companies House Number",
    "Provider Charity Number",
    "Provider ID",
    "Provider Name",
    "Provider HSCA start date",
    "Provider Type/Sector",
    "Provider Inspection Directorate",
    "Provider Primary Inspection Category",
    "Provider Ownership Type",
    "Provider Telephone Number",
    "Provider Web Address",
    "Provider Street Address",
    "Provider Address Line 2",
    "Provider City",
    "Provider County",
    "Provider Postal Code",
    "Provider PAF ID",
    "Provider UPRN ID",
    "Provider Local Authority",
    "Provider Region",
    "Provider NHS Region",
    "Provider Latitude",
    "Provider Longitude",
    "Provider Parliamentary Constituency",
    "Provider Nominated Individual Name",
    "Provider Main Partner Name",
)

REGULATED_ACTIVITIES: Final[tuple[str, ...]] = (
    "Accommodation for persons who require nursing or personal care",
    "Accommodation for persons who require treatment for substance misuse",
    "Assessment or medical treatment for persons detained under the Mental Health Act 1983",
    "Diagnostic and screening procedures",
    "Family planning",
    "Management of supply of blood and blood derived products",
    "Maternity and midwifery services",
    "Nursing care",
    "Personal care",
    "Services in slimming clinics",
    "Surgical procedures",
    "Termination of pregnancies",
    "Transport services, triage and medical advice provided remotely",
    "Treatment of disease, disorder or injury",
)

SERVICE_TYPES: Final[tuple[str, ...]] = (
    "Acute services with overnight beds",
    "Acute services without overnight beds / listed acute services with or without overnight beds",
    "Ambulance service",
    "Blood and Transplant service",
    "Care home service with nursing",
    "Care home service without nursing",
    "Community based services for people who misuse substances",
    "Community based services for people with a learning disability",
    "Community based services for people with mental health needs",
    "Community health care services - Independent Midwives",
    "Community health care services - Nurses Agency only",
    "Community healthcare service",
    "Dental service",
    "Diagnostic and/or screening service",
    "Diagnostic and/or screening service - single handed sessional providers",
    "Doctors consultation service",
    "Doctors treatment service",
    "Domiciliary care service",
    "Extra Care housing services",
    "Hospice services",
    "Hospice services at home",
    "Hospital services for people with mental health needs, learning disabilities "
    "and problems with substance misuse",
    "Hyperbaric Chamber",
    "Long term conditions services",
    "Mobile doctors service",
    "Prison Healthcare Services",
    "Rehabilitation services",
    "Remote clinical advice service",
    "Residential substance misuse treatment and/or rehabilitation service",
    "Shared Lives",
    "Specialist college service",
    "Supported living service",
    "Urgent care services",
)

SERVICE_USER_BANDS: Final[tuple[str, ...]] = (
    "Children 0-18 years",
    "Dementia",
    "Learning disabilities or autistic spectrum disorder",
    "Mental Health",
    "Older People",
    "People detained under the Mental Health Act",
    "People who misuse drugs and alcohol",
    "People with an eating disorder",
    "Physical Disability",
    "Sensory Impairment",
    "Whole Population",
    "Younger Adults",
)

DUAL_REGISTRATION_COLUMNS: Final[tuple[str, ...]] = (
    "Location Dual Registered",
    "Primary ID (Dual registration locations)",
)

HSCA_COLUMNS_2026: Final[tuple[str, ...]] = (
    LOCATION_COLUMNS_2026
    + PROVIDER_COLUMNS
    + tuple(REGULATED_ACTIVITY_PREFIX + name for name in REGULATED_ACTIVITIES)
    + tuple(SERVICE_TYPE_PREFIX + name for name in SERVICE_TYPES)
    + tuple(SERVICE_USER_BAND_PREFIX + name for name in SERVICE_USER_BANDS)
    + DUAL_REGISTRATION_COLUMNS
)
NUM_COLUMNS_2026: Final = len(HSCA_COLUMNS_2026)

_LEGACY_RENAMES: Final[dict[str, tuple[str, ...]]] = {
    "Location ONSPD CCG Code": ("Location CCG Code",),
    "Location ONSPD CCG": ("Location CCG",),
    "Location Commissioning CCG Code": (),
    "Location Commissioning CCG": (),
    "Location Postal Code": ("Location Post Code",),
}

HSCA_COLUMNS_LEGACY: Final[tuple[str, ...]] = tuple(
    new for column in HSCA_COLUMNS_2026 for new in _LEGACY_RENAMES.get(column, (column,))
)

DATA_SHEET: Final = "HSCA_Active_Locations"
LEGACY_DATA_SHEET: Final = "HSCA Active Locations"
README_SHEET: Final = "README"
FLAG_YES: Final = "Y"
DUAL_REGISTERED_MARK: Final = "Dual Registration"
