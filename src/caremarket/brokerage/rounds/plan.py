"""A plan of rounds: each carer's calls in order with start times, and the visits left unplaced."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Call:
    """One carer's part (`need`, 0 or 1) of one visit, starting at `start` (minutes)."""

    visit: str
    need: int
    start: float


@dataclass(frozen=True, slots=True)
class Route:
    """A carer's round: calls in the order made, and when the break starts (if one is taken)."""

    carer: str
    calls: tuple[Call, ...]
    break_start: float | None = None


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A visit no carer makes, and why."""

    visit: str
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    """Rounds for every carer (empty rounds included) and the visits left out."""

    routes: tuple[Route, ...]
    unplaced: tuple[Unplaced, ...] = ()
