"""How rural a place is: the council's postcodes per square kilometre around it.

The ONS rural-urban classification (`ru11ind`) is not in the postcode directory
the project ships, so postcode density stands in for it, classed by the
declared thresholds in `brokerage/data/zones.yaml` (`rurality`): urban, town and
fringe, or rural. The class sets the road speed of a drive (`travel_time.yaml`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

LABELS = {"urban": "urban", "town_and_fringe": "town and fringe", "rural": "rural"}
"""Each area class as the council reads it."""


@dataclass(frozen=True)
class RuralityRule:
    """Postcodes per km² within `radius_km` of a place, and the classes' lower bounds."""

    measure: str
    radius_km: float
    urban_min_postcodes_per_km2: float
    town_min_postcodes_per_km2: float


@cache
def rurality_rule() -> RuralityRule:
    """The declared rule (brokerage/data/zones.yaml, `rurality`)."""
    text = resources.files("caremarket.brokerage.data").joinpath("zones.yaml").read_text()
    r: dict[str, Any] = yaml.safe_load(text)["rurality"]
    return RuralityRule(
        measure=str(r["measure"]),
        radius_km=float(r["radius_km"]),
        urban_min_postcodes_per_km2=float(r["urban_min_postcodes_per_km2"]),
        town_min_postcodes_per_km2=float(r["town_min_postcodes_per_km2"]),
    )


def area_class(postcodes_per_km2: float | None, rule: RuralityRule | None = None) -> str | None:
    """`urban`, `town_and_fringe` or `rural` by postcode density; None when not known."""
    r = rule or rurality_rule()
    if postcodes_per_km2 is None or math.isnan(postcodes_per_km2):
        return None
    if postcodes_per_km2 >= r.urban_min_postcodes_per_km2:
        return "urban"
    if postcodes_per_km2 >= r.town_min_postcodes_per_km2:
        return "town_and_fringe"
    return "rural"


def local_density(
    postcodes: npt.ArrayLike, points: npt.ArrayLike, radius_km: float | None = None
) -> npt.NDArray[np.float64]:
    """Postcodes (east, north in metres) per km² within the radius of each point."""
    from scipy.spatial import cKDTree

    radius = radius_km if radius_km is not None else rurality_rule().radius_km
    where = np.asarray(postcodes, dtype=float).reshape(-1, 2)
    at = np.asarray(points, dtype=float).reshape(-1, 2)
    if not len(where) or not len(at):
        return np.zeros(len(at))
    counts = cKDTree(where).query_ball_point(at, r=radius * 1000.0, return_length=True)
    return np.asarray(counts, dtype=float) / (math.pi * radius**2)
