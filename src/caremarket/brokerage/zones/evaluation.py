"""Evaluate a scenario with real rounds: plan every zone's calls on every simulated day.

For each day and zone, the zone's calls become a rounds `Problem` (homes and
branch offices as places, calibrated road minutes between them) with carers
offered at the zone's branches in their shares; the rounds planner plans it
and its independent checker measures it. Figures per zone and in total:
travel minutes per contact hour, carers needed (the most busy at once in a day),
calls unplaced, and hours a carer spends on the road a shift; and, of the calls of
people waiting on the interim care list, how many were made.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from caremarket.brokerage.rounds import (
    Carer,
    Gap,
    Need,
    Place,
    Plan,
    Problem,
    Visit,
    Weights,
    check,
    solve,
)
from caremarket.brokerage.zones.parameters import EvaluationParameters, evaluation_parameters
from caremarket.brokerage.zones.scenario import Branch, Scenario
from caremarket.brokerage.zones.simulation import Call, Client, Day

# Travel and lateness cost minute for minute, as in the rounds planner's care templates.
WEIGHTS = Weights(travel=1.0, lateness=1.0, max_lateness=1.0)


@dataclass(frozen=True, slots=True)
class ZoneDay:
    """One zone's planned day, as the checker measured it."""

    zone: str
    day: int
    calls: int
    carers_offered: int
    carers_used: int
    carers_at_peak: int
    """Most carers travelling to or making a call at one moment of the day."""
    journeys: int
    """Drives between two different places, office legs included."""
    travel_minutes: float
    contact_minutes: float
    unplaced: int
    seconds: float
    stopped_by_time: bool
    waiting_calls: int = 0
    """Calls of people on the interim care list."""
    waiting_unplaced: int = 0


@dataclass(frozen=True)
class Figures:
    """Evaluation figures for a zone or for all zones together, over the simulated days."""

    zone: str
    days: int
    calls: int
    contact_hours: float
    travel_hours: float
    carer_shifts: int
    carers_at_peak: int
    """Summed over zones and days: each zone's most carers busy at once on a day."""
    journeys: int
    """Drives between two different places, office legs included."""
    unplaced: int
    waiting_calls: int = 0
    """Calls of people on the interim care list."""
    waiting_unplaced: int = 0
    """Of those, calls no carer could make."""

    @property
    def travel_minutes_per_contact_hour(self) -> float | None:
        """Minutes on the road for each hour in people's homes (None when no care is placed)."""
        return 60 * self.travel_hours / self.contact_hours if self.contact_hours else None

    @property
    def minutes_per_journey(self) -> float | None:
        """Road minutes a drive on average (None when no one drives)."""
        return 60 * self.travel_hours / self.journeys if self.journeys else None

    @property
    def carers_per_day(self) -> float:
        """Carers given a round, a day on average."""
        return self.carer_shifts / self.days if self.days else 0.0

    @property
    def carers_needed(self) -> float:
        """Carers needed a day on average: the most busy at once in each zone, summed."""
        return self.carers_at_peak / self.days if self.days else 0.0

    @property
    def road_hours_per_shift(self) -> float | None:
        """Hours a carer spends on the road in a shift (None when no carer works)."""
        return self.travel_hours / self.carer_shifts if self.carer_shifts else None


@dataclass(frozen=True)
class Evaluation:
    """A scenario's planned days: per zone, in total, and how long planning took."""

    scenario: str
    zone_days: tuple[ZoneDay, ...]
    days: int
    seconds: float

    def per_zone(self) -> list[Figures]:
        """Figures for each zone, in zone order."""
        zones = sorted({z.zone for z in self.zone_days}, key=_zone_key)
        return [
            self._figures(zone, [z for z in self.zone_days if z.zone == zone]) for zone in zones
        ]

    def total(self) -> Figures:
        """Figures for all zones together."""
        return self._figures("all", list(self.zone_days))

    @property
    def stopped_by_time(self) -> int:
        """Zone-days the time limit cut short (their plans depend on the machine's speed)."""
        return sum(z.stopped_by_time for z in self.zone_days)

    def _figures(self, zone: str, parts: Sequence[ZoneDay]) -> Figures:
        return Figures(
            zone=zone,
            days=self.days,
            calls=sum(z.calls for z in parts),
            contact_hours=sum(z.contact_minutes for z in parts) / 60,
            travel_hours=sum(z.travel_minutes for z in parts) / 60,
            carer_shifts=sum(z.carers_used for z in parts),
            carers_at_peak=sum(z.carers_at_peak for z in parts),
            journeys=sum(z.journeys for z in parts),
            unplaced=sum(z.unplaced for z in parts),
            waiting_calls=sum(z.waiting_calls for z in parts),
            waiting_unplaced=sum(z.waiting_unplaced for z in parts),
        )


def _zone_key(zone: str) -> tuple[int, str]:
    return (int(zone), "") if zone.isdigit() else (1 << 30, zone)


class _Budget:
    """Stop after a number of iterations, or earlier at the evaluation's deadline (wall-clock
    seconds since the epoch, shared by every process). The search's schedule follows the
    iterations alone, so a zone-day planned before the deadline is the same on any machine."""

    def __init__(self, iterations: int, deadline: float) -> None:
        self.iterations = iterations
        self.deadline = deadline
        self.timed_out = False

    def __call__(self, iteration: int) -> bool:
        if iteration >= self.iterations:
            return True
        if time.time() >= self.deadline:
            self.timed_out = True
            return True
        return False

    def fraction(self, iteration: int) -> float:
        return min(1.0, iteration / self.iterations) if self.iterations else 1.0


def carers_offered(calls: Sequence[Call], parameters: EvaluationParameters) -> int:
    """Carers offered for a set of calls: the busiest slot's care minutes over its length,
    with the travel allowance and slack (at least two when a call needs two carers)."""
    minutes: dict[str, float] = {}
    for call in calls:
        minutes[call.slot] = minutes.get(call.slot, 0.0) + call.minutes * (
            2 if call.double_handed else 1
        )
    busiest = max(
        (
            m / max(parameters.slots[s].closes - parameters.slots[s].opens, 1.0)
            for s, m in minutes.items()
        ),
        default=0.0,
    )
    wanted = math.ceil(busiest * (1 + parameters.travel_allowance) * parameters.fleet_slack)
    return max(wanted, 2 if any(c.double_handed for c in calls) else 1)


def zone_problem(
    calls: Sequence[Call],
    clients: Sequence[Client],
    crew: Sequence[tuple[str, float]],
    branches: dict[str, Branch],
    parameters: EvaluationParameters,
    prefix: str = "",
) -> Problem:
    """The rounds problem of one zone's calls on a day, carers at the crew's branches."""
    place_of: dict[int, int] = {}
    places: list[Place] = []
    areas: list[str | None] = []
    for call in calls:
        if call.client not in place_of:
            client = clients[call.client]
            place_of[call.client] = len(places)
            places.append(Place(client.person, client.east, client.north))
            areas.append(client.area)
    office: dict[str, int] = {}
    for branch_id, _share in crew:
        branch = branches[branch_id]
        office[branch_id] = len(places)
        places.append(Place(branch.id, branch.east, branch.north))
        areas.append(branch.area)
    visits = tuple(
        Visit(
            id=call.id,
            person=clients[call.client].person,
            place=place_of[call.client],
            earliest=call.earliest,
            latest=call.latest,
            needs=(Need(frozenset(), call.minutes),) * (2 if call.double_handed else 1),
            gap=Gap() if call.double_handed else None,
        )
        for call in calls
    )
    carers = []
    for k, branch_id in enumerate(_crew_seats(crew, carers_offered(calls, parameters))):
        carers.append(
            Carer(
                id=f"{prefix}{branch_id}#{k + 1}",
                start_place=office[branch_id],
                end_place=office[branch_id],
                shift_start=parameters.shift_start,
                shift_end=parameters.shift_end,
                skills=frozenset(),
            )
        )
    return Problem(
        visits=visits,
        carers=tuple(carers),
        places=tuple(places),
        travel=road_minutes(places, parameters, areas),
        weights=WEIGHTS,
        max_lateness_minutes=parameters.max_lateness_minutes,
    )


def _crew_seats(crew: Sequence[tuple[str, float]], count: int) -> list[str]:
    """`count` carers shared among branches by their shares (largest remainders)."""
    exact = [share * count for _, share in crew]
    seats = [math.floor(v) for v in exact]
    order = sorted(range(len(crew)), key=lambda i: (-(exact[i] - seats[i]), i))
    for i in order[: count - sum(seats)]:
        seats[i] += 1
    return [crew[i][0] for i in range(len(crew)) for _ in range(seats[i])]


def road_minutes(
    places: Sequence[Place],
    parameters: EvaluationParameters,
    areas: Sequence[str | None] | None = None,
) -> np.ndarray:
    """Road minutes between places in OS grid metres by the declared road model, at the
    speed of each place's area (0 within one place)."""
    xy = np.array([(p.x, p.y) for p in places], dtype=float).reshape(-1, 2)
    km = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1)) / 1000.0
    km[km < 1e-6] = 0.0
    return parameters.road.minutes(km, areas)


@dataclass(frozen=True)
class _Task:
    zone: str
    day: int
    problem: Problem
    iterations: int
    deadline: float
    seed: int
    waiting: frozenset[str] = frozenset()
    """Ids of the calls of people waiting on the interim care list."""


def _plan(task: _Task) -> ZoneDay:
    started = time.perf_counter()
    budget = _Budget(task.iterations, task.deadline)
    plan = solve(task.problem, budget, seed=task.seed)
    report = check(task.problem, plan)
    return ZoneDay(
        zone=task.zone,
        day=task.day,
        calls=len(task.problem.visits),
        carers_offered=len(task.problem.carers),
        carers_used=sum(1 for r in plan.routes if r.calls),
        carers_at_peak=peak_carers(task.problem, plan),
        journeys=journeys(task.problem, plan),
        travel_minutes=report.travel_minutes,
        contact_minutes=report.contact_minutes,
        unplaced=len(plan.unplaced),
        seconds=time.perf_counter() - started,
        stopped_by_time=budget.timed_out,
        waiting_calls=len(task.waiting),
        waiting_unplaced=sum(1 for u in plan.unplaced if u.visit in task.waiting),
    )


def journeys(problem: Problem, plan: Plan) -> int:
    """Drives between two different places in the plan's rounds, office legs included."""
    visits = problem.visit_index()
    carers = problem.carer_index()
    count = 0
    for route in plan.routes:
        if not route.calls:
            continue
        carer = problem.carers[carers[route.carer]]
        stops = [carer.start_place]
        stops += [problem.visits[visits[c.visit]].place for c in route.calls]
        stops.append(carer.end_place)
        count += sum(1 for a, b in itertools.pairwise(stops) if a != b)
    return count


def peak_carers(problem: Problem, plan: Plan) -> int:
    """Most carers busy at once (on the road to a call, or in one): the carers a zone needs."""
    visits = problem.visit_index()
    carers = problem.carer_index()
    events: list[tuple[float, int]] = []
    for route in plan.routes:
        carer = problem.carers[carers[route.carer]]
        where = carer.start_place
        for call in route.calls:
            visit = problem.visits[visits[call.visit]]
            leave = call.start - float(problem.travel[where][visit.place])
            events += [(leave, 1), (call.start + visit.needs[call.need].duration, -1)]
            where = visit.place
    peak = busy = 0
    for _, change in sorted(events):
        busy += change
        peak = max(peak, busy)
    return peak


def evaluate(
    scenario: Scenario,
    clients: Sequence[Client],
    days: Sequence[Day],
    branches: dict[str, Branch],
    *,
    seconds_per_day: float = 60.0,
    iterations: int | None = None,
    seed: int = 0,
    workers: int = 1,
    progress: Callable[[ZoneDay], None] | None = None,
    parameters: EvaluationParameters | None = None,
) -> Evaluation:
    """Plan every zone of the scenario on every day, zone-days shared among `workers`
    processes, each to the declared iterations with its own seed; planning stops at
    `seconds_per_day` x days of wall-clock time (the zone-days it cuts short are counted)."""
    p = parameters or evaluation_parameters()
    started = time.perf_counter()
    deadline = time.time() + seconds_per_day * len(days)
    tasks = []
    for day in days:
        by_zone: dict[str, list[Call]] = {}
        for call in day.calls:
            by_zone.setdefault(scenario.zone_of[call.client], []).append(call)
        for zone in sorted(by_zone, key=_zone_key):
            calls = by_zone[zone]
            problem = zone_problem(calls, clients, scenario.crews[zone], branches, p)
            tasks.append(
                _Task(
                    zone,
                    day.number,
                    problem,
                    iterations or p.iterations,
                    deadline,
                    seed + day.number,
                    frozenset(c.id for c in calls if clients[c.client].waiting),
                )
            )
    # Biggest first, so the workers finish together.
    tasks.sort(key=lambda t: -len(t.problem.visits))
    results = []
    if workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_plan, tasks):
                results.append(result)
                if progress:
                    progress(result)
    else:
        for task in tasks:
            result = _plan(task)
            results.append(result)
            if progress:
                progress(result)
    results.sort(key=lambda z: (z.day, _zone_key(z.zone)))
    return Evaluation(scenario.name, tuple(results), len(days), time.perf_counter() - started)
