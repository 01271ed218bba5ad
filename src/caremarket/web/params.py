"""Query parameters the API and pages share, declared once."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import Query

from caremarket.domain.client_group import ClientGroup
from caremarket.domain.rating import Rating
from caremarket.domain.sector import Sector
from caremarket.metrics import Level

ALL = "all"
SECTORS = (ALL, *(s.value for s in Sector))
CLIENT_GROUPS = (ALL, *(g.value for g in ClientGroup))
RATINGS = tuple(r.value for r in Rating)


class AreaLevel(StrEnum):
    """The kinds of area figures are given for."""

    COUNCIL = "council"
    DISTRICT = "district"
    LOCALITY = "locality"

    @property
    def level(self) -> Level:
        """The metric level of the same name."""
        return Level(self.value)


def _one_of(values: tuple[str, ...]) -> str:
    return "^(" + "|".join(values) + ")$"


AsOf = Annotated[
    date | None,
    Query(
        description="Figures as at this date: the latest release on or before it (default: latest)."
    ),
]
SectorQ = Annotated[str, Query(pattern=_one_of(SECTORS), description="Market sector, or all.")]
ClientGroupQ = Annotated[
    str, Query(pattern=_one_of(CLIENT_GROUPS), description="Client group, or all.")
]
RatingQ = Annotated[
    str | None,
    Query(pattern=_one_of(RATINGS), description="Only locations with this overall rating."),
]
AnySectorQ = Annotated[
    str | None,
    Query(
        pattern=_one_of(SECTORS),
        description="Market sector, or all (the total); absent: every sector's rows.",
    ),
]
AnyClientGroupQ = Annotated[
    str | None,
    Query(
        pattern=_one_of(CLIENT_GROUPS),
        description="Client group, or all (the total); absent: every client group's rows.",
    ),
]
LocalityQ = Annotated[str | None, Query(max_length=100, description="Only this locality.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip.")]
LevelQ = Annotated[AreaLevel, Query(description="council, district or locality.")]
