"""Travel minutes between postcode districts and branch offices, as the broker knows them.

Homes are known to the postcode district only, so travel between two calls is the
expected road time between two homes drawn from the districts' postcodes: the
planner's default road model where the area is not known (minutes at each call
plus road km at a local speed, see `brokerage/data/travel_time.yaml`) over the
mean distance between sampled
postcodes. Two calls in one district are still apart (the mean distance between
its postcodes), never 0 minutes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from caremarket.brokerage.rounds.travel import StraightLine

Point = tuple[float, float]
"""An exact position, OS grid metres (east, north): a branch office."""

Spot = str | Point
"""Where a call or a round starts: a postcode district (outward code) or an exact point."""


@dataclass
class DistrictTravel:
    """Expected road minutes between spots, from sampled postcode positions per district."""

    samples: Mapping[str, npt.NDArray[np.float64]]
    road: StraightLine
    _pairs: dict[tuple[Spot, Spot], float] = field(default_factory=dict, repr=False)

    @classmethod
    def calibrated(cls, samples: Mapping[str, Sequence[Point]]) -> DistrictTravel:
        """Travel from postcode positions per district, with the shipped road-time model."""
        arrays = {
            district.upper(): np.asarray(points, dtype=float).reshape(-1, 2)
            for district, points in samples.items()
            if len(points)
        }
        return cls(arrays, StraightLine.calibrated())

    def knows(self, district: str) -> bool:
        """Whether the district has postcodes to place its calls."""
        return district.upper() in self.samples

    def _points(self, spot: Spot) -> npt.NDArray[np.float64]:
        if isinstance(spot, str):
            return self.samples[spot.upper()]
        return np.asarray([spot], dtype=float)

    def minutes(self, a: Spot, b: Spot) -> float:
        """Expected road minutes from a home (or office) at spot a to one at spot b."""
        key = (a, b) if str(a) <= str(b) else (b, a)
        found = self._pairs.get(key)
        if found is not None:
            return found
        pa, pb = self._points(a), self._points(b)
        metres = np.sqrt(((pa[:, None, :] - pb[None, :, :]) ** 2).sum(axis=2))
        if a == b and isinstance(a, str):
            n = len(pa)
            # Two different homes of the district: leave out each home paired with itself.
            km = float(metres.sum() / (n * (n - 1))) / 1000 if n > 1 else 0.0
        elif a == b:
            self._pairs[key] = 0.0
            return 0.0
        else:
            km = float(metres.mean()) / 1000
        value = self.road.intercept_minutes + self.road.minutes_per_km * km
        self._pairs[key] = value
        return value

    def matrix(self, spots: Sequence[Spot]) -> npt.NDArray[np.float64]:
        """Minutes between every pair of spots (a district to itself: two of its homes)."""
        n = len(spots)
        out = np.zeros((n, n))
        for i in range(n):
            for j in range(i, n):
                out[i, j] = out[j, i] = self.minutes(spots[i], spots[j])
        return out
