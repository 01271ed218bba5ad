"""Releases of data sources: who published what, when, under which licence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from caremarket.domain.release_fact import Fact


class Licence(StrEnum):
    """Licences public sector data are published under."""

    OGL_3 = "Open Government Licence v3.0"
    OGL_3_OS = (
        "Open Government Licence v3.0; contains OS data (c) Crown copyright and database right"
    )
    COUNCIL = "Council data: use as the council allows"
    COUNCIL_RESTRICTED = "Council data (restricted): personal data, not for publication"
    SKILLS_FOR_CARE = "Skills for Care data: reuse on Skills for Care's terms, acknowledged"
    SYNTHETIC = "Synthetic demo data (no real people or services)"


@dataclass(frozen=True, slots=True)
class Source:
    """A data source: a publication that comes out in releases."""

    id: str
    title: str
    publisher: str
    licence: Licence
    cadence: str
    url: str
    carries: frozenset[Fact] = frozenset()
    """The facts about locations its releases can carry (see `domain.release_fact`); what
    one release holds for a council is derived from its rows at ingest."""


@dataclass(frozen=True, slots=True)
class Release:
    """One release of a source, identified by the hash of its file."""

    source: Source
    release_date: date
    file_name: str
    file_hash: str
    rows: int
    note: str = ""

    @property
    def release_id(self) -> str:
        """A stable id for the release: source and the first 16 hex digits of its hash."""
        return f"{self.source.id}:{self.file_hash[:16]}"
