"""Who serves whom in an evaluation: each person's zone, and each zone's carers by branch.

Under zones, a zone's principal provider (the branch based in the zone with
most of the zone's hours today, people waiting not counted) offers the declared
share of its carers (70%) and the next branches by hours, the framework, share
the rest; any of a zone's carers may visit any of its people. Today's pattern is
a scenario too: each branch is its own "zone", serving its own clients wherever
they live, from its own office, and the people waiting nearest to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from caremarket.brokerage.zones.parameters import EvaluationParameters, evaluation_parameters
from caremarket.brokerage.zones.simulation import Client


@dataclass(frozen=True, slots=True)
class Branch:
    """A home-care branch office (a CQC location): where its carers start and end."""

    id: str
    name: str
    east: float
    north: float
    rating: str | None = None
    area: str | None = None
    """How rural the office's surroundings are (`rurality`)."""


@dataclass(frozen=True)
class Scenario:
    """Each client's zone, and each zone's carers: (branch id, share of the zone's carers)."""

    name: str
    zone_of: tuple[str, ...]
    crews: dict[str, tuple[tuple[str, float], ...]]

    @property
    def zones(self) -> list[str]:
        """The zones with people in them, in a stable order."""
        return sorted(set(self.zone_of), key=_zone_key)


def _zone_key(zone: str) -> tuple[int, str]:
    return (int(zone), "") if zone.isdigit() else (1 << 30, zone)


def zoned(
    name: str,
    clients: Sequence[Client],
    zone_of: Sequence[str],
    branches: dict[str, Branch],
    parameters: EvaluationParameters | None = None,
) -> Scenario:
    """Zones with a principal provider and framework providers: the branches based in the
    zone (the zone of their nearest client) with most of its hours today, then the
    nearest others where a zone has too few."""
    p = parameters or evaluation_parameters()
    hours: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for client, zone in zip(clients, zone_of, strict=True):
        if client.branch in branches and not client.waiting:
            hours[zone][client.branch] += client.hours_per_week
    based = _home_zones(clients, zone_of, branches)
    crews: dict[str, tuple[tuple[str, float], ...]] = {}
    wanted = 1 + p.framework_providers
    for zone in set(zone_of):
        east, north = _centre(clients, zone_of, zone)

        def distance(b: Branch, east: float = east, north: float = north) -> float:
            return (b.east - east) ** 2 + (b.north - north) ** 2

        inside = sorted(
            (b for b in branches.values() if based[b.id] == zone),
            key=lambda b: (-hours[zone].get(b.id, 0.0), distance(b), b.id),
        )
        chosen = [b.id for b in inside[:wanted]]
        if len(chosen) < wanted:
            others = sorted(
                (b for b in branches.values() if based[b.id] != zone),
                key=lambda b: (distance(b), b.id),
            )
            chosen += [b.id for b in others[: wanted - len(chosen)]]
        if len(chosen) == 1:
            crews[zone] = ((chosen[0], 1.0),)
            continue
        rest = (1.0 - p.principal_share) / (len(chosen) - 1)
        crews[zone] = ((chosen[0], p.principal_share), *((b, rest) for b in chosen[1:]))
    return Scenario(name, tuple(zone_of), crews)


def _home_zones(
    clients: Sequence[Client], zone_of: Sequence[str], branches: dict[str, Branch]
) -> dict[str, str]:
    """The zone each branch office is in: the zone of the client nearest it."""
    import numpy as np

    xy = np.array([(c.east, c.north) for c in clients], dtype=float).reshape(-1, 2)
    out = {}
    for b in branches.values():
        nearest = int(np.argmin(((xy - (b.east, b.north)) ** 2).sum(axis=1)))
        out[b.id] = zone_of[nearest]
    return out


def _centre(clients: Sequence[Client], zone_of: Sequence[str], zone: str) -> tuple[float, float]:
    members = [c for c, z in zip(clients, zone_of, strict=True) if z == zone]
    weight = sum(c.hours_per_week for c in members) or float(len(members))
    if not any(c.hours_per_week for c in members):
        return (sum(c.east for c in members) / weight, sum(c.north for c in members) / weight)
    return (
        sum(c.east * c.hours_per_week for c in members) / weight,
        sum(c.north * c.hours_per_week for c in members) / weight,
    )


def todays_pattern(clients: Sequence[Client]) -> Scenario:
    """Every branch serves its own clients wherever they are, from its own office; a person
    waiting on the interim care list is served by the nearest branch, the one a broker asks
    first, so every scenario plans the same calls (branches' spare capacity is not known:
    each is offered the carers its calls need)."""
    zone_of = tuple(c.branch for c in clients)
    return Scenario("today", zone_of, {b: ((b, 1.0),) for b in set(zone_of)})


def in_design(
    clients: Sequence[Client], zone_of_block: dict[str, str]
) -> tuple[list[Client], list[Client]]:
    """The clients whose block is in the design, and those whose block is not."""
    kept = [c for c in clients if c.block in zone_of_block]
    return kept, [c for c in clients if c.block not in zone_of_block]


COMPARISONS = ("today", "localities", "districts")


def scenario_named(
    name: str,
    clients: Sequence[Client],
    branches: dict[str, Branch],
    zone_of_block: dict[str, str] | None = None,
    district_names: dict[str, str] | None = None,
) -> Scenario:
    """A scenario by name: `design` (needs the design's blocks), `today`, `localities`
    (the council's localities; districts where a district has none) or `districts`."""
    if name == "today":
        return todays_pattern(clients)
    if name == "design":
        if zone_of_block is None:
            raise ValueError("a design scenario needs the design's blocks")
        return zoned(name, clients, [zone_of_block[c.block] for c in clients], branches)
    names = district_names or {}
    if name == "districts":
        zone_of = [names.get(c.district_code, c.district_code) for c in clients]
        return zoned(name, clients, zone_of, branches)
    if name == "localities":
        zone_of = [c.locality or names.get(c.district_code, c.district_code) for c in clients]
        return zoned(name, clients, zone_of, branches)
    raise ValueError(f"expected design or one of {', '.join(COMPARISONS)}, got `{name}`")
