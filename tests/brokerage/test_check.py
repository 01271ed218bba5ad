"""The independent checker finds every kind of broken rule planted in a plan."""

from __future__ import annotations

import numpy as np
import pytest

from caremarket.brokerage.rounds import (
    Break,
    Call,
    Carer,
    Gap,
    Need,
    Place,
    Plan,
    Problem,
    Route,
    Unplaced,
    Visit,
    check,
)

CARE = frozenset({"personal_care"})
HOIST = frozenset({"moving_and_handling"})


def _problem() -> Problem:
    """Home (place 0) and two people 10 minutes apart; V2 is double-handed, together."""
    return Problem(
        visits=(
            Visit("V1", "P000001", 1, 480, 500, (Need(CARE, 30),)),
            Visit("V2", "P000002", 2, 540, 600, (Need(CARE, 30), Need(HOIST, 30)), Gap(0, 0)),
        ),
        carers=(
            Carer("C1", 0, 0, 420, 720, CARE | HOIST, rest=Break(540, 660, 20)),
            Carer("C2", 0, 0, 420, 720, CARE | HOIST),
        ),
        places=(Place("home", 0, 0), Place("a", 1, 0), Place("b", 2, 0)),
        travel=np.array([[0.0, 10, 10], [10, 0, 10], [10, 10, 0]]),
    )


def _good() -> Plan:
    return Plan(
        (
            Route("C1", (Call("V1", 0, 480), Call("V2", 0, 540)), break_start=600),
            Route("C2", (Call("V2", 1, 540),)),
        )
    )


def test_a_good_plan_passes_with_its_costs() -> None:
    """A plan breaking no rule is feasible and its travel and hours are recomputed."""
    report = check(_problem(), _good())
    assert report.is_feasible, report.violations
    assert report.travel_minutes == pytest.approx(10 + 10 + 10 + 10 + 10)
    assert report.hours_placed == pytest.approx(1.5)
    assert report.lateness_minutes == 0


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (
            Plan((Route("C1", (Call("V1", 485, 0),)),)),
            "no need 485",
        ),
        (
            Plan(
                (
                    Route("C1", (Call("V1", 0, 470), Call("V2", 0, 540)), 600),
                    Route("C2", (Call("V2", 1, 540),)),
                )
            ),
            "before its window opens",
        ),
        (
            Plan(
                (
                    Route("C1", (Call("V1", 0, 480), Call("V2", 0, 515)), 600),
                    Route("C2", (Call("V2", 1, 540),)),
                )
            ),
            "before arrival",
        ),
        (
            Plan(
                (
                    Route("C1", (Call("V1", 0, 480), Call("V2", 0, 540)), 600),
                    Route("C2", (Call("V2", 1, 550),)),
                )
            ),
            "second carer starts 10.00 minutes after the first",
        ),
        (
            Plan((Route("C1", (Call("V1", 0, 480), Call("V2", 0, 540), Call("V2", 1, 580))),)),
            "has one carer twice",
        ),
        (
            Plan((Route("C1", (Call("V1", 0, 480),)),)),
            "neither made in full nor unplaced",
        ),
        (
            Plan((Route("C1", (Call("V1", 0, 480),)),), (Unplaced("V2", ""),)),
            "unplaced without a reason",
        ),
        (
            Plan(
                (
                    Route("C1", (Call("V1", 0, 480), Call("V2", 0, 540))),
                    Route("C2", (Call("V2", 1, 540),)),
                )
            ),
            "without a break",
        ),
        (
            Plan(
                (
                    Route("C1", (Call("V1", 0, 480), Call("V2", 0, 540)), 500),
                    Route("C2", (Call("V2", 1, 540),)),
                )
            ),
            "outside 540-660",
        ),
        (
            Plan(
                (
                    Route("C1", (Call("V1", 0, 480), Call("V1", 0, 520))),
                    Route("C2", (Call("V2", 1, 540), Call("V2", 0, 580))),
                )
            ),
            "made twice",
        ),
    ],
)
def test_each_broken_rule_is_reported(plan: Plan, expected: str) -> None:
    """A plan breaking one rule is infeasible and the violation says which rule."""
    report = check(_problem(), plan)
    assert not report.is_feasible
    assert any(expected in v for v in report.violations), report.violations


def test_missing_skill_and_late_return_are_reported() -> None:
    """A carer without the skill, and a round ending after the shift, are both caught."""
    problem = _problem()
    short = Problem(
        visits=problem.visits,
        carers=(
            Carer("C1", 0, 0, 420, 560, CARE),
            Carer("C2", 0, 0, 420, 720, CARE | HOIST),
        ),
        places=problem.places,
        travel=problem.travel,
    )
    plan = Plan(
        (
            Route("C1", (Call("V1", 0, 480), Call("V2", 1, 540))),
            Route("C2", (Call("V2", 0, 540),)),
        )
    )
    violations = check(short, plan).violations
    assert any("lacks skill(s) moving_and_handling" in v for v in violations)
    assert any("after the shift ends" in v for v in violations)


def test_lateness_is_a_cost_unless_bounded() -> None:
    """Starting after the window closes costs minutes; past the bound it is a violation."""
    late = Plan(
        (
            Route("C1", (Call("V1", 0, 520), Call("V2", 0, 560)), 600),
            Route("C2", (Call("V2", 1, 560),)),
        )
    )
    report = check(_problem(), late)
    assert report.is_feasible
    assert report.lateness_minutes == pytest.approx(20)
    assert report.max_lateness_minutes == pytest.approx(20)
    p = _problem()
    bounded = Problem(p.visits, p.carers, p.places, p.travel, max_lateness_minutes=10)
    assert any("minutes late" in v for v in check(bounded, late).violations)


def test_one_carer_cannot_make_both_services_of_a_double_visit() -> None:
    """A carer making both needs of a double visit in turn breaks only the two-carer rule."""
    p = _problem()
    staggered = Visit("V2", "P000002", 2, 540, 600, (Need(CARE, 30), Need(HOIST, 30)), Gap(30, 60))
    problem = Problem((p.visits[0], staggered), p.carers, p.places, p.travel)
    alone = Plan((Route("C1", (Call("V1", 0, 480), Call("V2", 0, 540), Call("V2", 1, 570)), 600),))
    report = check(problem, alone)
    assert report.violations == ["double-handed visit V2 has one carer twice"]
    shared = Plan(
        (
            Route("C1", (Call("V1", 0, 480), Call("V2", 0, 540)), 600),
            Route("C2", (Call("V2", 1, 570),)),
        )
    )
    assert check(problem, shared).is_feasible


def test_continuity_is_the_share_of_calls_by_a_known_carer() -> None:
    """Of two calls of people who know C2, the one C2 makes counts: a share of one half."""
    p = _problem()
    knows = tuple(
        Visit(v.id, v.person, v.place, v.earliest, v.latest, v.needs, v.gap, frozenset({"C2"}))
        for v in p.visits
    )
    problem = Problem(knows[:1], p.carers, p.places, p.travel)
    assert check(problem, Plan((Route("C1", (Call("V1", 0, 480),)),))).known_carer_share == 0
    both = Problem(knows, p.carers, p.places, p.travel)
    report = check(both, _good())
    assert report.num_calls_with_known_carers == 3
    assert report.known_carer_share == pytest.approx(1 / 3)
    assert check(p, _good()).known_carer_share is None
