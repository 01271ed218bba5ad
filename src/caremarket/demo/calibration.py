"""The demo's calibration targets, read from the dated, referenced ``calibration.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class Target:
    """One calibration figure with its unit, the date it describes and its reference."""

    name: str
    value: Any
    unit: str
    as_of: date
    reference_title: str
    reference_href: str


@dataclass(frozen=True, slots=True)
class Calibration:
    """All calibration targets of the demo market, by name."""

    la_code: str
    la_name: str
    region: str
    targets: dict[str, Target]

    def number(self, name: str) -> float:
        """The numeric value of target ``name``."""
        value = self.targets[name].value
        if not isinstance(value, int | float):
            raise TypeError(f"calibration target `{name}` is not a number: {value!r}")
        return float(value)

    def shares(self, name: str) -> dict[str, float]:
        """The value of target ``name`` as a mapping of labels to shares."""
        value = self.targets[name].value
        if not isinstance(value, dict):
            raise TypeError(f"calibration target `{name}` is not a mapping: {value!r}")
        return {str(k): float(v) for k, v in value.items()}


def load_calibration() -> Calibration:
    """Read ``calibration.yaml`` shipped in the package."""
    text = (files("caremarket.demo") / "calibration.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    targets = {
        name: Target(
            name=name,
            value=item["value"],
            unit=str(item["unit"]),
            as_of=item["date"],
            reference_title=str(item["reference"]["title"]),
            reference_href=str(item["reference"]["href"]),
        )
        for name, item in raw["targets"].items()
    }
    area = raw["area"]
    return Calibration(
        la_code=str(area["la_code"]),
        la_name=str(area["la_name"]),
        region=str(area["region"]),
        targets=targets,
    )
