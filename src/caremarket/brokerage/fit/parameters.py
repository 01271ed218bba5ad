"""The declared parameters of package fitting, read from `brokerage/data/fit.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml


def minutes_of(text: str) -> float:
    """Minutes after midnight of an HH:MM time."""
    hours, _, minutes = str(text).partition(":")
    return 60 * int(hours) + int(minutes)


@dataclass(frozen=True)
class FitParameters:
    """How branches' rounds are built and where the hard-to-serve line lies."""

    average_travel_minutes_per_contact_hour: float
    hard_to_serve_multiple: float
    call_bands: dict[str, tuple[float, float]]
    one_call_up_to_minutes_a_day: float
    two_calls_up_to_minutes_a_day: float
    shortest_call_minutes: float
    shifts: dict[str, tuple[float, float]]
    carer_minutes_per_contact_minute: float
    spare_carers_per_shift: int
    max_lateness_minutes: float
    reach_minutes: float
    district_sample_postcodes: int
    rounds_iterations: int
    base_skills: frozenset[str]
    skills_by_client_group: dict[str, frozenset[str]]
    source_date: date | None = None

    @property
    def hard_to_serve_minutes_per_contact_hour(self) -> float:
        """Extra travel minutes per contact hour above which a fit does not count."""
        return self.average_travel_minutes_per_contact_hour * self.hard_to_serve_multiple

    @property
    def branch_skills(self) -> frozenset[str]:
        """Every skill a branch can be known to hold (the others are not recorded anywhere)."""
        return self.base_skills.union(*self.skills_by_client_group.values())


@cache
def fit_parameters() -> FitParameters:
    """The parameters shipped in brokerage/data/fit.yaml."""
    text = resources.files("caremarket.brokerage.data").joinpath("fit.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return FitParameters(
        average_travel_minutes_per_contact_hour=float(
            data["average_travel_minutes_per_contact_hour"]
        ),
        hard_to_serve_multiple=float(data["hard_to_serve_multiple"]),
        call_bands={
            str(k): (minutes_of(v[0]), minutes_of(v[1])) for k, v in data["call_bands"].items()
        },
        one_call_up_to_minutes_a_day=float(data["one_call_up_to_minutes_a_day"]),
        two_calls_up_to_minutes_a_day=float(data["two_calls_up_to_minutes_a_day"]),
        shortest_call_minutes=float(data["shortest_call_minutes"]),
        shifts={str(k): (minutes_of(v[0]), minutes_of(v[1])) for k, v in data["shifts"].items()},
        carer_minutes_per_contact_minute=float(data["carer_minutes_per_contact_minute"]),
        spare_carers_per_shift=int(data["spare_carers_per_shift"]),
        max_lateness_minutes=float(data["max_lateness_minutes"]),
        reach_minutes=float(data["reach_minutes"]),
        district_sample_postcodes=int(data["district_sample_postcodes"]),
        rounds_iterations=int(data["rounds_iterations"]),
        base_skills=frozenset(str(s) for s in data["base_skills"]),
        skills_by_client_group={
            str(k): frozenset(str(s) for s in v) for k, v in data["skills_by_client_group"].items()
        },
        source_date=data.get("source_date"),
    )
