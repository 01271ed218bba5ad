"""Market sectors (segments) and how CQC's vocabularies map onto them."""

from __future__ import annotations

from enum import StrEnum


class Sector(StrEnum):
    """A segment of the adult social care market; a location can be in several."""

    CARE_HOME = "care_home"
    CARE_HOME_NURSING = "care_home_nursing"
    CARE_HOME_RESIDENTIAL = "care_home_residential"
    HOME_CARE = "home_care"
    SUPPORTED_LIVING = "supported_living"
    EXTRA_CARE = "extra_care"
    SHARED_LIVES = "shared_lives"
    COMMUNITY = "community"

    @property
    def label(self) -> str:
        """The sector's name as a council writes it."""
        return SECTOR_LABELS[self]


SECTOR_LABELS: dict[Sector, str] = {
    Sector.CARE_HOME: "Care homes (all)",
    Sector.CARE_HOME_NURSING: "Care homes with nursing",
    Sector.CARE_HOME_RESIDENTIAL: "Care homes without nursing",
    Sector.HOME_CARE: "Home care",
    Sector.SUPPORTED_LIVING: "Supported living",
    Sector.EXTRA_CARE: "Extra care housing",
    Sector.SHARED_LIVES: "Shared lives",
    Sector.COMMUNITY: "Community-based services",
}

# CQC "service types" (HSCA Active Locations columns `Service type - <name>`,
# API `gacServiceTypes[].description`). `care_home` is derived from the two
# care home types, never listed here, so a home is counted once in it.
SERVICE_TYPE_SECTORS: dict[str, Sector] = {
    "Care home service with nursing": Sector.CARE_HOME_NURSING,
    "Care home service without nursing": Sector.CARE_HOME_RESIDENTIAL,
    "Domiciliary care service": Sector.HOME_CARE,
    "Supported living service": Sector.SUPPORTED_LIVING,
    "Extra Care housing services": Sector.EXTRA_CARE,
    "Shared Lives": Sector.SHARED_LIVES,
    "Community based services for people with a learning disability": Sector.COMMUNITY,
    "Community based services for people with mental health needs": Sector.COMMUNITY,
    "Community based services for people who misuse substances": Sector.COMMUNITY,
}

# CQC weekly directory `Service types` (|-separated) and API `gacServiceTypes[].name`.
DIRECTORY_SERVICE_TYPE_SECTORS: dict[str, Sector] = {
    "Nursing homes": Sector.CARE_HOME_NURSING,
    "Residential homes": Sector.CARE_HOME_RESIDENTIAL,
    "Homecare agencies": Sector.HOME_CARE,
    "Supported living": Sector.SUPPORTED_LIVING,
    "Extra care housing": Sector.EXTRA_CARE,
    # The API pairs name `Supported housing` with `Extra Care housing services`.
    "Supported housing": Sector.EXTRA_CARE,
    "Shared lives": Sector.SHARED_LIVES,
    "Community services - Learning disabilities": Sector.COMMUNITY,
    "Community services - Mental Health": Sector.COMMUNITY,
    "Community services - Substance abuse": Sector.COMMUNITY,
}

# CQC Latest ratings `Service / Population Group` for adult social care.
RATING_GROUP_SECTORS: dict[str, Sector] = {
    "Care Homes": Sector.CARE_HOME,
    "Homecare": Sector.HOME_CARE,
    "Supported Living": Sector.SUPPORTED_LIVING,
}

CARE_HOME_SECTORS = frozenset({Sector.CARE_HOME_NURSING, Sector.CARE_HOME_RESIDENTIAL})


def with_care_home(sectors: set[Sector]) -> set[Sector]:
    """Add the all-care-homes sector to a set holding either kind of care home."""
    if sectors & CARE_HOME_SECTORS:
        return sectors | {Sector.CARE_HOME}
    return sectors
