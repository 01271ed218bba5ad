"""The seam where "where a package fits" plugs in: one question in, one ranking out.

The fit ranking (`caremarket.brokerage.fit`, built separately) ranks providers by
the extra travel and time of inserting a request's visits into their current
rounds, and flags a request no provider can take under a declared threshold as
hard to serve. The brokerage workflow asks it through `FitRanker` only; until one
is plugged in, `no_fit_ranking` answers that the ranking is not available.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from caremarket.brokerage.workflow.need import Visit


@dataclass(frozen=True, slots=True)
class FitQuestion:
    """What the ranking is asked about: one request (district level) and the candidates."""

    request_id: int
    postcode_district: str
    hours_per_week: float
    visits: tuple[Visit, ...]
    skills: tuple[str, ...]
    start_by: date | None
    provider_ids: tuple[str, ...]
    """The providers to rank (those on the framework; their offers' providers first)."""


@dataclass(frozen=True, slots=True)
class ProviderFit:
    """One provider's cost of taking the request into its rounds (None: unknown, with why)."""

    provider_id: str
    extra_travel_minutes_per_week: float | None
    extra_minutes_per_week: float | None
    note: str = ""
    name: str = ""
    """The provider's branch the figures are for (its best)."""
    within_threshold: bool | None = None
    """Whether it takes the whole week within the hard-to-serve travel threshold."""
    extra_travel_minutes_per_contact_hour: float | None = None


@dataclass(frozen=True, slots=True)
class FitAnswer:
    """Providers best fit first, and whether the request is hard to serve (None: unknown)."""

    ranking: tuple[ProviderFit, ...]
    hard_to_serve: bool | None
    reason: str = ""


class FitRanker(Protocol):
    """Ranks providers for a request by where its visits fit their rounds."""

    def __call__(self, question: FitQuestion) -> FitAnswer:
        """The ranking for one request (may take a moment the first time)."""
        ...

    def peek(self, question: FitQuestion) -> FitAnswer | None:
        """The ranking if already worked out, else None at once (it may be worked out later)."""
        ...

    def wait(self, seconds: float | None = None) -> bool:
        """Wait until the ranker can answer; whether it can."""
        ...


NOT_COMPUTED = "where the package fits is not computed in this installation"


class NoFitRanking:
    """The ranker while none is plugged in: nothing ranked, hard to serve unknown."""

    def __call__(self, question: FitQuestion) -> FitAnswer:
        """Nothing ranked, and why."""
        return FitAnswer((), None, NOT_COMPUTED)

    def peek(self, question: FitQuestion) -> FitAnswer | None:
        """Nothing ranked, and why."""
        return self(question)

    def wait(self, seconds: float | None = None) -> bool:
        """Always ready to say it has nothing."""
        return True


no_fit_ranking = NoFitRanking()
