"""The declared zone-design parameters in `brokerage/data/zones.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class ZoneParameters:
    """How workload is counted and how hard designs are pushed to balance."""

    mean_visit_hours: float
    balance_tolerance: float
    imbalance_weight: float
    max_neighbour_km: float
    outline_margin_km: float
    principal_share: float
    road_intercept_minutes: float
    road_minutes_per_km: float


@cache
def zone_parameters() -> ZoneParameters:
    """The parameters, with the rounds planner's road-time model."""
    data = resources.files("caremarket.brokerage.data")
    zones: dict[str, Any] = yaml.safe_load(data.joinpath("zones.yaml").read_text())
    travel: dict[str, Any] = yaml.safe_load(data.joinpath("travel_time.yaml").read_text())
    road = travel["straight_line_road_minutes"]["values"][-1]
    return ZoneParameters(
        mean_visit_hours=float(zones["mean_visit_hours"]),
        balance_tolerance=float(zones["balance_tolerance"]),
        imbalance_weight=float(zones["imbalance_weight"]),
        max_neighbour_km=float(zones["max_neighbour_km"]),
        outline_margin_km=float(zones["outline_margin_km"]),
        principal_share=float(zones["principal_share"]),
        road_intercept_minutes=float(road["intercept_minutes"]),
        road_minutes_per_km=float(road["minutes_per_km"]),
    )
