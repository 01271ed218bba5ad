"""Travel minutes between places: a calibrated straight-line default, or a router's matrix."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import yaml

from caremarket.brokerage.rounds.problem import Place
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode

EARTH_RADIUS_KM = 6371.0088


class TravelTime(Protocol):
    """Gives the matrix of travel minutes between places (x = longitude, y = latitude)."""

    def minutes(self, places: Sequence[Place]) -> npt.NDArray[np.float64]:
        """Minutes from each place (row) to each place (column)."""
        ...


def great_circle_km(places: Sequence[Place]) -> npt.NDArray[np.float64]:
    """Great-circle kilometres between places given by longitude (x) and latitude (y)."""
    lon = np.radians([p.x for p in places])
    lat = np.radians([p.y for p in places])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1))), dtype=float)


@dataclass(frozen=True)
class StraightLine:
    """Minutes = intercept + slope x straight-line km between different places (0 within one)."""

    intercept_minutes: float
    minutes_per_km: float
    as_of: date | None = None
    reference: str = ""

    @classmethod
    def calibrated(cls) -> StraightLine:
        """The dated calibration shipped in brokerage/data/travel_time.yaml (latest value)."""
        text = resources.files("caremarket.brokerage.data").joinpath("travel_time.yaml")
        data: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
        entry = data["straight_line_road_minutes"]
        value = max(entry["values"], key=lambda v: v["date"])
        return cls(
            intercept_minutes=float(value["intercept_minutes"]),
            minutes_per_km=float(value["minutes_per_km"]),
            as_of=value["date"],
            reference=str(entry["reference"]["title"]).strip(),
        )

    def minutes(self, places: Sequence[Place]) -> npt.NDArray[np.float64]:
        """Calibrated road minutes between every pair of places."""
        km = great_circle_km(places)
        out = self.intercept_minutes + self.minutes_per_km * km
        out[km < 1e-9] = 0.0
        return np.asarray(out, dtype=float)


@dataclass(frozen=True)
class Matrix:
    """Minutes looked up by place label, e.g. from a real router; `fallback` fills gaps."""

    table: dict[tuple[str, str], float]
    fallback: TravelTime | None = None

    @classmethod
    def from_csv(cls, path: Path, fallback: TravelTime | None = None) -> Matrix:
        """Read a long CSV with columns `from`, `to`, `minutes` (labels as in the templates)."""
        problems: list[DataProblem] = []
        table: dict[tuple[str, str], float] = {}
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"from", "to", "minutes"} - set(reader.fieldnames or [])
            if missing:
                raise DataProblemError(
                    [
                        DataProblem(ProblemCode.MISSING_COLUMN, path.name, "a column", column=c)
                        for c in sorted(missing)
                    ]
                )
            for row_number, row in enumerate(reader, start=2):
                try:
                    value = float(row["minutes"])
                except ValueError:
                    value = math.nan
                if not math.isfinite(value) or value < 0:
                    problems.append(
                        DataProblem(
                            ProblemCode.NOT_A_NUMBER,
                            path.name,
                            "minutes, a number 0 or more",
                            row=row_number,
                            column="minutes",
                            value=row["minutes"],
                        )
                    )
                    continue
                table[(row["from"].strip(), row["to"].strip())] = value
        if problems:
            raise DataProblemError(problems)
        return cls(table, fallback)

    def minutes(self, places: Sequence[Place]) -> npt.NDArray[np.float64]:
        """Minutes between places by label; a missing pair comes from the fallback or fails."""
        n = len(places)
        out = np.zeros((n, n))
        backup = self.fallback.minutes(places) if self.fallback else None
        for i, a in enumerate(places):
            for j, b in enumerate(places):
                if a.label == b.label:
                    continue
                value = self.table.get((a.label, b.label))
                if value is None:
                    if backup is None:
                        raise KeyError(f"no travel time from {a.label} to {b.label}")
                    value = float(backup[i, j])
                out[i, j] = value
        return out
