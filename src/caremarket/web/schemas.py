"""The API's response models (for its OpenAPI document; bodies are built once and cached)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Page(BaseModel):
    """Paging fields every list response carries."""

    total: int
    limit: int
    offset: int
    next_offset: int | None


class ReleaseOut(BaseModel):
    """A loaded release."""

    release_id: str
    source_id: str
    source_title: str
    publisher: str
    licence: str
    release_date: str
    file_name: str
    rows: int


class ReleasePage(Page):
    """A page of releases."""

    items: list[ReleaseOut]


class UsedReleaseOut(BaseModel):
    """A release a figure came from, and what for."""

    purpose: str
    release_id: str
    source_title: str
    release_date: str
    licence: str
    file_name: str


class AreaOut(BaseModel):
    """The council, a district or a locality."""

    area_code: str
    area_name: str
    level: str
    locality: str | None = None


class AreaList(BaseModel):
    """The council's areas."""

    council: AreaOut
    items: list[AreaOut]


class AreaFigure(BaseModel):
    """One metric's value for an area."""

    metric: str
    label: str
    unit: str
    value: float | None
    n: int | None
    suppressed: bool


class AreaFigures(BaseModel):
    """Key figures for one area as at a date."""

    area: AreaOut
    as_of: str
    sector: str
    client_group: str
    figures: list[AreaFigure]


class MetricOut(BaseModel):
    """A metric in the catalogue."""

    name: str
    label: str
    unit: str
    theme: str
    levels: list[str]
    description: str
    personal: bool


class MetricList(BaseModel):
    """The metrics the viewer may see."""

    items: list[MetricOut]


class MetricRow(BaseModel):
    """One area x sector x client group x period value."""

    area_code: str
    area_name: str
    sector: str
    client_group: str
    period: str
    value: float | None
    n: int | None
    suppressed: bool


class MetricPage(Page):
    """A page of one metric's rows, with its provenance."""

    metric: MetricOut
    level: str
    as_of: str
    missing: list[str]
    not_known: dict[str, str]
    """Sectors the loaded release cannot tell for this metric, with the reason: their
    values are null, never 0."""
    releases: list[UsedReleaseOut]
    items: list[MetricRow]


class TrendPoint(BaseModel):
    """A council-level value at one release date."""

    as_of: str
    value: float | None
    n: int | None
    suppressed: bool


class Trend(BaseModel):
    """A metric over every loaded release."""

    metric: MetricOut
    sector: str
    client_group: str
    items: list[TrendPoint]


class LocationOut(BaseModel):
    """A care location as the latest release describes it."""

    location_id: str
    name: str | None
    provider_id: str | None
    provider_name: str | None
    postcode: str | None
    latitude: float | None
    longitude: float | None
    beds: int | None
    care_home: bool | None
    rating: str | None
    publication_date: str | None
    sectors: list[str]
    client_groups: list[str]
    district_code: str | None
    district_name: str | None
    locality: str | None
    registered_as: list[str]
    """Every CQC id of the service: a dual-registered pair is one location with two ids."""


class LocationPage(Page):
    """A page of locations."""

    as_of: str
    items: list[LocationOut]


class RatingOut(BaseModel):
    """One rating in a location's history."""

    key_question: str
    rating: str
    publication_date: str | None
    service_group: str | None
    inherited: bool | None


class LocationProfile(BaseModel):
    """A location with its rating history, provider and the provider's other locations."""

    as_of: str
    location: LocationOut
    details: dict[str, Any] = {}
    not_known: dict[str, str] = {}
    cqc_url: str | None = None
    key_questions: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    ratings: list[RatingOut]
    other_locations: list[LocationOut]
    own: bool
    council_relationship: dict[str, Any] | None


class ProviderOut(BaseModel):
    """A provider and how many of its locations are in the council's area."""

    provider_id: str
    provider_name: str | None
    locations: int
    beds: int


class ProviderPage(Page):
    """A page of providers."""

    as_of: str
    items: list[ProviderOut]


class ProviderProfile(BaseModel):
    """A provider and its locations in the council's area."""

    as_of: str
    provider: ProviderOut
    locations: list[LocationOut]


class FeatureCollection(BaseModel):
    """A GeoJSON FeatureCollection (RFC 7946)."""

    type: str
    features: list[dict[str, Any]]
    metadata: dict[str, Any] | None = None


class Me(BaseModel):
    """Who the API thinks you are."""

    role: str
    name: str | None
    provider_id: str | None


class SignalRow(BaseModel):
    """Supply and change in one locality and sector, for providers deciding where to invest."""

    locality: str
    sector: str
    locations: float | None
    beds: float | None
    beds_gained: float | None
    beds_lost: float | None
    openings: float | None
    closures: float | None
    pct_good_or_outstanding: float | None
    suppressed: bool


class BrokerageSignalRow(BaseModel):
    """The brokerage workflow in one locality: aggregates only (no offer, award or person)."""

    locality: str
    requests_waiting: int | None
    """Requests open to offers, offered or handed back now."""
    waiting_hours_per_week: float | None
    """Home-care hours a week those requests need."""
    requests_published: int | None
    share_with_offer: float | None
    """Share of the requests published that had at least one offer."""
    spare_hours_per_week: float | None
    """Home-care hours a week providers declared spare (each provider's latest, per district)."""
    providers_declaring: int
    suppressed: bool
    """Whether a value is hidden: fewer requests (or providers) than the threshold."""


class BrokerageSignals(BaseModel):
    """The brokerage workflow's figures by locality, or why there are none."""

    as_of: str | None
    source: str
    reason: str | None
    """Why there are no figures (no brokerage database), when there are none."""
    items: list[BrokerageSignalRow]


class Signals(BaseModel):
    """Market signals for providers."""

    as_of: str
    items: list[SignalRow]
    brokerage: BrokerageSignals


class InterimCareList(BaseModel):
    """The council's interim care list (people waiting for home care): council only."""

    as_of: str
    missing: list[str]
    number_waiting: int | None
    """People on the list on the as-of date (added, not yet sourced): the metric
    `people_waiting`'s definition."""
    items: list[dict[str, Any]]


class AuditOut(BaseModel):
    """An audit log entry."""

    at: str
    event: str
    user_name: str | None
    role: str
    detail: dict[str, Any]


class AuditList(BaseModel):
    """The latest audit log entries."""

    items: list[AuditOut]
