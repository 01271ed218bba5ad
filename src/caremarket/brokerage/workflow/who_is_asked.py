"""Who is asked to offer for an open request, and from when: principal, district, framework,
last resort.

The zone's principal provider is asked first and alone (a first-refusal window,
while its awards stay within its share of the zone's hours); then framework
providers serving the district with spare hours declared; then the whole
framework; last, when the framework's window has passed with the request still
open, the council's provider of last resort (its own service). Windows and share
are declared in `brokerage/data/who_is_asked.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml

from caremarket.brokerage.workflow.need import Urgency


class Tier(StrEnum):
    """Why a provider is asked."""

    PRINCIPAL = "principal"
    DISTRICT = "district"
    FRAMEWORK = "framework"
    LAST_RESORT = "last_resort"


@dataclass(frozen=True, slots=True)
class AskingPolicy:
    """The declared windows (hours by urgency) and the principal provider's share."""

    first_refusal_hours: dict[Urgency, float]
    district_hours: dict[Urgency, float]
    principal_share: float
    framework_hours: dict[Urgency, float]

    def last_resort_after(self, urgency: Urgency, has_principal: bool) -> timedelta:
        """How long after opening the provider of last resort is asked."""
        first = self.first_refusal_hours[urgency] if has_principal else 0.0
        return timedelta(hours=first + self.district_hours[urgency] + self.framework_hours[urgency])


@cache
def asking_policy() -> AskingPolicy:
    """The policy declared in `brokerage/data/who_is_asked.yaml`."""
    text = resources.files("caremarket.brokerage.data").joinpath("who_is_asked.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return AskingPolicy(
        {Urgency(k): float(v) for k, v in data["first_refusal_hours"].items()},
        {Urgency(k): float(v) for k, v in data["district_hours"].items()},
        float(data["principal_share"]),
        {Urgency(k): float(v) for k, v in data["framework_hours"].items()},
    )


@dataclass(frozen=True, slots=True)
class Reach:
    """A provider as the asking rules see it."""

    provider_id: str
    on_framework: bool
    districts: frozenset[str]
    spare_hours: dict[str, float]
    """Home-care hours a week declared spare, by postcode district."""
    last_resort: bool = False
    """The council's own service, asked only when the framework has not sourced the care."""


@dataclass(frozen=True, slots=True)
class Opening:
    """An open request as the asking rules see it."""

    postcode_district: str
    urgency: Urgency
    opened_at: datetime
    principal_id: str | None
    principal_within_share: bool


def principal_within_share(principal_hours: float, zone_hours: float, share: float) -> bool:
    """Whether the principal provider's live awards are within its share of the zone's hours."""
    return principal_hours <= share * zone_hours


def asked_from(
    reach: Reach, opening: Opening, policy: AskingPolicy
) -> tuple[Tier, datetime] | None:
    """The earliest tier under which the provider is asked, and from when (None: never)."""
    has_principal = opening.principal_id is not None and opening.principal_within_share
    if reach.last_resort:
        return Tier.LAST_RESORT, opening.opened_at + policy.last_resort_after(
            opening.urgency, has_principal
        )
    if has_principal and reach.provider_id == opening.principal_id:
        return Tier.PRINCIPAL, opening.opened_at
    if not reach.on_framework:
        return None
    first = timedelta(hours=policy.first_refusal_hours[opening.urgency] if has_principal else 0)
    district = opening.postcode_district
    if district in reach.districts and reach.spare_hours.get(district, 0) > 0:
        return Tier.DISTRICT, opening.opened_at + first
    later = first + timedelta(hours=policy.district_hours[opening.urgency])
    return Tier.FRAMEWORK, opening.opened_at + later


def is_asked(reach: Reach, opening: Opening, now: datetime, policy: AskingPolicy) -> Tier | None:
    """The tier under which the provider is asked now (None: not asked yet, or never)."""
    found = asked_from(reach, opening, policy)
    if found is None or found[1] > now:
        return None
    return found[0]
