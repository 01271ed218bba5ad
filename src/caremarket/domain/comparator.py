"""Peer groups a council is ranked in: its region, and councils of its type.

A `Peers` is a named set of councils (GSS codes). The region is ONS's; the
comparator group is the councils of the same type (county, unitary,
metropolitan borough, London borough), as declared with its source in
`data/comparator_groups.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from caremarket.domain.area import Area, england_areas


@dataclass(frozen=True)
class Peers:
    """A named group of councils a council is compared with."""

    name: str
    """How a reader names the group: `the East Midlands`, `county councils`."""
    codes: tuple[str, ...]
    source: str


@cache
def _declaration() -> dict[str, Any]:
    text = resources.files("caremarket.domain.data").joinpath("comparator_groups.yaml")
    loaded: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return loaded


def region_peers(council: Area) -> Peers:
    """Every council in the council's region (2025 areas)."""
    codes = tuple(
        sorted(
            a.code for a in england_areas() if a.is_council and a.region_code == council.region_code
        )
    )
    return Peers(council.region_name, codes, "ONS regions (April 2025)")


def comparator_peers(council: Area) -> Peers:
    """Every council of the council's type in England, as the declaration names the type."""
    declared = _declaration()
    codes = tuple(
        sorted(a.code for a in england_areas() if a.is_council and a.tier == council.tier)
    )
    return Peers(str(declared["groups"][council.tier.value]), codes, declared["source"]["title"])
