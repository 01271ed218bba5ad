"""A provider's day in the demo county looks like a real one and can be planned and checked."""

from __future__ import annotations

from collections import Counter

import pytest

from caremarket.brokerage.rounds import MaxIterations, Problem, check, solve
from caremarket.demo.provider_day import provider_day


@pytest.fixture(scope="module")
def day() -> Problem:
    """A day of 200 calls."""
    return provider_day(200, seed=7)


def test_day_has_the_calls_asked_for_in_four_bands(day: Problem) -> None:
    """200 calls in the morning, lunch, tea and bed bands, 30 to 60 minutes each."""
    assert len(day.visits) == 200
    bands = Counter(v.id.rsplit("-", 1)[1] for v in day.visits)
    assert set(bands) == {"morning", "lunch", "tea", "bed"}
    assert all(30 <= n.duration <= 60 for v in day.visits for n in v.needs)
    assert len(day.carers) == 25


def test_day_has_double_calls_skills_known_carers_and_shifts(day: Problem) -> None:
    """10-15% of calls are double-handed; everyone knows carers; every carer has a break."""
    share = sum(v.is_double_handed for v in day.visits) / len(day.visits)
    assert 0.10 <= share <= 0.15
    assert all(2 <= len(v.preferred_carers) <= 3 for v in day.visits)
    assert all(c.rest is not None and c.max_minutes < 24 * 60 for c in day.carers)
    assert {c.shift_start for c in day.carers} == {7 * 60, 14 * 60}
    assert day.weights.not_preferred > 0


def test_same_seed_same_day() -> None:
    """A day is reproducible from its seed and changes with it."""
    a, b, c = provider_day(50, seed=1), provider_day(50, seed=1), provider_day(50, seed=2)
    assert a.visits == b.visits and a.carers == b.carers
    assert a.visits != c.visits


def test_a_planned_day_passes_the_checker(day: Problem) -> None:
    """A short search on the day gives a plan the independent checker finds feasible."""
    plan = solve(day, MaxIterations(20), seed=0)
    report = check(day, plan)
    assert report.is_feasible, report.violations[:3]
    assert report.known_carer_share is not None
    assert report.num_calls + report.num_unplaced >= len(day.visits)
