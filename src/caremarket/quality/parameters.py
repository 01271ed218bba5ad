"""The warning's parameters, read from the dated, referenced `data/warning.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class WarningParameters:
    """Every number the early warning uses, each declared in `data/warning.yaml`."""

    reinspection_months: dict[str, int]
    history_gap_months: int
    training_cutoff_step_months: int
    training_window_months: int
    regularisation_c: float
    at_most_risk_share: float
    borderline_good_probability: float
    recent_ownership_change_months: int


@cache
def warning_parameters() -> WarningParameters:
    """The parameters as declared (read once)."""
    text = resources.files("caremarket.quality").joinpath("data/warning.yaml").read_text()
    document: dict[str, Any] = yaml.safe_load(text)
    value = {name: entry["value"] for name, entry in document.items()}
    return WarningParameters(
        reinspection_months={k: int(v) for k, v in value["reinspection_months"].items()},
        history_gap_months=int(value["history_gap_months"]),
        training_cutoff_step_months=int(value["training_cutoff_step_months"]),
        training_window_months=int(value["training_window_months"]),
        regularisation_c=float(value["regularisation_c"]),
        at_most_risk_share=float(value["at_most_risk_share"]),
        borderline_good_probability=float(value["borderline_good_probability"]),
        recent_ownership_change_months=int(value["recent_ownership_change_months"]),
    )


def references() -> dict[str, dict[str, str]]:
    """Each parameter's reference (title and link), for documentation and reports."""
    text = resources.files("caremarket.quality").joinpath("data/warning.yaml").read_text()
    document: dict[str, Any] = yaml.safe_load(text)
    return {name: dict(entry["reference"]) for name, entry in document.items()}
