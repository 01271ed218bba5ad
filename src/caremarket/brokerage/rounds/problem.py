"""A rounds problem: the visits to make, the carers who can make them, and travel between places.

Times are minutes after midnight of the day planned; travel is minutes between
places, indexed as in `Problem.places`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Need:
    """One carer's part of a visit: the skills that carer must have and how long the part takes."""

    skills: frozenset[str]
    duration: float


@dataclass(frozen=True, slots=True)
class Gap:
    """How the second carer of a double-handed visit follows the first (minutes, start to start).

    `Gap(0, 0)` is a simultaneous visit; `Gap(10, 30)` means the second carer starts
    10 to 30 minutes after the first.
    """

    min_minutes: float = 0.0
    max_minutes: float = 0.0


@dataclass(frozen=True, slots=True)
class Visit:
    """A call at a person's home: one need, or two (double-handed) with a gap between starts."""

    id: str
    person: str
    place: int
    earliest: float
    latest: float
    needs: tuple[Need, ...]
    gap: Gap | None = None
    preferred_carers: frozenset[str] = frozenset()

    @property
    def is_double_handed(self) -> bool:
        """Whether two carers make the visit."""
        return len(self.needs) == 2


@dataclass(frozen=True, slots=True)
class Break:
    """A rest a carer takes once a shift, starting between `earliest` and `latest`."""

    earliest: float
    latest: float
    minutes: float


@dataclass(frozen=True, slots=True)
class Carer:
    """A carer on shift: where the round starts and ends, when, and what they may do."""

    id: str
    start_place: int
    end_place: int
    shift_start: float
    shift_end: float
    skills: frozenset[str]
    max_minutes: float = math.inf
    rest: Break | None = None


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each part of the cost counts; the default is the Mankowska et al. (2014) mix.

    `not_preferred` is continuity of carer: the cost of one call made by a carer
    the person does not know (a visit's `preferred_carers`), in the same units as
    a minute of travel times `travel`.
    """

    travel: float = 1 / 3
    lateness: float = 1 / 3
    max_lateness: float = 1 / 3
    not_preferred: float = 0.0
    unplaced: float = 10_000.0


@dataclass(frozen=True, slots=True)
class Place:
    """A place visits and rounds start from: a label and a position for maps (x east, y north)."""

    label: str
    x: float
    y: float


@dataclass(frozen=True)
class Problem:
    """The visits, carers, places and travel minutes between places, and the cost weights.

    `max_lateness_minutes` bounds how late a visit may start after its window
    closes (infinite: lateness is only a cost; 0: windows are hard).
    """

    visits: tuple[Visit, ...]
    carers: tuple[Carer, ...]
    places: tuple[Place, ...]
    travel: npt.NDArray[np.float64]
    weights: Weights = field(default_factory=Weights)
    max_lateness_minutes: float = math.inf
    demands: tuple[float, ...] = ()
    capacities: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        """Refuse a problem whose parts do not fit together."""
        n = len(self.places)
        if self.travel.shape != (n, n):
            raise ValueError(f"travel must be {n} x {n} minutes, got {self.travel.shape}")
        if np.any(self.travel < 0) or not np.all(np.isfinite(self.travel)):
            raise ValueError("travel minutes must be finite and not negative")
        ids = [v.id for v in self.visits]
        if len(set(ids)) != len(ids):
            raise ValueError("visit ids must be unique")
        if len({c.id for c in self.carers}) != len(self.carers):
            raise ValueError("carer ids must be unique")
        for visit in self.visits:
            _check_visit(visit, n)
        for carer in self.carers:
            if not (0 <= carer.start_place < n and 0 <= carer.end_place < n):
                raise ValueError(f"carer {carer.id}: place outside 0..{n - 1}")
            if carer.shift_end < carer.shift_start:
                raise ValueError(f"carer {carer.id}: shift ends before it starts")
        if self.demands and len(self.demands) != len(self.visits):
            raise ValueError("demands, when given, hold one number per visit")
        if self.capacities and len(self.capacities) != len(self.carers):
            raise ValueError("capacities, when given, hold one number per carer")

    def visit_index(self) -> dict[str, int]:
        """Each visit's position in `visits`, by id."""
        return {v.id: i for i, v in enumerate(self.visits)}

    def carer_index(self) -> dict[str, int]:
        """Each carer's position in `carers`, by id."""
        return {c.id: k for k, c in enumerate(self.carers)}

    def qualified(self, need: Need) -> list[int]:
        """Carers (by position) who have every skill the need asks for."""
        return [k for k, c in enumerate(self.carers) if need.skills <= c.skills]

    def with_carers(self, keep: Sequence[int]) -> Problem:
        """The same problem with only the carers at the given positions."""
        caps = tuple(self.capacities[k] for k in keep) if self.capacities else ()
        return Problem(
            visits=self.visits,
            carers=tuple(self.carers[k] for k in keep),
            places=self.places,
            travel=self.travel,
            weights=self.weights,
            max_lateness_minutes=self.max_lateness_minutes,
            demands=self.demands,
            capacities=caps,
        )


def _check_visit(visit: Visit, num_places: int) -> None:
    if not 0 <= visit.place < num_places:
        raise ValueError(f"visit {visit.id}: place {visit.place} outside 0..{num_places - 1}")
    if visit.latest < visit.earliest:
        raise ValueError(f"visit {visit.id}: window closes ({visit.latest}) before it opens")
    if len(visit.needs) not in (1, 2):
        raise ValueError(f"visit {visit.id}: one or two needs, got {len(visit.needs)}")
    if any(need.duration < 0 for need in visit.needs):
        raise ValueError(f"visit {visit.id}: negative duration")
    if visit.is_double_handed:
        gap = visit.gap or Gap()
        if gap.max_minutes < gap.min_minutes or gap.min_minutes < 0:
            raise ValueError(f"visit {visit.id}: gap must satisfy 0 <= min <= max")
