"""Query parameters the API and pages share, declared once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

import polars as pl
from fastapi import Depends, Query

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


@dataclass(frozen=True, slots=True)
class LocationFilter:
    """Which locations to list: sector, client group, overall rating, locality, date."""

    sector: SectorQ = ALL
    client_group: ClientGroupQ = ALL
    rating: RatingQ = None
    locality: LocalityQ = None
    as_of: AsOf = None

    def apply(self, locations: pl.DataFrame) -> pl.DataFrame:
        """The locations that pass every filter but the date (chosen by the snapshot)."""
        chosen = locations
        if self.sector != ALL:
            chosen = chosen.filter(pl.col("sectors").list.contains(self.sector))
        if self.client_group != ALL:
            chosen = chosen.filter(pl.col("client_groups").list.contains(self.client_group))
        if self.rating:
            chosen = chosen.filter(pl.col("rating").fill_null("not_rated") == self.rating)
        if self.locality:
            chosen = chosen.filter(pl.col("locality") == self.locality)
        return chosen

    def on(self, day: date) -> LocationFilter:
        """The same filter with the date resolved to a release date (a cache key)."""
        return LocationFilter(self.sector, self.client_group, self.rating, self.locality, day)


LocationFilterQ = Annotated[LocationFilter, Depends()]
