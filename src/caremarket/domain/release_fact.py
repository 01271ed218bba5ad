"""What a release can tell about a council: the facts it carries, and why it lacks the rest.

A CQC release does not always carry every fact a figure needs: the Latest
ratings release names no service types, no nursing split and no beds; an API
extract of care homes lists nothing but care homes. Each loaded release
records, per council it covers, which of these facts it carries (derived once,
at ingest, in `caremarket.ingest.release_facts`). Every output asks this
record before printing a figure: a cell the release cannot tell is *not
known*, with the reason and what to load to know it, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Fact(StrEnum):
    """A kind of fact a release may or may not carry for a council."""

    SERVICE_TYPES = "service_types"
    SERVICE_GROUPS = "service_groups"
    SERVICES_BEYOND_CARE_HOMES = "services_beyond_care_homes"
    NURSING_SPLIT = "nursing_split"
    BEDS = "beds"
    CLIENT_GROUPS = "client_groups"
    POSITIONS = "positions"
    OVERALL_RATINGS = "overall_ratings"
    KEY_QUESTION_RATINGS = "key_question_ratings"
    SERVICE_RATINGS = "service_ratings"
    REGISTRATION_DATES = "registration_dates"

    @property
    def label(self) -> str:
        """What the fact is, in a council officer's words."""
        return _LABELS[self]

    @property
    def to_know(self) -> str:
        """What to load to know it."""
        return _TO_KNOW[self]


_FULL_DIRECTORY = "load a CQC HSCA Active Locations release or a CQC API extract of all services"

_LABELS: Mapping[Fact, str] = {
    Fact.SERVICE_TYPES: "the service types each location is registered for",
    Fact.SERVICE_GROUPS: "the services locations are rated for",
    Fact.SERVICES_BEYOND_CARE_HOMES: "services other than care homes",
    Fact.NURSING_SPLIT: "which care homes provide nursing",
    Fact.BEDS: "registered care home beds",
    Fact.CLIENT_GROUPS: "the client groups (service user bands) services are registered for",
    Fact.POSITIONS: "where locations are (coordinates or postcodes)",
    Fact.OVERALL_RATINGS: "overall ratings",
    Fact.KEY_QUESTION_RATINGS: "ratings for the five key questions",
    Fact.SERVICE_RATINGS: "ratings by service",
    Fact.REGISTRATION_DATES: "registration dates",
}

_TO_KNOW: Mapping[Fact, str] = {
    Fact.SERVICE_TYPES: _FULL_DIRECTORY,
    Fact.SERVICE_GROUPS: _FULL_DIRECTORY,
    Fact.SERVICES_BEYOND_CARE_HOMES: _FULL_DIRECTORY,
    Fact.NURSING_SPLIT: _FULL_DIRECTORY,
    Fact.BEDS: "load a CQC HSCA Active Locations release or a CQC API extract",
    Fact.CLIENT_GROUPS: "load a CQC HSCA Active Locations release or a CQC API extract",
    Fact.POSITIONS: "load a CQC release with postcodes or coordinates",
    Fact.OVERALL_RATINGS: "load a CQC Latest ratings release",
    Fact.KEY_QUESTION_RATINGS: "load a CQC Latest ratings release or a CQC API extract",
    Fact.SERVICE_RATINGS: "load a CQC Latest ratings release",
    Fact.REGISTRATION_DATES: "load a CQC HSCA Active Locations release or a CQC API extract",
}


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    """The facts one release carries for one council, with a reason for each it lacks.

    `release_title` names the release in the reasons ("CQC Latest ratings ...").
    """

    release_title: str
    known: frozenset[Fact]
    details: Mapping[Fact, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def every(cls, release_title: str = "") -> ReleaseFacts:
        """A release that carries every fact (a full directory)."""
        return cls(release_title, frozenset(Fact))

    def tells(self, fact: Fact) -> bool:
        """Whether the release carries the fact."""
        return fact in self.known

    def why_not(self, fact: Fact) -> str | None:
        """Why the fact is not known, and what to load to know it (None when it is known)."""
        if fact in self.known:
            return None
        detail = self.details.get(fact)
        which = self.release_title or "the release loaded"
        said = f"{fact.label[0].upper()}{fact.label[1:]}: not given by {which}"
        if detail:
            said += f" ({detail})"
        return f"{said}: {fact.to_know}"

    def first_unknown(self, facts: Iterable[Fact]) -> str | None:
        """The reason for the first of the facts not known (None when all are)."""
        for fact in facts:
            reason = self.why_not(fact)
            if reason is not None:
                return reason
        return None
