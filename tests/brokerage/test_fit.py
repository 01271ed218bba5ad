"""Where a package fits: rankings that follow the rounds, skills and distance."""

from __future__ import annotations

from dataclasses import replace

import pytest

from caremarket.brokerage.fit import (
    Branch,
    DistrictTravel,
    FitParameters,
    FitRequest,
    ProviderRounds,
    RequestCall,
    RunningPackage,
    build_rounds,
    daily_calls,
    fit_parameters,
    hard_to_serve,
    rank,
)
from caremarket.brokerage.rounds import check
from caremarket.brokerage.rounds.extend import extend

BASE = frozenset({"personal_care", "medication", "moving_and_handling"})


def _district(east_km: float) -> list[tuple[float, float]]:
    """Nine homes on a 2 km grid around a point `east_km` east of the origin."""
    return [(1000 * east_km + dx, dy) for dx in (-1000, 0, 1000) for dy in (-1000, 0, 1000)]


@pytest.fixture(scope="module")
def parameters() -> FitParameters:
    """The shipped parameters with a short planning budget."""
    return replace(fit_parameters(), rounds_iterations=60)


@pytest.fixture(scope="module")
def travel() -> DistrictTravel:
    """Three districts: AA1 at the origin, AA2 25 km east, ZZ9 150 km east."""
    return DistrictTravel.calibrated(
        {"AA1": _district(0), "AA2": _district(25), "ZZ9": _district(150)}
    )


def _rounds(
    name: str, district: str, east_km: float, travel: DistrictTravel, parameters: FitParameters
) -> ProviderRounds:
    branch = Branch(f"P-{name}", f"L-{name}", name, (1000 * east_km, 0.0), BASE)
    packages = [RunningPackage(f"{name}{n}", district, 7.0) for n in range(4)]
    return build_rounds(branch, packages, travel, parameters)


@pytest.fixture(scope="module")
def county(travel: DistrictTravel, parameters: FitParameters) -> list[ProviderRounds]:
    """A branch whose rounds are all in AA1 and one whose rounds are all in AA2."""
    return [
        _rounds("far-side", "AA2", 25, travel, parameters),
        _rounds("next-door", "AA1", 0, travel, parameters),
    ]


def test_branch_whose_rounds_pass_the_door_ranks_first(
    county: list[ProviderRounds], travel: DistrictTravel, parameters: FitParameters
) -> None:
    """A package in AA1 goes first to the branch already visiting AA1, at less extra travel."""
    request = FitRequest("P1", "AA1", daily_calls(7.0, parameters))
    fits = rank(request, county, travel, parameters)
    assert [f.name for f in fits] == ["next-door", "far-side"]
    assert fits[0].feasible
    first, second = fits[0].extra_travel_minutes_per_week, fits[1].extra_travel_minutes_per_week
    assert first is not None and second is not None and first < second


def test_missing_skill_is_infeasible_with_the_reason(
    county: list[ProviderRounds], travel: DistrictTravel, parameters: FitParameters
) -> None:
    """A call needing a skill no branch holds fits nowhere, and each fit says which skill."""
    call = RequestCall("morning", 450, 540, 30, skills=frozenset({"catheter_care"}))
    fits = rank(FitRequest("P2", "AA1", (call,)), county, travel, parameters)
    assert all(not f.feasible for f in fits)
    assert all("catheter_care" in f.uncovered[0].reason for f in fits)
    assert hard_to_serve(fits)


def test_everyone_far_is_hard_to_serve(
    county: list[ProviderRounds], travel: DistrictTravel, parameters: FitParameters
) -> None:
    """A package 125 km beyond every round is out of reach of all branches: hard to serve."""
    fits = rank(FitRequest("P3", "ZZ9", daily_calls(7.0, parameters)), county, travel, parameters)
    assert hard_to_serve(fits)
    assert all(not f.within_threshold for f in fits)
    assert all("do not reach ZZ9" in f.uncovered[0].reason for f in fits)


def test_near_package_is_not_hard_to_serve(
    county: list[ProviderRounds], travel: DistrictTravel, parameters: FitParameters
) -> None:
    """A package of long calls beside a branch's rounds fits within the threshold."""
    request = FitRequest("P4", "AA1", daily_calls(14.0, parameters))
    fits = rank(request, county, travel, parameters)
    assert fits[0].within_threshold, fits[0]
    assert not hard_to_serve(fits)


def test_double_handed_call_takes_two_carers(
    travel: DistrictTravel, parameters: FitParameters
) -> None:
    """A double-handed morning call counts both carers' time and needs two carers free at once."""
    calls = daily_calls(14.0, parameters, double_handed=frozenset({"morning"}))
    assert calls[0].carers == 2
    request = FitRequest("P5", "AA1", calls)
    assert request.contact_hours_per_week == pytest.approx(14.0, abs=1.0)
    roomy = replace(parameters, spare_carers_per_shift=2)
    fits = rank(request, [_rounds("roomy", "AA1", 0, travel, roomy)], travel, roomy)
    assert fits[0].feasible, fits[0]
    busy = replace(parameters, spare_carers_per_shift=0)
    fits = rank(request, [_rounds("busy", "AA1", 0, travel, busy)], travel, busy)
    assert [u.call for u in fits[0].uncovered] == ["morning"]


def test_extension_keeps_calls_with_their_carers_and_passes_the_check(
    county: list[ProviderRounds],
) -> None:
    """Adding a visit leaves every call already planned with its carer, in its order."""
    rounds = county[1]
    problem = rounds.problem
    extra = replace(problem.visits[0], id="NEW-1", person="NEW")
    from caremarket.brokerage.rounds.problem import Problem

    grown = Problem(
        visits=(*problem.visits, extra),
        carers=problem.carers,
        places=problem.places,
        travel=problem.travel,
        weights=problem.weights,
        max_lateness_minutes=problem.max_lateness_minutes,
    )
    result = extend(grown, rounds.plan, ["NEW-1"])
    assert result.placed == ("NEW-1",)
    report = check(grown, result.plan)
    assert report.is_feasible, report.violations
    for before, after in zip(rounds.plan.routes, result.plan.routes, strict=True):
        assert before.carer == after.carer
        assert [c.visit for c in before.calls] == [
            c.visit for c in after.calls if c.visit != "NEW-1"
        ]


def test_daily_calls_follow_the_declared_bands(parameters: FitParameters) -> None:
    """Small packages get one morning call, middling two, large four; hours are kept."""
    assert [c.name for c in daily_calls(3.5, parameters)] == ["morning"]
    assert [c.name for c in daily_calls(10.5, parameters)] == ["morning", "tea"]
    assert [c.name for c in daily_calls(21.0, parameters)] == ["morning", "lunch", "tea", "bed"]
    week = sum(c.contact_minutes_per_week for c in daily_calls(21.0, parameters)) / 60
    assert week == pytest.approx(21.0, abs=0.6)
    with pytest.raises(ValueError, match="more than 0"):
        daily_calls(0, parameters)


def test_district_travel_counts_trips_within_a_district(travel: DistrictTravel) -> None:
    """Two homes of one district are apart (more than the road model's intercept), never 0."""
    road = travel.road
    inside = travel.minutes("AA1", "AA1")
    assert road.intercept_minutes < inside < travel.minutes("AA1", "AA2")
    assert travel.minutes("AA1", "AA2") == travel.minutes("AA2", "AA1")
    assert travel.minutes((0.0, 0.0), (0.0, 0.0)) == 0.0
    assert not travel.knows("QQ1")


def test_fit_reports_the_hours_it_placed(
    county: list[ProviderRounds], travel: DistrictTravel, parameters: FitParameters
) -> None:
    """A whole-week fit places every contact hour and states its minutes per contact hour."""
    request = FitRequest("P6", "AA1", daily_calls(7.0, parameters))
    best = rank(request, county, travel, parameters)[0]
    assert best.contact_hours_placed_per_week == pytest.approx(request.contact_hours_per_week)
    per_hour = best.extra_minutes_per_contact_hour
    assert per_hour is not None and best.extra_travel_minutes_per_contact_hour is not None
    assert per_hour >= best.extra_travel_minutes_per_contact_hour
