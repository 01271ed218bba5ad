"""Areas (councils, districts, regions) and the reference list of English areas."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources


class Tier(StrEnum):
    """The kind of area a GSS code names."""

    REGION = "region"
    COUNTY = "county"
    UNITARY = "unitary"
    METROPOLITAN_DISTRICT = "metropolitan_district"
    LONDON_BOROUGH = "london_borough"
    NON_METROPOLITAN_DISTRICT = "non_metropolitan_district"


UPPER_TIERS = frozenset(
    {Tier.COUNTY, Tier.UNITARY, Tier.METROPOLITAN_DISTRICT, Tier.LONDON_BOROUGH}
)


@dataclass(frozen=True, slots=True)
class Area:
    """A named area with its GSS code, its tier and the area it lies in."""

    code: str
    name: str
    tier: Tier
    parent_code: str
    region_code: str
    region_name: str

    @property
    def is_council(self) -> bool:
        """Whether the area is a council with adult social care duties (upper tier)."""
        return self.tier in UPPER_TIERS


GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")

# Names CQC and other publishers print that differ from ONS's area names.
_NAME_ALIASES: dict[str, str] = {
    "bristol": "bristol, city of",
    "herefordshire": "herefordshire, county of",
    "kingston upon hull": "kingston upon hull, city of",
    "hull": "kingston upon hull, city of",
    "durham": "county durham",
    "bournemouth, christchurch and poole": "bournemouth, christchurch and poole",
    "telford & wrekin": "telford and wrekin",
    "brighton & hove": "brighton and hove",
    "windsor & maidenhead": "windsor and maidenhead",
    "st helens": "st. helens",
    "city of london": "city of london",
}


def _key(name: str) -> str:
    text = re.sub(r"\s+", " ", name.strip().lower().replace("&", "and"))
    return text.replace(" council", "").replace("st. ", "st ")


@cache
def england_areas() -> tuple[Area, ...]:
    """Every English region, council and district on 2025 boundaries (ONS, OGL v3.0)."""
    text = resources.files("caremarket.domain.data").joinpath("areas_england_2025.csv")
    with io.StringIO(text.read_text(encoding="utf-8"), newline="") as handle:
        return tuple(
            Area(
                code=row["la_code"],
                name=row["la_name"],
                tier=Tier(row["tier"]),
                parent_code=row["parent_code"],
                region_code=row["region_code"],
                region_name=row["region_name"],
            )
            for row in csv.DictReader(handle)
        )


@cache
def _by_key() -> dict[str, Area]:
    index: dict[str, Area] = {}
    for area in england_areas():
        index.setdefault(_key(area.name), area)
        index[area.code.lower()] = area
    for alias, name in _NAME_ALIASES.items():
        if _key(name) in index:
            index[_key(alias)] = index[_key(name)]
    return index


def find_area(name_or_code: str) -> Area | None:
    """The area with this GSS code or name (as ONS or CQC write it), or None."""
    key = _key(name_or_code)
    index = _by_key()
    if key in index:
        return index[key]
    return index.get(_key(_NAME_ALIASES.get(key, key)))


def find_council(name_or_code: str) -> Area | None:
    """The upper-tier council with this GSS code or name, or None."""
    area = find_area(name_or_code)
    if area is not None and area.is_council:
        return area
    # A name shared by a district and its county ("Durham") means the council.
    key = _key(name_or_code)
    for candidate in england_areas():
        if candidate.is_council and _key(candidate.name) == key:
            return candidate
    return None


def districts_of(council_code: str) -> tuple[Area, ...]:
    """The districts of a county council, or the unitary council itself."""
    children = tuple(a for a in england_areas() if a.parent_code == council_code)
    if children:
        return children
    area = find_area(council_code)
    return (area,) if area is not None else ()
