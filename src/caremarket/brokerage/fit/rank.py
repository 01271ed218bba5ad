"""Rank branches by what it costs to add a package's calls to the rounds they run now.

For each branch and each day of the week, the package's calls of that day go into
the branch's typical day (`extend`: its own calls stay with their carers and in
their order); the independent checker's travel and lateness before and after give
the extra minutes. Days with the same calls are worked out once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from caremarket.brokerage.fit.geography import DistrictTravel
from caremarket.brokerage.fit.parameters import FitParameters, fit_parameters
from caremarket.brokerage.fit.provider_rounds import ProviderRounds
from caremarket.brokerage.fit.request import FitRequest, RequestCall
from caremarket.brokerage.rounds.check import check
from caremarket.brokerage.rounds.extend import extend
from caremarket.brokerage.rounds.problem import Need, Place, Problem, Visit

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Uncovered:
    """A call of the package a branch cannot fit, on which days, and why."""

    call: str
    days: tuple[int, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Fit:
    """What adding a package to one branch's rounds costs.

    Minutes are None when the branch was not tried (its rounds do not reach the
    district). `feasible`: every call of the week fits; `within_threshold`: it fits
    at no more than the declared hard-to-serve travel per contact hour.
    """

    provider_id: str
    location_id: str
    name: str
    feasible: bool
    within_threshold: bool
    extra_travel_minutes_per_week: float | None
    extra_lateness_minutes_per_week: float | None
    extra_travel_minutes_per_contact_hour: float | None
    uncovered: tuple[Uncovered, ...] = ()
    contact_hours_placed_per_week: float = 0.0

    @property
    def extra_minutes_per_week(self) -> float | None:
        """Extra travel and lateness a week: what the ranking orders by."""
        if self.extra_travel_minutes_per_week is None:
            return None
        return self.extra_travel_minutes_per_week + (self.extra_lateness_minutes_per_week or 0.0)

    @property
    def extra_minutes_per_contact_hour(self) -> float | None:
        """Extra travel and lateness per contact hour of the calls that fit."""
        extra = self.extra_minutes_per_week
        if extra is None or not self.contact_hours_placed_per_week:
            return None
        return extra / self.contact_hours_placed_per_week


def _with_request(
    rounds: ProviderRounds,
    request: FitRequest,
    calls: Sequence[RequestCall],
    travel: DistrictTravel,
) -> tuple[Problem, list[str]]:
    """The branch's day with the package's calls of one day added (and its district, if new)."""
    base = rounds.problem
    district = request.postcode_district.upper()
    spots = list(rounds.spots)
    matrix = base.travel
    places = base.places
    if district in spots:
        place = spots.index(district)
    else:
        row = np.array([travel.minutes(s, district) for s in spots])
        own = travel.minutes(district, district)
        matrix = np.block([[matrix, row[:, None]], [row[None, :], np.array([[own]])]])
        place = len(spots)
        places = (*places, Place(district, 0.0, 0.0))
    names = []
    visits = list(base.visits)
    for call in calls:
        name = f"{request.id}-{call.name}"
        need = Need(call.skills, call.duration_minutes)
        visits.append(
            Visit(
                name,
                request.id,
                place,
                call.earliest,
                call.latest,
                (need,) * call.carers,
                None,
            )
        )
        names.append(name)
    problem = Problem(
        visits=tuple(visits),
        carers=base.carers,
        places=places,
        travel=matrix,
        weights=base.weights,
        max_lateness_minutes=base.max_lateness_minutes,
    )
    return problem, names


def _reach(rounds: ProviderRounds, district: str, travel: DistrictTravel) -> float:
    used = {v.place for v in rounds.problem.visits} | {c.start_place for c in rounds.problem.carers}
    return min(travel.minutes(rounds.spots[i], district) for i in used)


def fit_one(
    request: FitRequest,
    rounds: ProviderRounds,
    travel: DistrictTravel,
    parameters: FitParameters,
) -> Fit:
    """What adding the package to one branch's rounds costs, week by week."""
    branch = rounds.branch
    nothing = Fit(
        branch.provider_id, branch.location_id, branch.name, False, False, None, None, None
    )
    everything = tuple(sorted({d for c in request.calls for d in c.days}))
    district = request.postcode_district.upper()
    if not travel.knows(district):
        why = f"postcode district {district} has no postcodes in the directory"
        return replace(
            nothing, uncovered=tuple(Uncovered(c.name, everything, why) for c in request.calls)
        )
    nearest = _reach(rounds, district, travel)
    if nearest > parameters.reach_minutes:
        why = (
            f"the branch's rounds do not reach {district}: nearest call or office "
            f"{nearest:.0f} minutes away (over {parameters.reach_minutes:.0f})"
        )
        return replace(
            nothing,
            uncovered=tuple(Uncovered(c.name, tuple(sorted(c.days)), why) for c in request.calls),
        )
    by_calls: dict[tuple[str, ...], list[int]] = {}
    for day in range(7):
        names = tuple(c.name for c in request.calls if day in c.days)
        if names:
            by_calls.setdefault(names, []).append(day)
    calls_by_name = {c.name: c for c in request.calls}
    travel_week = 0.0
    late_week = 0.0
    placed_minutes = 0.0
    missed: dict[tuple[str, str], list[int]] = {}
    for names, days in by_calls.items():
        calls = [calls_by_name[n] for n in names]
        problem, ids = _with_request(rounds, request, calls, travel)
        result = extend(problem, rounds.plan, ids)
        after = check(problem, result.plan)
        travel_week += (after.travel_minutes - rounds.report.travel_minutes) * len(days)
        late_week += (after.lateness_minutes - rounds.report.lateness_minutes) * len(days)
        left = {u.visit: u.reason for u in result.left_out}
        for call, name in zip(calls, ids, strict=True):
            if name in left:
                missed.setdefault((call.name, left[name]), []).extend(days)
            else:
                placed_minutes += call.duration_minutes * call.carers * len(days)
    uncovered = tuple(
        Uncovered(call, tuple(sorted(days)), reason) for (call, reason), days in missed.items()
    )
    per_hour = travel_week / (placed_minutes / 60) if placed_minutes else None
    feasible = not uncovered
    within = (
        feasible
        and per_hour is not None
        and per_hour <= parameters.hard_to_serve_minutes_per_contact_hour
    )
    return Fit(
        branch.provider_id,
        branch.location_id,
        branch.name,
        feasible,
        within,
        round(travel_week, 2),
        round(late_week, 2),
        None if per_hour is None else round(per_hour, 2),
        uncovered,
        round(placed_minutes / 60, 2),
    )


def _order(fit: Fit) -> tuple[bool, bool, int, float]:
    extra = fit.extra_minutes_per_week
    return (
        not fit.within_threshold,
        not fit.feasible,
        len(fit.uncovered),
        extra if extra is not None else float("inf"),
    )


def rank(
    request: FitRequest,
    rounds: Sequence[ProviderRounds],
    travel: DistrictTravel,
    parameters: FitParameters | None = None,
) -> list[Fit]:
    """Every branch's fit for the package, best first.

    Fits within the hard-to-serve threshold come first, then other full fits, then
    partial ones (fewest calls left out); each group by extra travel and lateness a week.
    """
    p = parameters or fit_parameters()
    return sorted((fit_one(request, r, travel, p) for r in rounds), key=_order)


def hard_to_serve(fits: Sequence[Fit]) -> bool:
    """Whether no branch can take the whole package within the declared threshold."""
    return not any(f.within_threshold for f in fits)
