"""An independent check of a plan: every start time, skill, window, gap and shift recomputed.

It reads only the problem and the plan (never the planner's own figures), so a
plan from any source, another solver included, can be judged the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caremarket.brokerage.rounds.plan import Plan, Route
from caremarket.brokerage.rounds.problem import Break, Gap, Problem

TOLERANCE = 1e-6


@dataclass
class Report:
    """What the check found: violations (empty when feasible) and the recomputed totals."""

    violations: list[str] = field(default_factory=list)
    tolerance: float = TOLERANCE
    travel_minutes: float = 0.0
    lateness_minutes: float = 0.0
    max_lateness_minutes: float = 0.0
    contact_minutes: float = 0.0
    num_calls: int = 0
    num_not_preferred: int = 0
    num_calls_with_known_carers: int = 0
    num_unplaced: int = 0
    objective: float = 0.0

    @property
    def is_feasible(self) -> bool:
        """Whether the plan breaks no rule."""
        return not self.violations

    @property
    def known_carer_share(self) -> float | None:
        """Continuity: the share of calls made by a carer the person knows.

        Counted over the calls of people who name carers they know; None when no
        one does (there is nothing to measure).
        """
        if not self.num_calls_with_known_carers:
            return None
        return 1 - self.num_not_preferred / self.num_calls_with_known_carers

    @property
    def hours_placed(self) -> float:
        """Hours of care carers spend in people's homes."""
        return self.contact_minutes / 60

    @property
    def travel_per_placed_hour(self) -> float:
        """Travel minutes per hour of care placed (0 when nothing is placed)."""
        return self.travel_minutes / self.hours_placed if self.contact_minutes else 0.0


def check(problem: Problem, plan: Plan, tolerance: float = TOLERANCE) -> Report:
    """Recompute a plan's timings and costs from scratch and list every rule it breaks.

    `tolerance` (minutes) forgives rounding, e.g. of a solver working in integers.
    """
    report = Report(tolerance=tolerance)
    visits = problem.visit_index()
    carers = problem.carer_index()
    starts: dict[tuple[int, int], tuple[float, int]] = {}
    seen_carers: set[str] = set()
    for route in plan.routes:
        if route.carer not in carers:
            report.violations.append(f"route for unknown carer {route.carer}")
            continue
        if route.carer in seen_carers:
            report.violations.append(f"carer {route.carer} has more than one route")
        seen_carers.add(route.carer)
        _check_route(problem, route, carers[route.carer], visits, starts, report)
    _check_coverage(problem, plan, starts, report)
    w = problem.weights
    report.objective = (
        w.travel * report.travel_minutes
        + w.lateness * report.lateness_minutes
        + w.max_lateness * report.max_lateness_minutes
        + w.not_preferred * report.num_not_preferred
        + w.unplaced * report.num_unplaced
    )
    return report


def _check_route(
    problem: Problem,
    route: Route,
    k: int,
    visits: dict[str, int],
    starts: dict[tuple[int, int], tuple[float, int]],
    report: Report,
) -> None:
    carer = problem.carers[k]
    travel = problem.travel
    time, place = carer.shift_start, carer.start_place
    rest = carer.rest
    planned = route.break_start
    taken = False
    busy = 0.0
    load = 0.0
    who = f"carer {carer.id}"
    for call in route.calls:
        i = visits.get(call.visit)
        if i is None:
            report.violations.append(f"{who}: unknown visit {call.visit}")
            continue
        visit = problem.visits[i]
        if not 0 <= call.need < len(visit.needs):
            report.violations.append(f"{who}: visit {call.visit} has no need {call.need}")
            continue
        need = visit.needs[call.need]
        if (i, call.need) in starts:
            report.violations.append(f"visit {call.visit} need {call.need} made twice")
        starts[(i, call.need)] = (call.start, k)
        if not need.skills <= carer.skills:
            missing = ", ".join(sorted(need.skills - carer.skills))
            report.violations.append(f"{who} lacks skill(s) {missing} for visit {call.visit}")
        leg = float(travel[place, visit.place])
        if planned is not None and not taken and planned < call.start:
            time = _take_break(planned, time, rest, who, report)
            taken = True
        if call.start + report.tolerance < time + leg:
            report.violations.append(
                f"{who}: visit {call.visit} starts at {call.start:.2f} before arrival at "
                f"{time + leg:.2f}"
            )
        if call.start + report.tolerance < visit.earliest:
            report.violations.append(
                f"visit {call.visit} starts at {call.start:.2f} before its window opens "
                f"at {visit.earliest:.2f}"
            )
        late = max(0.0, call.start - visit.latest)
        if late > problem.max_lateness_minutes + report.tolerance:
            report.violations.append(f"visit {call.visit} starts {late:.2f} minutes late")
        report.lateness_minutes += late
        report.max_lateness_minutes = max(report.max_lateness_minutes, late)
        report.travel_minutes += leg
        report.contact_minutes += need.duration
        report.num_calls += 1
        if visit.preferred_carers:
            report.num_calls_with_known_carers += 1
            if carer.id not in visit.preferred_carers:
                report.num_not_preferred += 1
        if problem.demands:
            load += problem.demands[i]
        busy += leg + need.duration
        time = max(time + leg, call.start) + need.duration
        place = visit.place
    if not route.calls:
        return
    if planned is not None and not taken:
        time = _take_break(planned, time, rest, who, report)
        taken = True
    if rest is not None and not taken and time > rest.earliest + report.tolerance:
        report.violations.append(f"{who}: works past {rest.earliest:.0f} without a break")
    leg = float(travel[place, carer.end_place])
    report.travel_minutes += leg
    busy += leg
    if time + leg > carer.shift_end + report.tolerance:
        report.violations.append(f"{who}: back at {time + leg:.2f}, after the shift ends")
    if busy > carer.max_minutes + report.tolerance:
        report.violations.append(f"{who}: works {busy:.1f} minutes, over the maximum")
    if problem.capacities and load > problem.capacities[k] + report.tolerance:
        report.violations.append(f"{who}: load {load:g} over capacity {problem.capacities[k]:g}")


def _take_break(start: float, ready: float, rest: Break | None, who: str, report: Report) -> float:
    if rest is None:
        report.violations.append(f"{who}: a break is planned but the carer has none")
        return ready
    if start + report.tolerance < ready:
        report.violations.append(f"{who}: break at {start:.2f} while still busy until {ready:.2f}")
    if not rest.earliest - report.tolerance <= start <= rest.latest + report.tolerance:
        report.violations.append(
            f"{who}: break at {start:.2f} outside {rest.earliest:.0f}-{rest.latest:.0f}"
        )
    return max(start, ready) + rest.minutes


def _check_coverage(
    problem: Problem,
    plan: Plan,
    starts: dict[tuple[int, int], tuple[float, int]],
    report: Report,
) -> None:
    unplaced = {u.visit for u in plan.unplaced}
    for u in plan.unplaced:
        if not u.reason.strip():
            report.violations.append(f"visit {u.visit} is unplaced without a reason")
    report.num_unplaced = len(unplaced)
    for i, visit in enumerate(problem.visits):
        made = [(i, n) in starts for n in range(len(visit.needs))]
        if visit.id in unplaced:
            if any(made):
                report.violations.append(f"visit {visit.id} is both made and listed unplaced")
            continue
        if not all(made):
            report.violations.append(f"visit {visit.id} is neither made in full nor unplaced")
            continue
        if visit.is_double_handed:
            (first, k1), (second, k2) = starts[(i, 0)], starts[(i, 1)]
            gap = visit.gap or Gap()
            if k1 == k2:
                report.violations.append(f"double-handed visit {visit.id} has one carer twice")
            between = second - first
            if (
                not gap.min_minutes - report.tolerance
                <= between
                <= gap.max_minutes + report.tolerance
            ):
                report.violations.append(
                    f"visit {visit.id}: second carer starts {between:.2f} minutes after the "
                    f"first, expected {gap.min_minutes:g} to {gap.max_minutes:g}"
                )
    known = set(problem.visit_index())
    for name in unplaced - known:
        report.violations.append(f"unknown visit {name} listed unplaced")
