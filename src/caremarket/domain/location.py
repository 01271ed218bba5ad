"""Locations and providers: the places CQC registers and the organisations running them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from caremarket.domain.client_group import ClientGroup
from caremarket.domain.rating import KeyQuestion, Rating
from caremarket.domain.sector import Sector


@dataclass(frozen=True, slots=True)
class Provider:
    """A registered company or organisation running one or more locations."""

    provider_id: str
    name: str
    ownership_type: str | None = None
    companies_house_number: str | None = None
    charity_number: str | None = None


@dataclass(frozen=True, slots=True)
class LocationRating:
    """A CQC rating of a location: overall and the five key questions, when published."""

    overall: Rating
    published: date | None
    key_questions: dict[KeyQuestion, Rating] = field(default_factory=dict)
    inherited: bool = False


@dataclass(frozen=True, slots=True)
class Location:
    """A CQC-registered location (a care home, a home care branch office, ...)."""

    location_id: str
    name: str
    provider_id: str | None
    postcode: str | None
    la_code: str | None
    sectors: frozenset[Sector]
    client_groups: frozenset[ClientGroup]
    beds: int | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    district_code: str | None = None
    locality: str | None = None
    registration_date: date | None = None
    deregistration_date: date | None = None
    dormant: bool = False
    dual_registered: bool = False
    primary_id: str | None = None
    rating: LocationRating | None = None
    history: tuple[LocationRating, ...] = ()

    @property
    def counted_id(self) -> str:
        """The id the location is counted under: a dual-registered pair counts once."""
        if self.dual_registered and self.primary_id:
            return self.primary_id
        return self.location_id

    def active_on(self, day: date) -> bool:
        """Whether the location was registered and not dormant on a day."""
        started = self.registration_date is None or self.registration_date <= day
        ended = self.deregistration_date is not None and self.deregistration_date <= day
        return started and not ended and not self.dormant
