"""The planner: its plans pass the independent checker, are reproducible and cover what they can."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caremarket.brokerage.rounds import (
    Break,
    Carer,
    Gap,
    MaxIterations,
    Need,
    Place,
    Plan,
    Problem,
    Visit,
    Weights,
    check,
    solve,
)
from caremarket.brokerage.rounds.plan import Route

SKILLS = ("personal_care", "medication", "moving_and_handling")


@st.composite
def problems(draw: st.DrawFn, max_visits: int = 7, max_carers: int = 3) -> Problem:
    """A morning's rounds: a few homes, windows, skills, double-handed visits, shifts, breaks."""
    num_visits = draw(st.integers(1, max_visits))
    num_carers = draw(st.integers(1, max_carers))
    coords = draw(
        st.lists(
            st.tuples(st.integers(0, 40), st.integers(0, 40)),
            min_size=num_visits + 1,
            max_size=num_visits + 1,
        )
    )
    places = tuple(Place(f"p{i}", float(x), float(y)) for i, (x, y) in enumerate(coords))
    xy = np.array(coords, dtype=float)
    travel = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    skill_sets = st.frozensets(st.sampled_from(SKILLS), max_size=2)
    visits = []
    for i in range(num_visits):
        earliest = float(draw(st.integers(420, 600)))
        width = float(draw(st.integers(0, 90)))
        needs = [Need(draw(skill_sets), float(draw(st.integers(10, 60))))]
        gap = None
        if draw(st.booleans()) and draw(st.booleans()):
            needs.append(Need(draw(skill_sets), float(draw(st.integers(10, 60)))))
            low = float(draw(st.sampled_from([0, 0, 5, 15])))
            gap = Gap(low, low + float(draw(st.sampled_from([0, 10, 30]))))
        visits.append(
            Visit(f"V{i}", f"P{i:06d}", i + 1, earliest, earliest + width, tuple(needs), gap)
        )
    carers = []
    for k in range(num_carers):
        skills = frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=3)))
        end = float(draw(st.sampled_from([720, 840, math.inf])))
        rest = None
        if draw(st.booleans()):
            rest = Break(600.0, 660.0, 20.0)
        carers.append(Carer(f"C{k}", 0, 0, 420.0, end, skills, math.inf, rest))
    hard = draw(st.sampled_from([math.inf, math.inf, 0.0, 30.0]))
    return Problem(
        visits=tuple(visits),
        carers=tuple(carers),
        places=places,
        travel=travel,
        weights=Weights(travel=1.0, lateness=1.0, max_lateness=1.0),
        max_lateness_minutes=hard,
    )


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _covered_or_explained(problem: Problem, plan: Plan) -> bool:
    made = {call.visit for route in plan.routes for call in route.calls}
    unplaced = {u.visit for u in plan.unplaced}
    return all((v.id in made) != (v.id in unplaced) for v in problem.visits)


@FAST
@given(problems())
def test_any_plan_passes_the_checker(problem: Problem) -> None:
    """Every plan the planner returns is feasible and places or explains every visit."""
    plan = solve(problem, MaxIterations(25), seed=1)
    report = check(problem, plan)
    assert report.is_feasible, report.violations
    assert _covered_or_explained(problem, plan)
    assert all(u.reason for u in plan.unplaced)


@FAST
@given(problems(), st.integers(0, 2))
def test_removing_a_carer_never_hides_an_uncovered_visit(problem: Problem, drop: int) -> None:
    """Without one carer, their calls are uncovered and the checker says so; a new plan explains."""
    plan = solve(problem, MaxIterations(20), seed=0)
    gone = problem.carers[drop % len(problem.carers)].id
    keep = [k for k, c in enumerate(problem.carers) if c.id != gone]
    smaller = problem.with_carers(keep)
    without = Plan(tuple(r for r in plan.routes if r.carer != gone), plan.unplaced)
    lost = next(r for r in plan.routes if r.carer == gone).calls
    report = check(smaller, without)
    if lost:
        assert not report.is_feasible
        assert any("neither made in full nor unplaced" in v for v in report.violations)
    replanned = solve(smaller, MaxIterations(20), seed=0)
    assert check(smaller, replanned).is_feasible
    assert _covered_or_explained(smaller, replanned)


@settings(max_examples=15, deadline=None)
@given(problems(), st.integers(0, 1000))
def test_same_seed_same_plan(problem: Problem, seed: int) -> None:
    """Two runs with the same seed and iteration limit give the same plan."""
    assert solve(problem, MaxIterations(15), seed=seed) == solve(
        problem, MaxIterations(15), seed=seed
    )


def test_a_visit_no_carer_can_make_is_unplaced_with_the_reason() -> None:
    """A visit needing a skill nobody holds is listed unplaced, naming the skill."""
    problem = Problem(
        visits=(
            Visit("V1", "P000001", 1, 480, 540, (Need(frozenset({"peg_feeding"}), 30),)),
            Visit("V2", "P000002", 1, 480, 540, (Need(frozenset(), 30),)),
        ),
        carers=(Carer("C1", 0, 0, 420, 720, frozenset({"personal_care"})),),
        places=(Place("home", 0, 0), Place("p1", 1, 1)),
        travel=np.array([[0.0, 10.0], [10.0, 0.0]]),
    )
    plan = solve(problem, MaxIterations(10))
    assert [(u.visit, u.reason) for u in plan.unplaced] == [
        ("V1", "no carer has the skill(s) peg_feeding")
    ]
    assert plan.routes == (Route("C1", plan.routes[0].calls),)
    assert [c.visit for c in plan.routes[0].calls] == ["V2"]


def test_a_call_never_starts_before_the_carer_can_arrive() -> None:
    """Travel of sqrt(2) minutes is not rounded away: the call starts on arrival or later."""
    problem = Problem(
        visits=(Visit("V0", "P000000", 1, 420.0, 422.0, (Need(frozenset(), 10),)),),
        carers=(Carer("C1", 0, 0, 420, 720, frozenset()),),
        places=(Place("home", 0, 0), Place("p1", 1, 1)),
        travel=np.array([[0.0, math.sqrt(2)], [math.sqrt(2), 0.0]]),
    )
    plan = solve(problem, MaxIterations(20), seed=0)
    assert check(problem, plan).is_feasible, check(problem, plan).violations
    assert plan.routes[0].calls[0].start >= 420.0 + math.sqrt(2)


def test_two_simultaneous_double_visits_for_two_carers_leave_one_out() -> None:
    """Two double-handed visits at the same minute and two carers: one is made, one unplaced."""
    care = frozenset({"personal_care"})
    both = (Need(care, 30), Need(care, 30))
    problem = Problem(
        visits=(
            Visit("A", "P1", 1, 480, 480, both, Gap(0, 0)),
            Visit("B", "P2", 2, 480, 480, both, Gap(0, 0)),
        ),
        carers=(Carer("C1", 0, 0, 420, 720, care), Carer("C2", 0, 0, 420, 720, care)),
        places=(Place("base", 0, 0), Place("a", 1, 0), Place("b", 2, 0)),
        travel=np.array([[0.0, 10, 10], [10, 0, 10], [10, 10, 0]]),
        max_lateness_minutes=0,
    )
    plan = solve(problem, MaxIterations(10), seed=0)
    report = check(problem, plan)
    assert report.is_feasible, report.violations
    assert report.num_unplaced == 1
