"""Where a visit fits best: insertion costs estimated by pushing later calls along the route.

The estimate adds the detour, the new call's lateness and the extra lateness of
calls pushed later on the same route (waiting time absorbs part of the push). It
leaves out knock-on effects through the partners of pushed double-handed calls;
every insertion made is then rescheduled exactly by `Schedule.evaluate`.
"""

from __future__ import annotations

import random
from bisect import insort
from dataclasses import dataclass

from caremarket.brokerage.rounds.search.schedule import TRIAL_PASSES, Schedule

_INF = float("inf")
_PAIR_CANDIDATES = 8
_PAIR_KEEP = 4  # ways of placing a pair worth costing exactly (insertion tries 3)


@dataclass(slots=True)
class RouteView:
    """What insertion needs to know about one route, read once per schedule."""

    tasks: list[int]
    places: list[int]
    starts: list[float]
    finishes: list[float]
    late: list[float]
    wait: list[float]
    end_slack: float
    busy_slack: float
    load_slack: float


def view_of(schedule: Schedule, k: int) -> RouteView:
    """What insertion needs to know about route k of the schedule."""
    tb = schedule.table
    travel, place, duration, latest = tb.travel, tb.place, tb.duration, tb.latest
    start = schedule.start
    route = schedule.routes[k]
    places = [place[t] for t in route]
    starts = [start[t] for t in route]
    finishes = [start[t] + duration[t] for t in route]
    wait = []
    loc, time = tb.start_place[k], tb.shift_start[k]
    for j in range(len(route)):
        wait.append(starts[j] - time - travel[loc][places[j]])
        loc, time = places[j], finishes[j]
    return RouteView(
        tasks=route,
        places=places,
        starts=starts,
        finishes=finishes,
        late=[start[t] - latest[t] for t in route],
        wait=wait,
        end_slack=tb.shift_end[k] - schedule.route_end[k],
        busy_slack=tb.max_minutes[k] - schedule.route_busy[k],
        load_slack=tb.capacity[k] - schedule.route_load[k],
    )


def views(schedule: Schedule) -> list[RouteView]:
    """A view of every route of the schedule."""
    return [view_of(schedule, k) for k in range(len(schedule.routes))]


def _push(view: RouteView, i: int, delta: float, hard: float) -> tuple[float, float] | None:
    """Extra lateness and the largest lateness when calls from position i start `delta` later."""
    late, wait = view.late, view.wait
    m = len(late)
    extra = 0.0
    worst = 0.0
    j = i
    while j < m:
        if j > i:
            delta -= wait[j]
        if delta <= 0:
            return extra, worst
        now = late[j] + delta
        if now > 0:
            extra += now if late[j] <= 0 else delta
            if now > worst:
                worst = now
                if now > hard:
                    return None
        j += 1
    if delta > view.end_slack:
        return None
    return extra, worst


@dataclass(slots=True)
class Slot:
    """A place in a route for one task: route, position, arrival there and detour."""

    cost: float
    route: int
    pos: int
    arrival: float
    detour: float


class Inserter:
    """Greedy insertion of whole visits into a schedule, with optional cost noise."""

    def __init__(self, schedule: Schedule, rng: random.Random, noise: float = 0.0) -> None:
        self.schedule = schedule
        self.rng = rng
        tb = schedule.table
        self.noise = noise * tb.max_travel if noise else 0.0
        self.views = views(schedule)
        schedule.walked.clear()
        self.near = tb.near

    def refresh(self) -> None:
        """Re-read the routes the schedule rescheduled since the last look."""
        sc = self.schedule
        for k in sc.walked:
            self.views[k] = view_of(sc, k)
        sc.walked.clear()

    def slots(self, t: int, keep: int, granular: bool = True) -> list[Slot]:
        """The `keep` cheapest feasible places for task t alone, cheapest first.

        Granular: only next to one of the task's neighbours or at either end of a
        round; when that finds nothing, every place is tried.
        """
        found = self._slots(t, keep, granular)
        return found if found or not granular else self._slots(t, keep, False)

    def _slots(self, t: int, keep: int, granular: bool) -> list[Slot]:
        sc = self.schedule
        tb = sc.table
        travel = tb.travel
        x = tb.place[t]
        dur = tb.duration[t]
        e, lat = tb.earliest[t], tb.latest[t]
        hard = tb.hard_late
        demand = tb.demand[t]
        w_travel, w_late, w_max = tb.w_travel, tb.w_late, tb.w_max_late
        cur_max = sc.late_max
        best: list[tuple[float, int, int, float, float]] = []
        bound = _INF
        row_x = travel[x]
        near = self.near[t]
        for k in tb.eligible[t]:
            v = self.views[k]
            if demand > v.load_slack:
                continue
            pref = tb.not_preferred[t][k]
            places, finishes, starts = v.places, v.finishes, v.starts
            late_r, wait = v.late, v.wait
            m = len(places)
            ploc, pfin = tb.start_place[k], tb.shift_start[k]
            end = tb.end_place[k]
            tasks = v.tasks
            for i in range(m + 1):
                nloc = places[i] if i < m else end
                # Granular: next to a neighbour, or at either end of the round.
                if granular and 0 < i < m and tasks[i - 1] not in near and tasks[i] not in near:
                    ploc, pfin = places[i], finishes[i]
                    continue
                row_p = travel[ploc]
                leg1 = row_p[x]
                leg2 = row_x[nloc]
                detour = leg1 + leg2 - row_p[nloc]
                if w_travel * detour + pref < bound and detour + dur <= v.busy_slack:
                    arr = pfin + leg1
                    s = arr if arr > e else e
                    late = s - lat
                    ok = late <= hard
                    extra = late if late > 0 else 0.0
                    worst = extra
                    if ok and i < m:
                        # `_push`, inlined: this loop is where the planner spends its time.
                        delta = s + dur + leg2 - starts[i]
                        j = i
                        while j < m:
                            if j > i:
                                delta -= wait[j]
                            if delta <= 0:
                                break
                            now = late_r[j] + delta
                            if now > 0:
                                extra += now if late_r[j] <= 0 else delta
                                if now > worst:
                                    worst = now
                                    if now > hard:
                                        ok = False
                                        break
                            j += 1
                        else:
                            ok = delta <= v.end_slack
                    elif ok:
                        ok = s + dur + leg2 - (pfin + row_p[nloc]) <= v.end_slack
                    if ok:
                        cost = w_travel * detour + w_late * extra + pref
                        if worst > cur_max:
                            cost += w_max * (worst - cur_max)
                        if cost < bound:
                            insort(best, (cost, k, i, arr, detour))
                            if len(best) > keep:
                                best.pop()
                            if len(best) == keep:
                                bound = best[-1][0]
                if i < m:
                    ploc, pfin = places[i], finishes[i]
        return [Slot(*item) for item in best]

    def _cost_at(self, t: int, slot: Slot, s: float) -> float | None:
        """The estimated cost of task t in the slot starting at s (None when infeasible)."""
        tb = self.schedule.table
        v = self.views[slot.route]
        late = s - tb.latest[t]
        if late > tb.hard_late:
            return None
        m = len(v.places)
        x = tb.place[t]
        if slot.pos < m:
            leg2 = tb.travel[x][v.places[slot.pos]]
            pushed = _push(
                v, slot.pos, s + tb.duration[t] + leg2 - v.starts[slot.pos], tb.hard_late
            )
            if pushed is None:
                return None
            extra, worst = pushed
        else:
            extra, worst = 0.0, 0.0
            end = tb.end_place[slot.route]
            back = s + tb.duration[t] + tb.travel[x][end]
            prev = v.finishes[-1] if m else tb.shift_start[slot.route]
            ploc = v.places[-1] if m else tb.start_place[slot.route]
            if back - (prev + tb.travel[ploc][end]) > v.end_slack:
                return None
        if late > 0:
            extra += late
            worst = max(worst, late)
        cost = tb.w_travel * slot.detour + tb.w_late * extra + tb.not_preferred[t][slot.route]
        if worst > self.schedule.late_max:
            cost += tb.w_max_late * (worst - self.schedule.late_max)
        return cost

    def options(self, job: int) -> list[tuple[float, tuple[tuple[int, int, int], ...]]]:
        """Ways to insert a visit, cheapest first: (cost, ((task, route, position), ...))."""
        tb = self.schedule.table
        tasks = tb.jobs[job]
        noise = self.noise
        rng = self.rng
        found: list[tuple[float, tuple[tuple[int, int, int], ...]]]
        if len(tasks) == 1:
            (t,) = tasks
            found = [(s.cost, ((t, s.route, s.pos),)) for s in self.slots(t, keep=4)]
        else:
            a, b = tasks
            gmin, gmax = tb.gap_min[a], tb.gap_max[a]
            e = tb.earliest[a]
            found = []
            slots_a = self.slots(a, keep=_PAIR_CANDIDATES)
            slots_b = self.slots(b, keep=_PAIR_CANDIDATES)
            # Keeping in step only delays a start, and a later start never costs less:
            # the two slots' own costs bound the pair's, so pairs are tried cheapest
            # bound first and the rest dropped once the best few are found.
            pairs = sorted(
                (sa.cost + sb.cost, i, j)
                for i, sa in enumerate(slots_a)
                for j, sb in enumerate(slots_b)
                if sa.route != sb.route
            )
            kept: list[float] = []
            margin = 2 * noise
            for bound, i, j in pairs:
                if len(kept) >= _PAIR_KEEP and bound >= kept[_PAIR_KEEP - 1] + margin:
                    break
                sa, sb = slots_a[i], slots_b[j]
                start_a = max(sa.arrival, e)
                start_b = max(sb.arrival, e, start_a + gmin)
                start_a = max(start_a, start_b - gmax)
                ca = self._cost_at(a, sa, start_a)
                if ca is None:
                    continue
                cb = self._cost_at(b, sb, start_b)
                if cb is None:
                    continue
                found.append((ca + cb, ((a, sa.route, sa.pos), (b, sb.route, sb.pos))))
                insort(kept, ca + cb)
        if noise:
            found = [(c + noise * rng.uniform(-1, 1), how) for c, how in found]
        found.sort(key=lambda item: item[0])
        return found

    def insert(self, job: int, tries: int = 3) -> bool:
        """Put a visit where it costs least and reschedule; False if nowhere works."""
        sc = self.schedule
        before = None
        for _, how in self.options(job)[:tries]:
            if before is None:
                before = sc.snapshot()
            # Insert the later position first so earlier indexes stay right on one route.
            for t, k, pos in sorted(how, key=lambda h: -h[2]):
                sc.routes[k].insert(pos, t)
                sc.route_of[t] = k
                sc.lb[t] = sc.table.earliest[t]
            if sc.evaluate(dirty={k for _, k, _ in how}, limit=TRIAL_PASSES):
                self.refresh()
                return True
            for t, k, _ in how:
                sc.routes[k].remove(t)
                sc.route_of[t] = -1
            sc.restore(before)
            before = None
            self.refresh()
        return False

    def insert_all(self, jobs: list[int]) -> list[int]:
        """Insert visits in the order given; return those that fit nowhere."""
        left = []
        for job in jobs:
            if not self.insert(job):
                left.append(job)
        return left
