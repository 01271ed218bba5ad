"""When the planner stops: after a number of iterations (reproducible) or seconds (not)."""

from __future__ import annotations

import time
from typing import Protocol


class StoppingCriterion(Protocol):
    """Says whether to stop, and how far through its budget the search is (0 to 1)."""

    def __call__(self, iteration: int) -> bool:
        """Whether to stop before this iteration."""
        ...

    def fraction(self, iteration: int) -> float:
        """How much of the budget is spent."""
        ...


class MaxIterations:
    """Stop after a fixed number of iterations: the same seed then gives the same plan."""

    def __init__(self, iterations: int) -> None:
        if iterations < 0:
            raise ValueError("iterations must not be negative")
        self.iterations = iterations

    def __call__(self, iteration: int) -> bool:
        """Whether the iterations are used up."""
        return iteration >= self.iterations

    def fraction(self, iteration: int) -> float:
        """Iterations done over iterations allowed."""
        return min(1.0, iteration / self.iterations) if self.iterations else 1.0


class MaxRuntime:
    """Stop after a number of seconds of wall-clock time (results depend on machine speed)."""

    def __init__(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self.seconds = seconds
        self.started = time.perf_counter()

    def __call__(self, iteration: int) -> bool:
        """Whether the time is up."""
        return time.perf_counter() - self.started >= self.seconds

    def fraction(self, iteration: int) -> float:
        """Seconds spent over seconds allowed."""
        if not self.seconds:
            return 1.0
        return min(1.0, (time.perf_counter() - self.started) / self.seconds)


class Epoch:
    """The part of a budget from where a worker stands up to a fraction `until` of it."""

    def __init__(self, whole: StoppingCriterion, until: float, offset: int) -> None:
        self.whole = whole
        self.until = until
        self.offset = offset
        self.used = 0

    def __call__(self, iteration: int) -> bool:
        """Whether the epoch (or the whole budget) is spent."""
        self.used = iteration
        at = self.offset + iteration
        return self.whole(at) or self.whole.fraction(at) >= self.until - 1e-12

    def fraction(self, iteration: int) -> float:
        """How much of the whole budget is spent."""
        return self.whole.fraction(self.offset + iteration)
