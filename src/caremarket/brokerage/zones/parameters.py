"""The declared zone-design parameters in `brokerage/data/zones.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from caremarket.brokerage.rounds.travel import RoadModel, road_model


@dataclass(frozen=True)
class ZoneParameters:
    """How workload is counted and how hard designs are pushed to balance."""

    mean_visit_hours: float
    balance_tolerance: float
    imbalance_weight: float
    max_neighbour_km: float
    outline_margin_km: float
    principal_share: float
    road: RoadModel
    """The rounds planner's road model (travel_time.yaml)."""


@cache
def zone_parameters(road: str | None = None) -> ZoneParameters:
    """The parameters, with the rounds planner's road model (default, or one by name)."""
    data = resources.files("caremarket.brokerage.data")
    zones: dict[str, Any] = yaml.safe_load(data.joinpath("zones.yaml").read_text())
    return ZoneParameters(
        mean_visit_hours=float(zones["mean_visit_hours"]),
        balance_tolerance=float(zones["balance_tolerance"]),
        imbalance_weight=float(zones["imbalance_weight"]),
        max_neighbour_km=float(zones["max_neighbour_km"]),
        outline_margin_km=float(zones["outline_margin_km"]),
        principal_share=float(zones["principal_share"]),
        road=road_model(road),
    )


@dataclass(frozen=True)
class Slot:
    """A part of the day calls fall in (minutes after midnight)."""

    name: str
    opens: float
    closes: float


@dataclass(frozen=True)
class EvaluationParameters:
    """How simulated days of calls are drawn and how carers are offered to plan them."""

    slots: dict[str, Slot]
    pattern: dict[int, tuple[str, ...]]
    window_minutes: float
    min_call_minutes: float
    min_daily_call_minutes: float
    double_handed_share: float
    cancelled_share: float
    shift_start: float
    shift_end: float
    travel_allowance: float
    fleet_slack: float
    framework_providers: int
    max_lateness_minutes: float
    iterations: int
    principal_share: float
    road: RoadModel

    @property
    def max_calls(self) -> int:
        """The most calls a person has in a day."""
        return max(self.pattern)


def _clock(text: str) -> float:
    hours, minutes = str(text).split(":")
    return int(hours) * 60.0 + int(minutes)


@cache
def evaluation_parameters(road: str | None = None) -> EvaluationParameters:
    """The declared evaluation parameters (brokerage/data/zones.yaml, `evaluation`), with the
    default road model or one by name."""
    data = resources.files("caremarket.brokerage.data")
    e: dict[str, Any] = yaml.safe_load(data.joinpath("zones.yaml").read_text())["evaluation"]
    zones = zone_parameters(road)
    return EvaluationParameters(
        slots={
            name: Slot(name, _clock(v["opens"]), _clock(v["closes"]))
            for name, v in e["slots"].items()
        },
        pattern={int(k): tuple(v) for k, v in e["pattern"].items()},
        window_minutes=float(e["window_minutes"]),
        min_call_minutes=float(e["min_call_minutes"]),
        min_daily_call_minutes=float(e["min_daily_call_minutes"]),
        double_handed_share=float(e["double_handed_share"]),
        cancelled_share=float(e["cancelled_share"]),
        shift_start=_clock(e["shift_start"]),
        shift_end=_clock(e["shift_end"]),
        travel_allowance=float(e["travel_allowance"]),
        fleet_slack=float(e["fleet_slack"]),
        framework_providers=int(e["framework_providers"]),
        max_lateness_minutes=float(e["max_lateness_minutes"]),
        iterations=int(e["iterations"]),
        principal_share=zones.principal_share,
        road=zones.road,
    )
