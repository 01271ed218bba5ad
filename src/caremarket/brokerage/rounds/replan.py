"""Re-plan the rest of a day when a carer drops out, changing other rounds as little as can be.

Calls that started before the re-plan time stay as they were, the absent carer's
included. The rest of the day is a smaller problem: each other carer is free from
the end of their last started call (or the re-plan time), where that call was, with
the minutes they have left. Their remaining calls stay with them, in order; the
absent carer's remaining calls are fitted in where they cost least (`Extender`).
A call that fits nowhere gets two more tries: one call of another carer near it in
place and time steps aside to make room and is fitted in again elsewhere (kept only
when both fit); then the few rounds nearest it are re-planned together with it,
each call preferring its carer, at most a few changing carer (`rearrange`). What
still fits nowhere is named with the reason.

The half of a double-handed visit not yet started when its partner started before
the re-plan time becomes a single call whose window is what the gap allows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from caremarket.brokerage.rounds.check import Report, check
from caremarket.brokerage.rounds.extend import Extender
from caremarket.brokerage.rounds.output import clock
from caremarket.brokerage.rounds.plan import Call, Plan, Route, Unplaced
from caremarket.brokerage.rounds.problem import Carer, Gap, Need, Problem, Visit
from caremarket.brokerage.rounds.rearrange import rearrange
from caremarket.brokerage.rounds.solve import NO_ROOM

# Calls of other carers tried, per call left over, for making room (nearest first).
SWAP_CANDIDATES = 12
_PINNED = "~rest"  # suffix of the id of a double-handed visit's part not yet started


@dataclass(frozen=True, slots=True)
class Move:
    """A call that changed carer: which visit and part, from whom, to whom."""

    visit: str
    need: int
    from_carer: str
    to_carer: str


@dataclass(frozen=True)
class Replanned:
    """The day re-planned: the whole plan, what moved, what could not be covered, the check."""

    plan: Plan
    absent: str
    cutoff: float
    kept: int
    moved: tuple[Move, ...]
    others_moved: tuple[Move, ...]
    retimed: int
    rounds_changed: tuple[str, ...]
    uncovered: tuple[Unplaced, ...]
    report: Report

    @property
    def changed_calls(self) -> int:
        """Calls of other carers that changed carer (a call moved aside to make room)."""
        return len(self.others_moved)


def _started(plan: Plan, cutoff: float) -> dict[str, int]:
    """Per carer, how many calls at the front of the round started before the cutoff."""
    out = {}
    for route in plan.routes:
        n = 0
        for i, call in enumerate(route.calls):
            if call.start < cutoff:
                n = i + 1
        out[route.carer] = n
    return out


@dataclass(frozen=True)
class RestOfDay:
    """The day from the cutoff on, without the absent carer.

    `problem` holds the visits not started (a part-started double-handed visit's other
    part as a visit of its own, named in `parts`) and the other carers, each free from
    where and when their started calls leave them; `plan` their rounds from then on;
    `to_place` the absent carer's visits to fit in; `kept` the calls started, per carer.
    """

    problem: Problem
    plan: Plan
    to_place: list[str]
    parts: dict[str, tuple[str, int]]
    kept: dict[str, list[Call]]


def rest_of_day(problem: Problem, plan: Plan, absent: str, cutoff: float) -> RestOfDay:
    """The day from the cutoff on, without the absent carer (see `RestOfDay`)."""
    index = problem.visit_index()
    carers = problem.carer_index()
    travel = problem.travel
    front = _started(plan, cutoff)
    kept: dict[str, list[Call]] = {}
    started_parts: dict[str, dict[int, float]] = {}
    started_by: dict[str, str] = {}
    for route in plan.routes:
        kept[route.carer] = list(route.calls[: front[route.carer]])
        for call in kept[route.carer]:
            started_parts.setdefault(call.visit, {})[call.need] = call.start
            started_by[call.visit] = route.carer
    # The other half of a part-started visit needs another carer: a token all others hold.
    not_by: dict[str, str] = {}
    visits: list[Visit] = []
    rename: dict[str, tuple[str, int]] = {}
    for visit in problem.visits:
        parts = started_parts.get(visit.id)
        if parts is None:
            visits.append(visit)
        elif len(parts) < len(visit.needs):
            # One part started: the other must follow within the gap, by any carer.
            gap = visit.gap or Gap()
            first = parts.get(0)
            need = 1 if first is not None else 0
            anchor = first if first is not None else parts[1]
            low, high = (
                (anchor + gap.min_minutes, anchor + gap.max_minutes)
                if need == 1
                else (anchor - gap.max_minutes, anchor - gap.min_minutes)
            )
            name = visit.id + _PINNED
            rename[name] = (visit.id, need)
            token = f"{name}:{started_by[visit.id]}"
            not_by[token] = started_by[visit.id]
            part = visit.needs[need]
            visits.append(
                Visit(
                    name,
                    visit.person,
                    visit.place,
                    max(low, cutoff),
                    max(high, cutoff),
                    (Need(part.skills | {token}, part.duration),),
                )
            )
    reduced_carers: list[Carer] = []
    routes_by_carer = {r.carer: r for r in plan.routes}
    for carer in problem.carers:
        if carer.id == absent:
            continue
        calls = kept.get(carer.id, [])
        place, ready, busy = carer.start_place, carer.shift_start, 0.0
        loc = carer.start_place
        for call in calls:
            visit = problem.visits[index[call.visit]]
            busy += float(travel[loc, visit.place]) + visit.needs[call.need].duration
            loc = visit.place
            place = visit.place
            ready = call.start + visit.needs[call.need].duration
        planned = routes_by_carer.get(carer.id)
        begun = planned.break_start if planned is not None else None
        if carer.rest is not None and begun is not None and begun < cutoff:
            ready = max(ready, begun + carer.rest.minutes)  # a break begun is taken to its end
        # Free from the cutoff, or earlier if already on the way to the next call by then.
        following = (
            planned.calls[len(calls)] if planned and len(planned.calls) > len(calls) else None
        )
        leave = cutoff
        if following is not None:
            there = problem.visits[index[following.visit]].place
            leave = min(cutoff, following.start - float(travel[place, there]))
        free = max(ready, leave)
        rest = carer.rest
        taken = planned is not None and planned.break_start is not None
        if rest is not None and (
            (taken and planned is not None and (planned.break_start or 0.0) < cutoff)
            or free > rest.latest
        ):
            rest = None
        reduced_carers.append(
            replace(
                carer,
                start_place=place,
                shift_start=min(free, carer.shift_end),
                max_minutes=carer.max_minutes - busy
                if math.isfinite(carer.max_minutes)
                else math.inf,
                rest=rest,
                skills=carer.skills | {t for t, who in not_by.items() if who != carer.id},
            )
        )
    reduced = Problem(
        visits=tuple(visits),
        carers=tuple(reduced_carers),
        places=problem.places,
        travel=problem.travel,
        weights=problem.weights,
        max_lateness_minutes=problem.max_lateness_minutes,
    )
    names = {v.id for v in visits}
    back = {orig: name for name, orig in rename.items()}
    front_of = {r.carer: r.calls[front[r.carer] :] for r in plan.routes}
    to_place: list[str] = []
    for call in front_of.get(absent, ()):
        name = back.get((call.visit, call.need), call.visit)
        if name in names and name not in to_place:
            to_place.append(name)
    routes = []
    for route in plan.routes:
        if route.carer == absent or route.carer not in carers:
            continue
        mapped = []
        for call in front_of[route.carer]:
            name = back.get((call.visit, call.need), call.visit)
            # A double-handed visit the absent carer shared goes back in whole.
            if name not in names or name in to_place:
                continue
            mapped.append(Call(name, 0 if name in rename else call.need, call.start))
        routes.append(Route(route.carer, tuple(mapped), route.break_start))
    # Visits the plan had left out stay out; a pinned half of an absent carer's visit goes in.
    unplaced = tuple(u for u in plan.unplaced if u.visit in names)
    return RestOfDay(reduced, Plan(tuple(routes), unplaced), to_place, rename, kept)


def _owner(plan: Plan) -> dict[tuple[str, int], str]:
    return {(c.visit, c.need): r.carer for r in plan.routes for c in r.calls}


def _make_room(
    extender: Extender, plan: Plan, stuck: str, protected: set[str]
) -> tuple[Plan, str] | None:
    """Move one nearby call of another carer so that `stuck` fits; the new plan and who moved."""
    problem = extender.problem
    index = extender.index
    visit = problem.visits[index[stuck]]
    travel = problem.travel
    candidates = []
    for route in plan.routes:
        for call in route.calls:
            if call.visit in protected or call.visit.endswith(_PINNED):
                continue
            other = problem.visits[index[call.visit]]
            if other.is_double_handed:
                continue
            overlap = min(other.latest, visit.latest) - max(other.earliest, visit.earliest)
            if overlap < -60:
                continue
            candidates.append(
                (float(travel[visit.place, other.place]) - min(overlap, 0), call.visit)
            )
    candidates.sort()
    for _, name in candidates[:SWAP_CANDIDATES]:
        without = Plan(
            tuple(
                Route(r.carer, tuple(c for c in r.calls if c.visit != name), r.break_start)
                for r in plan.routes
            ),
            plan.unplaced,
        )
        tried = extender.extend(without, [stuck, name])
        if not tried.left_out:
            return tried.plan, name
    return None


def replan(problem: Problem, plan: Plan, absent: str, cutoff: float, seed: int = 0) -> Replanned:
    """Re-plan the day from `cutoff` (minutes after midnight) without carer `absent`.

    Raises ValueError when the carer has no round in the plan.
    """
    if absent not in {r.carer for r in plan.routes}:
        raise ValueError(f"carer {absent} has no round in the plan")
    rest = rest_of_day(problem, plan, absent, cutoff)
    reduced, rest_plan, to_place, rename, kept = (
        rest.problem,
        rest.plan,
        rest.to_place,
        rest.parts,
        rest.kept,
    )
    extender = Extender(reduced, seed)
    result = extender.extend(rest_plan, to_place)
    current = result.plan
    uncovered = list(result.left_out)
    protected = set(to_place)
    for item in list(uncovered):
        made = _make_room(extender, current, item.visit, protected)
        if made is not None:
            current, moved_name = made
            uncovered.remove(item)
            protected.add(moved_name)
    # Still nowhere: re-plan the few rounds nearest the call together with it.
    for item in list(uncovered):
        fitted = rearrange(reduced, current, item.visit, seed)
        if fitted is not None:
            current = fitted
            uncovered.remove(item)
    # Back to the whole day: started calls, then the re-planned rest, with original ids.
    routes = []
    rest_routes = {r.carer: r for r in current.routes}
    for route in plan.routes:
        calls = list(kept.get(route.carer, []))
        brk = route.break_start
        later = rest_routes.get(route.carer)
        if route.carer == absent:
            pass  # the absent carer's break, if planned after their last call, still fits
        elif later is not None:
            for call in later.calls:
                visit, need = rename.get(call.visit, (call.visit, call.need))
                calls.append(Call(visit, need, call.start))
            if brk is None or brk >= cutoff:
                brk = later.break_start
        elif brk is not None and brk >= cutoff:
            brk = None
        routes.append(Route(route.carer, tuple(calls), brk))
    reasons = {}
    for item in uncovered:
        left = reduced.visits[extender.index[item.visit]]
        window = f"window {clock(left.earliest)}-{clock(left.latest)}"
        tried = ", even with nearby rounds re-planned" if item.reason == NO_ROOM else ""
        reasons[rename.get(item.visit, (item.visit, 0))[0]] = f"{item.reason} ({window}{tried})"
    placed_now = {c.visit for r in routes for c in r.calls}
    unplaced = [u for u in plan.unplaced if u.visit not in placed_now]
    uncovered_out = tuple(Unplaced(v, why) for v, why in reasons.items())
    final = Plan(tuple(routes), tuple(unplaced) + uncovered_out)
    before, after = _owner(plan), _owner(final)
    moved = tuple(
        Move(v, n, absent, who)
        for (v, n), who in sorted(after.items())
        if before.get((v, n)) == absent and who != absent
    )
    others = tuple(
        Move(v, n, was, after[(v, n)])
        for (v, n), was in sorted(before.items())
        if was != absent and (v, n) in after and after[(v, n)] != was
    )
    old_start = {(c.visit, c.need): c.start for r in plan.routes for c in r.calls}
    retimed = sum(
        1
        for r in final.routes
        if r.carer != absent
        for c in r.calls
        if (c.visit, c.need) in old_start
        and before.get((c.visit, c.need)) == r.carer
        and abs(old_start[(c.visit, c.need)] - c.start) > 0.5
    )
    changed = tuple(
        sorted(
            {m.to_carer for m in moved}
            | {m.to_carer for m in others}
            | {m.from_carer for m in others}
        )
    )
    return Replanned(
        plan=final,
        absent=absent,
        cutoff=cutoff,
        kept=sum(len(v) for v in kept.values()),
        moved=moved,
        others_moved=others,
        retimed=retimed,
        rounds_changed=changed,
        uncovered=uncovered_out,
        report=check(problem, final),
    )


def parse_clock(text: str) -> float:
    """Minutes after midnight of an HH:MM time; ValueError naming what was expected."""
    hours, sep, minutes = text.strip().partition(":")
    if not (
        sep and hours.isdigit() and minutes.isdigit() and int(hours) <= 24 and int(minutes) < 60
    ):
        raise ValueError(f"expected a time of day as HH:MM, e.g. 10:30, got {text!r}")
    return 60.0 * int(hours) + int(minutes)
