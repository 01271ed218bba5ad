"""Routes and their earliest start times, with double-handed visits kept in step across routes.

Given the order of calls on each route, the earliest start of every call is the
least solution of a system of difference constraints (arrive before you start,
open windows, gaps between the two carers of a visit). Starting earlier never
costs more (lateness only grows with time), so the earliest schedule is the best
schedule for those routes. It is found by walking routes and raising lower bounds
across pairs; a chain of pairs that never settles (e.g. A before B on one route and
B before A on another) has no schedule.
"""

from __future__ import annotations

import math

from caremarket.brokerage.rounds.search.tasks import TaskTable

_EPS = 1e-9
# A trial insertion that has not settled after this many passes is given up: the
# chains of pairs of feasible schedules settle within about a dozen passes, while an
# order that never settles would run to the full limit first.
TRIAL_PASSES = 16
_STATE = (
    "start",
    "lb",
    "route_travel",
    "route_break",
    "route_load",
    "route_busy",
    "route_end",
    "route_late",
    "route_late_max",
    "route_pref",
    "route_firsts",
)
_TOTALS = ("feasible", "cost", "travel", "late_sum", "late_max", "num_unplaced")


class Schedule:
    """A set of routes, their earliest start times and costs; mutable, copied by `copy`."""

    def __init__(self, table: TaskTable) -> None:
        self.table = table
        k = table.num_carers
        n = table.num_tasks
        self.routes: list[list[int]] = [[] for _ in range(k)]
        self.route_of = [-1] * n
        self.start = list(table.earliest)
        self.lb = list(table.earliest)
        self.route_travel = [0.0] * k
        self.route_break: list[float | None] = [None] * k
        self.route_load = [0.0] * k
        self.route_busy = [0.0] * k
        self.route_end = list(table.shift_start)
        self.route_late = [0.0] * k
        self.route_late_max = [0.0] * k
        self.route_pref = [0.0] * k
        self.route_firsts = [0] * k
        self.feasible = True
        self.cost = math.inf
        self.travel = 0.0
        self.late_sum = 0.0
        self.late_max = 0.0
        self.num_unplaced = len(table.jobs)
        self.walked: set[int] = set()
        # A chain of n pairs settles within n + 1 passes; more means it never will.
        self.pass_limit = sum(1 for t in table.partner if t >= 0) // 2 + 2
        self.has_preferences = any(any(row) for row in table.not_preferred)

    def copy(self) -> Schedule:
        """An independent copy."""
        other = Schedule.__new__(Schedule)
        other.__dict__.update(self.__dict__)
        other.routes = [list(r) for r in self.routes]
        other.route_of = list(self.route_of)
        for name in _STATE:
            setattr(other, name, list(getattr(self, name)))
        other.walked = set(self.walked)
        return other

    def snapshot(self) -> tuple[object, ...]:
        """The times and totals (not the routes), to `restore` after a trial that failed."""
        return tuple(list(getattr(self, n)) for n in _STATE) + tuple(
            getattr(self, n) for n in _TOTALS
        )

    def restore(self, state: tuple[object, ...]) -> None:
        """Put back the times and totals of a `snapshot`."""
        for name, value in zip(_STATE + _TOTALS, state, strict=True):
            setattr(self, name, value)

    def assign(self) -> None:
        """Recompute which route each task is on."""
        route_of = [-1] * self.table.num_tasks
        for k, route in enumerate(self.routes):
            for t in route:
                route_of[t] = k
        self.route_of = route_of

    def evaluate(self, dirty: set[int] | None = None, limit: int | None = None) -> bool:
        """Recompute start times and costs; `dirty` routes only (after insertions) or all.

        Returns whether the routes have a schedule meeting every hard rule (False
        too when `limit` passes of raising pairs' starts did not settle it).
        """
        tb = self.table
        if dirty is None:
            self.lb = list(tb.earliest)
            dirty = set(range(tb.num_carers))
            self.assign()
        partner, is_second, gmin, gmax = tb.partner, tb.is_second, tb.gap_min, tb.gap_max
        lb, start, route_of = self.lb, self.start, self.route_of
        passes = 0
        limit = self.pass_limit if limit is None else min(limit, self.pass_limit)
        while dirty:
            passes += 1
            if passes > limit:
                self.feasible = False
                return False
            walked = dirty
            self.walked |= walked
            dirty = set()
            for k in walked:
                if not self._walk(k):
                    self.feasible = False
                    return False
            for k in walked:
                for t in self.routes[k]:
                    q = partner[t]
                    if q < 0 or route_of[q] < 0:
                        continue
                    a, b = (q, t) if is_second[t] else (t, q)
                    if start[b] < start[a] + gmin[a] - _EPS:
                        lb[b] = start[a] + gmin[a]
                        dirty.add(route_of[b])
                    if start[a] < start[b] - gmax[a] - _EPS:
                        lb[a] = start[b] - gmax[a]
                        dirty.add(route_of[a])
        self._totals()
        return self.feasible

    def _walk(self, k: int) -> bool:
        tb = self.table
        travel, place, duration = tb.travel, tb.place, tb.duration
        lb, start = self.lb, self.start
        time = tb.shift_start[k]
        loc = tb.start_place[k]
        rest = tb.rest[k]
        taken = rest is None
        rest_at: float | None = None
        dist = 0.0
        busy = 0.0
        load = 0.0
        late_sum = 0.0
        late_max = 0.0
        demand, latest = tb.demand, tb.latest
        route = self.routes[k]
        for t in route:
            n = place[t]
            leg = travel[loc][n]
            if not taken:
                assert rest is not None
                s = time + leg
                if s < lb[t]:
                    s = lb[t]
                if s > rest[0]:
                    rest_at = time if time > rest[0] else rest[0]
                    if rest_at > rest[1]:
                        return False
                    time = rest_at + rest[2]
                    taken = True
            s = time + leg
            if s < lb[t]:
                s = lb[t]
            start[t] = s
            if s > latest[t]:
                late_sum += s - latest[t]
                if s - latest[t] > late_max:
                    late_max = s - latest[t]
            time = s + duration[t]
            loc = n
            dist += leg
            busy += leg + duration[t]
            load += demand[t]
        if route:
            if not taken and rest is not None and time > rest[0]:
                if time > rest[1]:
                    return False
                rest_at = time
                time += rest[2]
            leg = travel[loc][tb.end_place[k]]
            dist += leg
            busy += leg
            time += leg
            if (
                time > tb.shift_end[k] + _EPS
                or busy > tb.max_minutes[k] + _EPS
                or load > tb.capacity[k] + _EPS
            ):
                return False
        else:
            time = tb.shift_start[k]
        self.route_travel[k] = dist
        self.route_break[k] = rest_at
        self.route_busy[k] = busy
        self.route_load[k] = load
        self.route_end[k] = time
        self.route_late[k] = late_sum
        self.route_late_max[k] = late_max
        second = tb.is_second
        self.route_firsts[k] = len(route) - sum(1 for t in route if second[t])
        if self.has_preferences:
            row = tb.not_preferred
            self.route_pref[k] = sum(row[t][k] for t in route)
        return True

    def _totals(self) -> None:
        tb = self.table
        late_sum = sum(self.route_late)
        late_max = max(self.route_late_max, default=0.0)
        placed = sum(self.route_firsts)
        self.feasible = late_max <= tb.hard_late + _EPS
        self.travel = sum(self.route_travel)
        self.late_sum = late_sum
        self.late_max = late_max
        self.num_unplaced = len(tb.jobs) - placed
        pref = sum(self.route_pref) if self.has_preferences else 0.0
        self.cost = (
            tb.w_travel * self.travel
            + tb.w_late * late_sum
            + tb.w_max_late * late_max
            + pref
            + tb.w_unplaced * self.num_unplaced
        )

    def remove_jobs(self, jobs: list[int]) -> None:
        """Take whole visits off their routes and reschedule from scratch."""
        tb = self.table
        gone = {t for j in jobs for t in tb.jobs[j]}
        self.routes = [[t for t in r if t not in gone] for r in self.routes]
        self.evaluate()
