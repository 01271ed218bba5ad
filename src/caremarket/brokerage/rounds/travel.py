"""Travel minutes between places: a declared straight-line road model, or a router's matrix."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
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


AREAS = ("urban", "town_and_fringe", "rural")
"""The kinds of area a road model gives a speed for (see `brokerage/data/travel_time.yaml`)."""


@dataclass(frozen=True)
class RoadModel:
    """Road minutes from straight-line km: a fixed time at each drive's end (parking, the
    walk to the door) plus km x minutes per km of the area driven through."""

    name: str
    stop_minutes: float
    minutes_per_km_by_area: tuple[tuple[str, float], ...]
    unknown_area: str
    as_of: date | None = None
    reference: str = ""

    def minutes_per_km(self, area: str | None = None) -> float:
        """Minutes a straight-line km takes in the area (the declared default when unknown)."""
        table = dict(self.minutes_per_km_by_area)
        return table.get(area or self.unknown_area, table[self.unknown_area])

    def minutes(
        self, km: npt.NDArray[np.float64], areas: Sequence[str | None] | None = None
    ) -> npt.NDArray[np.float64]:
        """Minutes for a matrix of straight-line km between places in the given areas; a drive
        between two areas takes the mean of their minutes per km; 0 within one place."""
        n = km.shape[0]
        per_km = np.array(
            [self.minutes_per_km(a) for a in (areas if areas is not None else [None] * n)]
        )
        out = self.stop_minutes + km * (per_km[:, None] + per_km[None, :]) / 2
        out[km < 1e-9] = 0.0
        return np.asarray(out, dtype=float)

    def straight_line(self, area: str | None = None) -> StraightLine:
        """The model for places all in one area (the declared default when unknown)."""
        return StraightLine(
            intercept_minutes=self.stop_minutes,
            minutes_per_km=self.minutes_per_km(area),
            as_of=self.as_of,
            reference=self.reference,
        )


def _travel_data() -> dict[str, Any]:
    text = resources.files("caremarket.brokerage.data").joinpath("travel_time.yaml")
    data: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return dict(data["road_minutes"])


def road_model_names() -> tuple[str, ...]:
    """The road models declared in travel_time.yaml, the default first."""
    data = _travel_data()
    return (data["default"], *(n for n in data["models"] if n != data["default"]))


@cache
def road_model(name: str | None = None) -> RoadModel:
    """A declared road model by name (default: the one travel_time.yaml names)."""
    data = _travel_data()
    chosen = name or str(data["default"])
    if chosen not in data["models"]:
        raise ValueError(f"expected one of {', '.join(road_model_names())}, got `{chosen}`")
    entry = data["models"][chosen]
    reference = "; ".join(" ".join(str(r["title"]).split()) for r in entry["reference"])
    if "speed_kmh" in entry:
        circuity = float(entry["circuity"])
        per_km = tuple((area, 60.0 * circuity / float(entry["speed_kmh"][area])) for area in AREAS)
        return RoadModel(
            chosen,
            float(entry["stop_minutes"]),
            per_km,
            str(entry["unknown_area"]),
            entry["date"],
            reference,
        )
    slope = float(entry["minutes_per_km"])
    return RoadModel(
        chosen,
        float(entry["intercept_minutes"]),
        tuple((area, slope) for area in AREAS),
        AREAS[1],
        entry["date"],
        reference,
    )


@dataclass(frozen=True)
class StraightLine:
    """Minutes = intercept + slope x straight-line km between different places (0 within one)."""

    intercept_minutes: float
    minutes_per_km: float
    as_of: date | None = None
    reference: str = ""

    @classmethod
    def calibrated(cls) -> StraightLine:
        """The default road model of brokerage/data/travel_time.yaml, where the area is unknown."""
        return road_model().straight_line()

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
