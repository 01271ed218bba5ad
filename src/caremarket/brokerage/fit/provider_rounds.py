"""A home-care branch's rounds on a typical day, built from the packages it runs now.

The council knows each running package's hours a week and postcode district, not
its calls nor the branch's rota. So each package becomes calls every day in the
declared bands (`daily_calls`), the branch gets carers on the declared early and
late shifts, enough for its calls at the declared carer minutes per contact minute
plus the declared spare, and the rounds planner plans the day (a fixed number of
iterations: the same rounds every run). Every day of the week is taken to be this
day: the packages' calls are the same each day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from caremarket.brokerage.fit.geography import DistrictTravel, Point, Spot
from caremarket.brokerage.fit.parameters import FitParameters
from caremarket.brokerage.fit.request import daily_calls
from caremarket.brokerage.rounds.check import Report, check
from caremarket.brokerage.rounds.plan import Plan
from caremarket.brokerage.rounds.problem import Carer, Need, Place, Problem, Visit
from caremarket.brokerage.rounds.solve import solve
from caremarket.brokerage.rounds.stop import MaxIterations
from caremarket.brokerage.rounds.templates import CARE_WEIGHTS

# More rosters than this per branch are not tried: a branch still short is left as it is.
_MAX_ROSTERS = 3


@dataclass(frozen=True, slots=True)
class Branch:
    """A home-care branch (a CQC location) of a provider: its office and its carers' skills."""

    provider_id: str
    location_id: str
    name: str
    office: Point | None
    skills: frozenset[str]


@dataclass(frozen=True, slots=True)
class RunningPackage:
    """A package the branch runs now: a pseudonym, its postcode district and hours a week."""

    person_id: str
    postcode_district: str
    hours_per_week: float


@dataclass(frozen=True)
class ProviderRounds:
    """A branch's rounds on a typical day: the day's calls and carers, its plan, its totals.

    `spots[i]` is where place i of the problem is (a postcode district or the office).
    `short` lists calls of the branch's own packages its roster could not fit.
    """

    branch: Branch
    spots: tuple[Spot, ...]
    problem: Problem
    plan: Plan
    report: Report
    short: tuple[str, ...] = ()

    @property
    def provider_id(self) -> str:
        """The provider's CQC id."""
        return self.branch.provider_id


def _roster(
    branch: Branch, home: int, minutes: dict[str, float], extra: dict[str, int], p: FitParameters
) -> tuple[Carer, ...]:
    carers = []
    for shift, (start, end) in p.shifts.items():
        needed = math.ceil(
            minutes.get(shift, 0.0) * p.carer_minutes_per_contact_minute / (end - start)
        )
        count = needed + p.spare_carers_per_shift + extra.get(shift, 0)
        carers += [
            Carer(f"{shift}-{n + 1:02d}", home, home, start, end, branch.skills)
            for n in range(count)
        ]
    return tuple(carers)


def shift_of(earliest: float, parameters: FitParameters) -> str:
    """The shift a call starting from `earliest` falls in (the last one starting by then)."""
    name = next(iter(parameters.shifts))
    for shift, (start, _) in parameters.shifts.items():
        if start <= earliest:
            name = shift
    return name


def build_rounds(
    branch: Branch,
    packages: Sequence[RunningPackage],
    travel: DistrictTravel,
    parameters: FitParameters,
    seed: int = 0,
) -> ProviderRounds:
    """Plan the branch's typical day from its running packages (unknown districts left out)."""
    districts = sorted(
        {p.postcode_district.upper() for p in packages if travel.knows(p.postcode_district)}
    )
    home_spot: Spot = (
        branch.office if branch.office is not None else (districts[0] if districts else "")
    )
    spots: list[Spot] = [home_spot] + [d for d in districts if d != home_spot]
    where = {spot: i for i, spot in enumerate(spots)}
    visits: list[Visit] = []
    minutes: dict[str, float] = {}
    for package in packages:
        district = package.postcode_district.upper()
        if district not in where or package.hours_per_week <= 0:
            continue
        for call in daily_calls(package.hours_per_week, parameters):
            visits.append(
                Visit(
                    f"{package.person_id}-{call.name}",
                    package.person_id,
                    where[district],
                    call.earliest,
                    call.latest,
                    (Need(call.skills, call.duration_minutes),),
                )
            )
            shift = shift_of(call.earliest, parameters)
            minutes[shift] = minutes.get(shift, 0.0) + call.duration_minutes
    places = tuple(Place(str(s), *(s if isinstance(s, tuple) else (0.0, 0.0))) for s in spots)
    matrix = travel.matrix(spots) if home_spot != "" else None
    extra: dict[str, int] = {}
    problem = plan = None
    for _ in range(_MAX_ROSTERS):
        carers = _roster(branch, 0, minutes, extra, parameters)
        problem = Problem(
            visits=tuple(visits),
            carers=carers,
            places=places,
            travel=matrix if matrix is not None else np.zeros((1, 1)),
            weights=CARE_WEIGHTS,
            max_lateness_minutes=parameters.max_lateness_minutes,
        )
        plan = solve(problem, MaxIterations(parameters.rounds_iterations), seed=seed, engine="alns")
        if not plan.unplaced:
            break
        index = problem.visit_index()
        for item in plan.unplaced:
            visit = problem.visits[index[item.visit]]
            shift = shift_of(visit.earliest, parameters)
            extra[shift] = extra.get(shift, 0) + 1
    assert problem is not None and plan is not None
    return ProviderRounds(
        branch,
        tuple(spots),
        problem,
        plan,
        check(problem, plan),
        tuple(u.visit for u in plan.unplaced),
    )
