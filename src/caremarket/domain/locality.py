"""Localities: a council's own planning areas, declared as groups of districts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Locality:
    """A council's planning area made of whole districts or postcode districts."""

    la_code: str
    name: str
    district_codes: frozenset[str] = frozenset()
    postcode_districts: frozenset[str] = frozenset()
