"""Re-planning in the day: started calls stay, the absent carer's calls move, shortfalls named."""

from __future__ import annotations

import numpy as np
import pytest

from caremarket.brokerage.rounds import (
    Call,
    Carer,
    Gap,
    Need,
    Place,
    Plan,
    Problem,
    Route,
    Visit,
    Weights,
    check,
)
from caremarket.brokerage.rounds.replan import parse_clock, replan

CARE = Need(frozenset({"personal_care"}), 30.0)
CUTOFF = 10 * 60 + 30


def _day(carers: int, calls_each: tuple[int, ...], afternoon_end: float = 14 * 60) -> Problem:
    """Homes on a line, 5 minutes apart; each carer has a morning and a late-morning run."""
    visits = []
    homes = 0
    for k in range(carers):
        for n, start in enumerate(calls_each):
            homes += 1
            visits.append(Visit(f"C{k + 1}-{n}", f"P{homes}", homes, start, start + 30, (CARE,)))
    places = tuple(Place(f"p{i}", float(i), 0.0) for i in range(homes + 1))
    x = np.arange(homes + 1, dtype=float)
    travel = 5.0 * np.abs(x[:, None] - x[None, :]) ** 0.5
    team = tuple(
        Carer(f"C{k + 1}", 0, 0, 7 * 60, afternoon_end, frozenset({"personal_care"}))
        for k in range(carers)
    )
    return Problem(
        visits=tuple(visits),
        carers=team,
        places=places,
        travel=travel,
        weights=Weights(travel=1.0, lateness=1.0, max_lateness=1.0),
        max_lateness_minutes=30.0,
    )


def _timed(problem: Problem, orders: dict[str, list[tuple[str, int, float]]]) -> Plan:
    """Rounds in the given order (visit, part, not before), each call as early as it can be."""
    index = problem.visit_index()
    routes = []
    for carer in problem.carers:
        time, place, calls = carer.shift_start, carer.start_place, []
        for name, need, not_before in orders.get(carer.id, []):
            visit = problem.visits[index[name]]
            arrive = time + float(problem.travel[place, visit.place])
            start = max(arrive, visit.earliest, not_before)
            calls.append(Call(name, need, start))
            time, place = start + visit.needs[need].duration, visit.place
        routes.append(Route(carer.id, tuple(calls)))
    plan = Plan(tuple(routes))
    assert check(problem, plan).is_feasible, check(problem, plan).violations
    return plan


def _plan(problem: Problem) -> Plan:
    """Each carer makes their own calls in order at the earliest time their round allows."""
    return _timed(
        problem,
        {
            c.id: [(v.id, 0, 0.0) for v in problem.visits if v.id.startswith(c.id + "-")]
            for c in problem.carers
        },
    )


MORNING_AND_LATE = (8 * 60, 9 * 60, 11 * 60, 12 * 60 + 30)


def test_started_calls_stay_as_they_were() -> None:
    """Every call started before the re-plan time, the absent carer's too, keeps carer and start."""
    problem = _day(3, MORNING_AND_LATE)
    plan = _plan(problem)
    result = replan(problem, plan, "C2", CUTOFF)
    before = {r.carer: r.calls for r in plan.routes}
    after = {r.carer: r.calls for r in result.plan.routes}
    for carer, calls in before.items():
        started = [c for c in calls if c.start < CUTOFF]
        assert list(after[carer][: len(started)]) == started
    assert [c.visit for c in after["C2"]] == ["C2-0", "C2-1"]
    assert result.kept == 6


def test_absent_carers_remaining_calls_move_and_the_plan_checks() -> None:
    """With room elsewhere the absent carer's later calls go to others; other calls stay put."""
    problem = _day(3, MORNING_AND_LATE)
    result = replan(problem, _plan(problem), "C2", CUTOFF)
    assert result.report.is_feasible, result.report.violations
    assert sorted(m.visit for m in result.moved) == ["C2-2", "C2-3"]
    assert all(m.to_carer in ("C1", "C3") for m in result.moved)
    assert result.changed_calls == 0
    assert not result.uncovered


def test_short_capacity_names_the_call_and_why() -> None:
    """When the others' shifts end before the calls, the calls are uncovered with the reason."""
    problem = _day(2, MORNING_AND_LATE, afternoon_end=13 * 60 + 20)
    plan = _plan(problem)
    result = replan(problem, plan, "C1", CUTOFF)
    uncovered = {u.visit: u.reason for u in result.uncovered}
    assert "C1-3" in uncovered
    assert "12:30-13:00" in uncovered["C1-3"]
    assert result.report.is_feasible, result.report.violations
    assert {u.visit for u in result.plan.unplaced} >= set(uncovered)


def test_one_call_steps_aside_when_that_makes_room() -> None:
    """A call only a busy carer can make goes to them; their own call moves to a carer with room."""
    from dataclasses import replace

    base = _day(3, MORNING_AND_LATE, afternoon_end=13 * 60 + 20)
    meds = Need(frozenset({"personal_care", "medication"}), 30.0)
    visits = tuple(
        replace(v, needs=(meds,)) if v.id == "C2-3" else v for v in base.visits if v.id != "C3-3"
    )
    carers = tuple(
        replace(c, skills=c.skills | {"medication"}) if c.id in ("C1", "C2") else c
        for c in base.carers
    )
    problem = Problem(
        visits=visits,
        carers=carers,
        places=base.places,
        travel=base.travel,
        weights=base.weights,
        max_lateness_minutes=base.max_lateness_minutes,
    )
    result = replan(problem, _plan(problem), "C2", CUTOFF)
    assert result.report.is_feasible, result.report.violations
    assert not result.uncovered
    owner = {c.visit: r.carer for r in result.plan.routes for c in r.calls}
    assert owner["C2-3"] == "C1"
    assert [(m.visit, m.from_carer, m.to_carer) for m in result.others_moved] == [
        ("C1-3", "C1", "C3")
    ]
    assert result.changed_calls == 1


def test_double_handed_partner_left_after_the_cutoff_keeps_its_gap() -> None:
    """The second carer of a visit begun before the cutoff still starts within the gap."""
    base = _day(3, MORNING_AND_LATE)
    pair = Visit(
        "PAIR",
        "P99",
        1,
        10 * 60 + 15,
        10 * 60 + 15,
        (CARE, CARE),
        Gap(20, 40),
    )
    problem = Problem(
        visits=(*base.visits, pair),
        carers=base.carers,
        places=base.places,
        travel=base.travel,
        weights=base.weights,
        max_lateness_minutes=base.max_lateness_minutes,
    )
    own = {
        c.id: [(v.id, 0, 0.0) for v in base.visits if v.id.startswith(c.id + "-")]
        for c in base.carers
    }
    own["C1"][2:2] = [("PAIR", 0, 10 * 60 + 15)]
    own["C2"][2:2] = [("PAIR", 1, 10 * 60 + 40)]
    with_pair = _timed(problem, own)
    result = replan(problem, with_pair, "C2", CUTOFF)
    assert result.report.is_feasible, result.report.violations
    second = [c for r in result.plan.routes for c in r.calls if c.visit == "PAIR" and c.need == 1]
    assert len(second) == 1 and 10 * 60 + 35 <= second[0].start <= 10 * 60 + 55


def test_bad_inputs_are_refused() -> None:
    """An absent carer with no round, or a time that is not HH:MM, is refused with the reason."""
    problem = _day(2, MORNING_AND_LATE)
    with pytest.raises(ValueError, match="C9 has no round"):
        replan(problem, _plan(problem), "C9", CUTOFF)
    with pytest.raises(ValueError, match="HH:MM"):
        parse_clock("half ten")
    assert parse_clock("10:30") == CUTOFF


def test_every_absence_at_every_time_passes_the_check() -> None:
    """Whoever drops out, whenever, the re-planned day (breaks and hour limits too) checks."""
    from dataclasses import replace

    from caremarket.brokerage.rounds import Break, MaxIterations, solve

    base = _day(4, MORNING_AND_LATE, afternoon_end=14 * 60)
    carers = tuple(
        replace(c, rest=Break(10 * 60 + 40, 10 * 60 + 50, 20), max_minutes=360) for c in base.carers
    )
    problem = replace(base, carers=carers)
    plan = solve(problem, MaxIterations(300), seed=1)
    assert check(problem, plan).is_feasible
    for at in (8 * 60 + 15, 10 * 60 + 5, 10 * 60 + 45, 12 * 60):
        for carer in carers:
            result = replan(problem, plan, carer.id, at)
            assert result.report.is_feasible, (carer.id, at, result.report.violations)
