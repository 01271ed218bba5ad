"""The tender pack's content: for each zone its postcode sectors, demand now and waiting,
people, rurality, estimated carers and travel, and the branches serving people there today.

Pure: it takes the design (as written), the blocks with their demand, the
people served today and the branches, and returns one sheet per zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import polars as pl
import yaml

from caremarket.brokerage.zones.rurality import LABELS, rurality_rule
from caremarket.brokerage.zones.scenario import Branch
from caremarket.brokerage.zones.simulation import Client


@dataclass(frozen=True)
class PackParameters:
    """Rurality thresholds and a carer's hours a week (brokerage/data/zones.yaml, `pack`)."""

    urban_min_postcodes_per_km2: float
    town_min_postcodes_per_km2: float
    carer_hours_per_week: float


@cache
def pack_parameters() -> PackParameters:
    """The declared tender-pack parameters, rurality thresholds from `rurality`."""
    text = resources.files("caremarket.brokerage.data").joinpath("zones.yaml").read_text()
    p: dict[str, Any] = yaml.safe_load(text)["pack"]
    rule = rurality_rule()
    return PackParameters(
        urban_min_postcodes_per_km2=rule.urban_min_postcodes_per_km2,
        town_min_postcodes_per_km2=rule.town_min_postcodes_per_km2,
        carer_hours_per_week=float(p["carer_hours_per_week"]),
    )


@dataclass(frozen=True, slots=True)
class SectorLine:
    """One postcode sector (or district) of a zone with its demand."""

    block: str
    postcodes: int
    hours_per_week: float
    waiting_hours_per_week: float
    people: float
    postcodes_per_km2: float | None = None
    """Median postcode density around the block's postcodes (`rurality`)."""
    rurality: str | None = None


@dataclass(frozen=True, slots=True)
class ProviderLine:
    """A branch serving people in a zone today: its CQC rating and what it serves there."""

    location_id: str
    name: str
    rating: str | None
    people: int
    hours_per_week: float


@dataclass(frozen=True)
class ZoneSheet:
    """Everything the tender pack says about one zone."""

    zone: int
    sectors: tuple[SectorLine, ...]
    hours_per_week: float
    waiting_hours_per_week: float
    people: float
    travel_hours_per_week: float
    area_km2: float | None
    postcodes: int
    rurality: str | None
    """urban, town and fringe, or rural: the class of most of its sectors' postcodes (by
    postcode density around them), else of its postcodes over its area; None when neither
    is known."""
    carers_estimate: float
    providers: tuple[ProviderLine, ...]
    geometry: dict[str, Any] | None

    @property
    def postcodes_per_km2(self) -> float | None:
        """How close the zone's postcodes lie (None when its area is not known)."""
        return self.postcodes / self.area_km2 if self.area_km2 else None

    @property
    def travel_minutes_per_contact_hour(self) -> float | None:
        """Estimated road minutes for each hour of care (None when there is no care)."""
        contact = self.hours_per_week + self.waiting_hours_per_week
        return 60 * self.travel_hours_per_week / contact if contact else None


def rurality(postcodes_per_km2: float | None, p: PackParameters) -> str | None:
    """The zone's class by postcode density (a declared rule, see zones.yaml)."""
    if postcodes_per_km2 is None:
        return None
    if postcodes_per_km2 >= p.urban_min_postcodes_per_km2:
        return "urban"
    if postcodes_per_km2 >= p.town_min_postcodes_per_km2:
        return "town and fringe"
    return "rural"


def _most_postcodes(lines: Sequence[SectorLine]) -> str | None:
    """The rurality holding most of the sectors' postcodes (None when no sector has one)."""
    postcodes: dict[str, int] = {}
    for line in lines:
        if line.rurality:
            postcodes[line.rurality] = postcodes.get(line.rurality, 0) + line.postcodes
    return max(sorted(postcodes), key=lambda k: postcodes[k]) if postcodes else None


def area_km2(geometry: dict[str, Any] | None) -> float | None:
    """The area of a GeoJSON geometry (longitude, latitude) in square kilometres."""
    if not geometry:
        return None
    import shapely
    from pyproj import Transformer
    from shapely.geometry import shape

    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform
    return float(shapely.transform(shape(geometry), to_grid, interleaved=False).area) / 1e6


def zone_sheets(
    document: dict[str, Any],
    blocks: pl.DataFrame,
    clients: Sequence[Client],
    branches: dict[str, Branch],
    parameters: PackParameters | None = None,
) -> list[ZoneSheet]:
    """One sheet per zone of the design, from its blocks' demand and today's clients."""
    p = parameters or pack_parameters()
    by_block = {row["block"]: row for row in blocks.iter_rows(named=True)}
    sheets = []
    for feature in document["features"]:
        props = feature["properties"]
        zone = int(props["zone"])
        members = [b for b in props["blocks"] if b in by_block]
        lines = tuple(
            SectorLine(
                block=b,
                postcodes=int(by_block[b]["postcodes"]),
                hours_per_week=float(by_block[b]["hours_per_week"]),
                waiting_hours_per_week=float(by_block[b]["waiting_hours_per_week"]),
                people=float(by_block[b]["people"]),
                postcodes_per_km2=by_block[b].get("postcodes_per_km2"),
                rurality=LABELS.get(by_block[b].get("area") or ""),
            )
            for b in sorted(members)
        )
        blocks_here = set(members)
        served: dict[str, list[Client]] = {}
        for client in clients:
            if client.block in blocks_here:
                served.setdefault(client.branch, []).append(client)
        providers = tuple(
            sorted(
                (
                    ProviderLine(
                        location_id=branch_id,
                        name=branches[branch_id].name if branch_id in branches else branch_id,
                        rating=branches[branch_id].rating if branch_id in branches else None,
                        people=len(people),
                        hours_per_week=sum(c.hours_per_week for c in people),
                    )
                    for branch_id, people in served.items()
                ),
                key=lambda line: (-line.hours_per_week, line.name),
            )
        )
        area = area_km2(feature.get("geometry"))
        postcodes = sum(line.postcodes for line in lines)
        hours = sum(by_block[b]["hours_per_week"] for b in members)
        waiting = sum(by_block[b]["waiting_hours_per_week"] for b in members)
        travel = sum(by_block[b]["travel_hours_per_week"] for b in members)
        sheets.append(
            ZoneSheet(
                zone=zone,
                sectors=lines,
                hours_per_week=hours,
                waiting_hours_per_week=waiting,
                people=sum(by_block[b]["people"] for b in members),
                travel_hours_per_week=travel,
                area_km2=area,
                postcodes=postcodes,
                rurality=_most_postcodes(lines) or rurality(postcodes / area if area else None, p),
                carers_estimate=(hours + waiting + travel) / p.carer_hours_per_week,
                providers=providers,
                geometry=feature.get("geometry"),
            )
        )
    return sorted(sheets, key=lambda s: s.zone)
