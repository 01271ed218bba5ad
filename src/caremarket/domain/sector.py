"""Market sectors (segments) and how CQC's vocabularies map onto them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from caremarket.domain.release_fact import Fact, ReleaseFacts


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
    COMMUNITY_UNSPECIFIED = "community_unspecified"

    @property
    def label(self) -> str:
        """The sector's name as a council writes it."""
        return SECTOR_LABELS[self]

    @property
    def named(self) -> bool:
        """Whether the sector is a service a council buys (not a release's 'service not named')."""
        return self is not Sector.COMMUNITY_UNSPECIFIED

    @property
    def needs(self) -> tuple[Fact, ...]:
        """The facts a release must carry to tell which locations are in the sector."""
        return SECTOR_NEEDS.get(self, ())

    def unknown_in(self, facts: ReleaseFacts) -> str | None:
        """Why a release cannot tell this sector's locations (None when it can).

        Home care and supported living are told, in part, by a release that
        rates services by group; the other community sectors need service types.
        """
        if self in PARTIAL_FROM_GROUPS and facts.tells(Fact.SERVICE_GROUPS):
            return facts.first_unknown((Fact.SERVICES_BEYOND_CARE_HOMES,))
        if self is Sector.COMMUNITY_UNSPECIFIED and facts.tells(Fact.SERVICE_TYPES):
            return "every location's service is named in this release"
        return facts.first_unknown(self.needs)

    def partial_in(self, facts: ReleaseFacts) -> str | None:
        """A note when the release names this sector's services only in part (else None)."""
        if (
            self in PARTIAL_FROM_GROUPS
            and not facts.tells(Fact.SERVICE_TYPES)
            and facts.tells(Fact.SERVICE_GROUPS)
        ):
            return (
                f"{facts.release_title or 'the release'} names a service only where CQC rated "
                "it as such; community services it does not name are counted under "
                f"'{SECTOR_LABELS[Sector.COMMUNITY_UNSPECIFIED]}'"
            )
        return None


SECTOR_LABELS: dict[Sector, str] = {
    Sector.CARE_HOME: "Care homes (all)",
    Sector.CARE_HOME_NURSING: "Care homes with nursing",
    Sector.CARE_HOME_RESIDENTIAL: "Care homes without nursing",
    Sector.HOME_CARE: "Home care",
    Sector.SUPPORTED_LIVING: "Supported living",
    Sector.EXTRA_CARE: "Extra care housing",
    Sector.SHARED_LIVES: "Shared lives",
    Sector.COMMUNITY: "Community-based services",
    Sector.COMMUNITY_UNSPECIFIED: "Community-based adult social care, service not named",
}

_NAMED = (Fact.SERVICES_BEYOND_CARE_HOMES, Fact.SERVICE_TYPES)
SECTOR_NEEDS: Mapping[Sector, tuple[Fact, ...]] = {
    Sector.CARE_HOME_NURSING: (Fact.NURSING_SPLIT,),
    Sector.CARE_HOME_RESIDENTIAL: (Fact.NURSING_SPLIT,),
    Sector.HOME_CARE: _NAMED,
    Sector.SUPPORTED_LIVING: _NAMED,
    Sector.EXTRA_CARE: _NAMED,
    Sector.SHARED_LIVES: _NAMED,
    Sector.COMMUNITY: _NAMED,
    Sector.COMMUNITY_UNSPECIFIED: (Fact.SERVICES_BEYOND_CARE_HOMES,),
}
# Sectors a release rating services by group (Latest ratings) names in part.
PARTIAL_FROM_GROUPS = frozenset({Sector.HOME_CARE, Sector.SUPPORTED_LIVING})

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
# Every sector a care home figure (beds, weekly prices) means something for.
CARE_HOMES = CARE_HOME_SECTORS | {Sector.CARE_HOME}
HOME_CARE = frozenset({Sector.HOME_CARE})


def with_care_home(sectors: set[Sector]) -> set[Sector]:
    """Add the all-care-homes sector to a set holding either kind of care home."""
    if sectors & CARE_HOME_SECTORS:
        return sectors | {Sector.CARE_HOME}
    return sectors
