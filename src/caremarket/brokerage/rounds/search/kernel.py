"""Compiled moves and exact re-scheduling for the annealer: arrays in, arrays out.

Everything here is compiled with Numba and reads only numpy arrays (see
`search/anneal.py` for how a `TaskTable` becomes arrays). Routes are rows of
`routes` (tasks in order, `rlen` long); `route_of` and `pos` say where each task
is (-1: not placed). The schedule of a set of routes is the same earliest schedule
`search/schedule.py` computes (arrive before you start, windows open, the two starts
of a double-handed visit `gap_min`..`gap_max` apart, raised across routes until
they settle), so a move is scored exactly. After a move only what it can reach is
swept again: the changed routes from their first changed call, every call whose
partner is swept, and the calls after those; the rest keeps its starts and running
totals, which are put back from an undo log when the move is refused.

Task columns: `ti[t] = (place, partner, is_second)`, `tf[t] = (duration, earliest,
latest, gap_min, gap_max)`; carer columns: `ci[k] = (start place, end place)`,
`cf[k] = (shift start, shift end)`; `w = (travel, lateness, max lateness, hard
lateness bound)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

_F = TypeVar("_F", bound=Callable[..., Any])
Ints = npt.NDArray[np.int64]
Ints2 = npt.NDArray[np.int64]  # two-dimensional
Floats = npt.NDArray[np.float64]
Floats2 = npt.NDArray[np.float64]  # two-dimensional
Bools2 = npt.NDArray[np.bool_]  # two-dimensional

EPS = 1e-9
# Task and carer columns.
PLACE, PARTNER, SECOND = 0, 1, 2
DURATION, EARLIEST, LATEST, GAP_MIN, GAP_MAX = 0, 1, 2, 3, 4
START_PLACE, END_PLACE = 0, 1
SHIFT_START, SHIFT_END = 0, 1
# Moves, in the order of their weights and counters.
RELOCATE, SWAP, PAIR, TWO_OPT, TWO_OPT_STAR = 0, 1, 2, 3, 4
NUM_MOVES = 5
# Counter columns per move: tried (a move could be made), scheduled, accepted.
TRIED, SCHEDULED, ACCEPTED = 0, 1, 2
# `state` holds the current cost, the best cost, and the current cost less its travel.
CURRENT, BEST, LATENESS = 0, 1, 2


def compiled(fn: _F) -> _F:
    """Compile a function with Numba, cached on disk beside this module."""
    return cast(_F, numba.njit(cache=True)(fn))


def inlined(fn: _F) -> _F:
    """Compile a small function to be inlined where it is called."""
    return cast(_F, numba.njit(cache=True, inline="always")(fn))


@compiled
def _run(
    routes: Ints2,
    rlen: Ints,
    route_of: Ints,
    pos: Ints,
    ti: Ints2,
    tf: Floats2,
    cf: Floats2,
    ci: Ints2,
    travel: Floats2,
    lb: Floats,
    start: Floats,
    pre: Floats2,
    idx: Ints,
    racc: Floats2,
    loc: Ints,
    stack: Ints,
    dirty_from: Ints,
) -> int:
    """One sweep of the routes from `dirty_from` on, in an order that respects pairs.

    Returns 0 when settled, 1 when a lower bound was raised (sweep again), -1 when
    the order has no schedule. Calls before `dirty_from[k]` keep their start and
    running totals (`pre`: travel, lateness and largest lateness up to the call). A
    call waits while its partner is not yet due; two partners due together start
    together within their gap. When every route waits, the first call of a pair is
    let go alone (from a lower bound its partner implies); if its partner then comes
    later than the gap allows, its lower bound is raised. When only second calls
    wait, the order has none. (Written out in one function: calls to small compiled
    functions that take arrays cost more than their work here.)
    """
    num_routes = rlen.shape[0]
    remaining = 0
    for r in range(num_routes):
        d = dirty_from[r]
        idx[r] = d
        if d > 0:
            prev = routes[r, d - 1]
            racc[r, 0] = start[prev] + tf[prev, DURATION]
            loc[r] = ti[prev, PLACE]
            racc[r, 1] = pre[prev, 0]
            racc[r, 2] = pre[prev, 1]
            racc[r, 3] = pre[prev, 2]
        else:
            racc[r, 0] = cf[r, SHIFT_START]
            loc[r] = ci[r, START_PLACE]
            racc[r, 1] = 0.0
            racc[r, 2] = 0.0
            racc[r, 3] = 0.0
        stack[r] = r
        remaining += rlen[r] - d
    ns = num_routes
    raised = 0
    forced = -1
    while remaining > 0:
        while ns > 0:
            ns -= 1
            k = stack[ns]
            while idx[k] < rlen[k]:
                t = routes[k, idx[k]]
                q = ti[t, PARTNER]
                s = racc[k, 0] + travel[loc[k], ti[t, PLACE]]
                if s < lb[t]:
                    s = lb[t]
                t2 = -1
                k2 = -1
                s2 = 0.0
                if q >= 0 and route_of[q] >= 0:
                    kq = route_of[q]
                    second = ti[t, SECOND] != 0
                    if second and pos[q] < idx[kq]:
                        if s < start[q] + tf[q, GAP_MIN]:
                            s = start[q] + tf[q, GAP_MIN]
                        if s > start[q] + tf[q, GAP_MAX] + EPS:
                            lb[q] = s - tf[q, GAP_MAX]
                            raised = 1
                    elif idx[kq] == pos[q]:
                        sq = racc[kq, 0] + travel[loc[kq], ti[q, PLACE]]
                        if sq < lb[q]:
                            sq = lb[q]
                        if second:
                            if sq < s - tf[q, GAP_MAX]:
                                sq = s - tf[q, GAP_MAX]
                            if s < sq + tf[q, GAP_MIN]:
                                s = sq + tf[q, GAP_MIN]
                        else:
                            if s < sq - tf[t, GAP_MAX]:
                                s = sq - tf[t, GAP_MAX]
                            if sq < s + tf[t, GAP_MIN]:
                                sq = s + tf[t, GAP_MIN]
                        t2 = q
                        k2 = kq
                        s2 = sq
                        stack[ns] = kq
                        ns += 1
                    elif forced == k and not second:
                        forced = -1
                    else:
                        break
                for c in range(2):
                    if c == 0:
                        tt, kk, ss = t, k, s
                    elif t2 >= 0:
                        tt, kk, ss = t2, k2, s2  # type: ignore[assignment]
                    else:
                        break
                    p = ti[tt, PLACE]
                    racc[kk, 1] += travel[loc[kk], p]
                    late = ss - tf[tt, LATEST]
                    if late > 0.0:
                        racc[kk, 2] += late
                        if late > racc[kk, 3]:
                            racc[kk, 3] = late
                    pre[tt, 0] = racc[kk, 1]
                    pre[tt, 1] = racc[kk, 2]
                    pre[tt, 2] = racc[kk, 3]
                    start[tt] = ss
                    racc[kk, 0] = ss + tf[tt, DURATION]
                    loc[kk] = p
                    idx[kk] += 1
                    remaining -= 1
        if remaining == 0:
            break
        # Every route waits: let the first call of one pair go alone.
        forced = -1
        for r in range(num_routes):
            if idx[r] < rlen[r] and ti[routes[r, idx[r]], SECOND] == 0:
                forced = r
                break
        if forced < 0:
            return -1
        # Its partner cannot start before the calls ahead of it on its own route, each
        # at its lower bound, are made: the first call cannot start more than the gap
        # before that (a bound implied by the rules, so the schedule stays the least).
        a = routes[forced, idx[forced]]
        b = ti[a, PARTNER]
        kb = route_of[b]
        clock_b = racc[kb, 0]
        loc_b = loc[kb]
        sb = 0.0
        for i in range(idx[kb], pos[b] + 1):
            x = routes[kb, i]
            sb = clock_b + travel[loc_b, ti[x, PLACE]]
            if sb < lb[x]:
                sb = lb[x]
            clock_b = sb + tf[x, DURATION]
            loc_b = ti[x, PLACE]
        if sb - tf[a, GAP_MAX] > lb[a]:
            lb[a] = sb - tf[a, GAP_MAX]
        stack[ns] = forced
        ns += 1
    return raised


@compiled
def evaluate(
    routes: Ints2,
    rlen: Ints,
    route_of: Ints,
    pos: Ints,
    ti: Ints2,
    tf: Floats2,
    cf: Floats2,
    ci: Ints2,
    travel: Floats2,
    w: Floats,
    lb: Floats,
    start: Floats,
    pre: Floats2,
    idx: Ints,
    racc: Floats2,
    loc: Ints,
    stack: Ints,
    span: Ints2,
    undo_t: Ints,
    undo_v: Floats2,
    acc: Floats,
    max_runs: int,
    bak: Ints2,
    bak_len: Ints,
    bak_k: Ints,
    nchanged: int,
) -> float:
    """The cost of the routes' earliest schedule, or infinity when they have none.

    Only what a change can reach is swept again: the routes saved in `bak` (their
    `nchanged` old orders) from their first changed call, and from there every call
    whose partner's start may move, and the calls after it (`span[k, 0]`). Starts
    and running totals so overwritten are logged in `undo_*` (`acc[4]` of them) for
    `undo`. With `nchanged` < 0 every route is swept from its start. Infinity too
    when `max_runs` sweeps did not settle the pairs (a trial refused).
    """
    num_routes = rlen.shape[0]
    dirty_from = span[:, 0]
    scanned = span[:, 1]
    ns = 0
    for k in range(num_routes):
        dirty_from[k] = 0 if nchanged < 0 else rlen[k]
        scanned[k] = rlen[k]
        if nchanged < 0:
            scanned[k] = 0
    for j in range(max(nchanged, 0)):
        k = bak_k[j]
        d = 0
        m = min(rlen[k], bak_len[j])
        while d < m and routes[k, d] == bak[j, d]:
            d += 1
        if d < dirty_from[k]:
            dirty_from[k] = d
            stack[ns] = k
            ns += 1
    # Close over pairs: a call swept again moves its partner's start too.
    while ns > 0:
        ns -= 1
        k = stack[ns]
        for i in range(dirty_from[k], scanned[k]):
            q = ti[routes[k, i], PARTNER]
            if q >= 0 and route_of[q] >= 0:
                kq = route_of[q]
                if pos[q] < dirty_from[kq]:
                    dirty_from[kq] = pos[q]
                    stack[ns] = kq
                    ns += 1
        if dirty_from[k] < scanned[k]:
            scanned[k] = dirty_from[k]
    nu = 0
    for k in range(num_routes):
        for i in range(dirty_from[k], rlen[k]):
            t = routes[k, i]
            undo_t[nu] = t
            undo_v[nu, 0] = start[t]
            undo_v[nu, 1] = pre[t, 0]
            undo_v[nu, 2] = pre[t, 1]
            undo_v[nu, 3] = pre[t, 2]
            nu += 1
            lb[t] = tf[t, EARLIEST]
    acc[4] = nu
    for _ in range(max_runs):
        acc[3] += 1
        outcome = _run(routes, rlen, route_of, pos, ti, tf, cf, ci, travel, lb, start, pre,
                       idx, racc, loc, stack, dirty_from)  # fmt: skip
        if outcome < 0:
            return math.inf
        if outcome == 0:
            dist = 0.0
            late_sum = 0.0
            late_max = 0.0
            for k in range(num_routes):
                if rlen[k] > 0:
                    last = routes[k, rlen[k] - 1]
                    leg = travel[loc[k], ci[k, END_PLACE]]
                    if racc[k, 0] + leg > cf[k, SHIFT_END] + EPS:
                        return math.inf
                    dist += pre[last, 0] + leg
                    late_sum += pre[last, 1]
                    if pre[last, 2] > late_max:
                        late_max = pre[last, 2]
            if late_max > w[3] + EPS:
                return math.inf
            acc[0] = dist
            acc[1] = late_sum
            acc[2] = late_max
            return float(w[0] * dist + w[1] * late_sum + w[2] * late_max)
    return math.inf


@inlined
def undo(start: Floats, pre: Floats2, undo_t: Ints, undo_v: Floats2, acc: Floats) -> None:
    """Put back the starts and running totals the last evaluation overwrote."""
    for j in range(int(acc[4])):
        t = undo_t[j]
        start[t] = undo_v[j, 0]
        pre[t, 0] = undo_v[j, 1]
        pre[t, 1] = undo_v[j, 2]
        pre[t, 2] = undo_v[j, 3]


@inlined
def _remove(
    routes: Ints2,
    rlen: Ints,
    pos: Ints,
    k: int,
    i: int,
) -> None:
    for j in range(i, rlen[k] - 1):
        routes[k, j] = routes[k, j + 1]
        pos[routes[k, j]] = j
    rlen[k] -= 1


@inlined
def _insert(
    routes: Ints2,
    rlen: Ints,
    route_of: Ints,
    pos: Ints,
    k: int,
    i: int,
    t: int,
) -> None:
    for j in range(rlen[k], i, -1):
        routes[k, j] = routes[k, j - 1]
        pos[routes[k, j]] = j
    routes[k, i] = t
    pos[t] = i
    route_of[t] = k
    rlen[k] += 1


@inlined
def _save(
    routes: Ints2,
    rlen: Ints,
    k: int,
    bak: Ints2,
    bak_len: Ints,
    bak_k: Ints,
    nsaved: int,
) -> int:
    for s in range(nsaved):
        if bak_k[s] == k:
            return nsaved
    for i in range(rlen[k]):
        bak[nsaved, i] = routes[k, i]
    bak_len[nsaved] = rlen[k]
    bak_k[nsaved] = k
    return nsaved + 1


@inlined
def _restore(
    routes: Ints2,
    rlen: Ints,
    route_of: Ints,
    pos: Ints,
    bak: Ints2,
    bak_len: Ints,
    bak_k: Ints,
    nsaved: int,
) -> None:
    for s in range(nsaved):
        k = bak_k[s]
        rlen[k] = bak_len[s]
        for i in range(bak_len[s]):
            t = bak[s, i]
            routes[k, i] = t
            route_of[t] = k
            pos[t] = i


@inlined
def _allowed(
    t: int,
    k: int,
    ti: Ints2,
    elig: Bools2,
    route_of: Ints,
) -> bool:
    """Whether task t may be on route k: the carer is qualified and not the partner's carer."""
    if not elig[t, k]:
        return False
    q = ti[t, PARTNER]
    return not (q >= 0 and route_of[q] == k)


@inlined
def _reverse(
    routes: Ints2,
    pos: Ints,
    k: int,
    i: int,
    j: int,
) -> None:
    while i < j:
        a = routes[k, i]
        routes[k, i] = routes[k, j]
        routes[k, j] = a
        pos[routes[k, i]] = i
        pos[routes[k, j]] = j
        i += 1
        j -= 1


@compiled
def _move(
    kind: int,
    t: int,
    routes: Ints2,
    rlen: Ints,
    route_of: Ints,
    pos: Ints,
    ti: Ints2,
    elig: Bools2,
    near: Ints2,
    any_route: float,
    bak: Ints2,
    bak_len: Ints,
    bak_k: Ints,
    tmp: Ints,
) -> int:
    """Make one move of the given kind around task t; the number of routes saved (0: none made)."""
    num_routes = rlen.shape[0]
    kt = route_of[t]
    u = near[t, np.random.randint(near.shape[1])]
    ns = 0
    if kind == RELOCATE:
        if np.random.random() < any_route:
            k = np.random.randint(num_routes)
            u = -1
        else:
            if u == t or route_of[u] < 0:
                return 0
            k = route_of[u]
        if k != kt and not _allowed(t, k, ti, elig, route_of):
            return 0
        old = pos[t]
        ns = _save(routes, rlen, kt, bak, bak_len, bak_k, ns)
        ns = _save(routes, rlen, k, bak, bak_len, bak_k, ns)
        _remove(routes, rlen, pos, kt, old)
        i = np.random.randint(rlen[k] + 1) if u < 0 else pos[u] + np.random.randint(2)
        if k == kt and i == old:
            _insert(routes, rlen, route_of, pos, k, i, t)
            return 0
        _insert(routes, rlen, route_of, pos, k, i, t)
        return ns
    if kind == SWAP:
        if u == t or route_of[u] < 0 or u == ti[t, PARTNER]:
            return 0
        ku = route_of[u]
        if ku != kt and not (
            elig[t, ku]
            and elig[u, kt]
            and (ti[t, PARTNER] < 0 or route_of[ti[t, PARTNER]] != ku)
            and (ti[u, PARTNER] < 0 or route_of[ti[u, PARTNER]] != kt)
        ):
            return 0
        ns = _save(routes, rlen, kt, bak, bak_len, bak_k, ns)
        ns = _save(routes, rlen, ku, bak, bak_len, bak_k, ns)
        pt, pu = pos[t], pos[u]
        routes[kt, pt] = u
        routes[ku, pu] = t
        pos[u] = pt
        pos[t] = pu
        route_of[u] = kt
        route_of[t] = ku
        return ns
    if kind == PAIR:
        q = ti[t, PARTNER]
        if q < 0:
            return 0
        v = near[q, np.random.randint(near.shape[1])]
        if u in (t, q) or v in (t, q) or route_of[u] < 0 or route_of[v] < 0:
            return 0
        ku, kv = route_of[u], route_of[v]
        if ku == kv or not elig[t, ku] or not elig[q, kv]:
            return 0
        kq = route_of[q]
        ns = _save(routes, rlen, kt, bak, bak_len, bak_k, ns)
        ns = _save(routes, rlen, kq, bak, bak_len, bak_k, ns)
        ns = _save(routes, rlen, ku, bak, bak_len, bak_k, ns)
        ns = _save(routes, rlen, kv, bak, bak_len, bak_k, ns)
        _remove(routes, rlen, pos, kt, pos[t])
        _remove(routes, rlen, pos, kq, pos[q])
        _insert(routes, rlen, route_of, pos, ku, pos[u] + np.random.randint(2), t)
        _insert(routes, rlen, route_of, pos, kv, pos[v] + np.random.randint(2), q)
        return ns
    if kind == TWO_OPT:
        if u == t or route_of[u] != kt:
            return 0
        pt, pu = pos[t], pos[u]
        ns = _save(routes, rlen, kt, bak, bak_len, bak_k, ns)
        # Make u follow t (or precede it) by reversing what lies between.
        if pt < pu:
            if pu - pt < 2:
                return 0
            _reverse(routes, pos, kt, pt + 1, pu)
        else:
            if pt - pu < 2:
                return 0
            _reverse(routes, pos, kt, pu, pt - 1)
        return ns
    # TWO_OPT_STAR: t's round continues with u and the rest of u's round, and u's
    # round before u continues with what came after t.
    if u == t or route_of[u] < 0 or route_of[u] == kt:
        return 0
    ku = route_of[u]
    pt, pu = pos[t], pos[u]
    ns = _save(routes, rlen, kt, bak, bak_len, bak_k, ns)
    ns = _save(routes, rlen, ku, bak, bak_len, bak_k, ns)
    tail_t = rlen[kt] - pt - 1
    for i in range(tail_t):
        tmp[i] = routes[kt, pt + 1 + i]
    tail_u = rlen[ku] - pu
    for i in range(tail_u):
        x = routes[ku, pu + i]
        routes[kt, pt + 1 + i] = x
        route_of[x] = kt
        pos[x] = pt + 1 + i
    rlen[kt] = pt + 1 + tail_u
    for i in range(tail_t):
        x = tmp[i]
        routes[ku, pu + i] = x
        route_of[x] = ku
        pos[x] = pu + i
    rlen[ku] = pu + tail_t
    for i in range(pt + 1, rlen[kt]):
        if not _allowed(routes[kt, i], kt, ti, elig, route_of):
            _restore(routes, rlen, route_of, pos, bak, bak_len, bak_k, ns)
            return 0
    for i in range(pu, rlen[ku]):
        if not _allowed(routes[ku, i], ku, ti, elig, route_of):
            _restore(routes, rlen, route_of, pos, bak, bak_len, bak_k, ns)
            return 0
    return ns


@compiled
def anneal(
    seed: int,
    num_moves: int,
    temp: float,
    weights: Floats,
    any_route: float,
    routes: Ints2,
    rlen: Ints,
    route_of: Ints,
    pos: Ints,
    placed: Ints,
    ti: Ints2,
    tf: Floats2,
    cf: Floats2,
    ci: Ints2,
    elig: Bools2,
    near: Ints2,
    travel: Floats2,
    w: Floats,
    max_runs: int,
    lb: Floats,
    start: Floats,
    pre: Floats2,
    idx: Ints,
    racc: Floats2,
    loc: Ints,
    stack: Ints,
    span: Ints2,
    undo_t: Ints,
    undo_v: Floats2,
    acc: Floats,
    bak: Ints2,
    bak_len: Ints,
    bak_k: Ints,
    tmp: Ints,
    best_routes: Ints2,
    best_rlen: Ints,
    state: Floats,
    counts: Ints2,
) -> None:
    """Try `num_moves` moves at temperature `temp`, keeping the best routes in `best_*`.

    `state` holds the current and best costs and the current cost less its travel
    (the routes given must have that cost); `counts[move]` adds up moves tried,
    scheduled and accepted.
    """
    np.random.seed(seed)
    cumulative = np.cumsum(weights) / np.sum(weights)
    num_placed = placed.shape[0]
    for _ in range(num_moves):
        t = placed[np.random.randint(num_placed)]
        r = np.random.random()
        kind = 0
        while kind < NUM_MOVES - 1 and r >= cumulative[kind]:
            kind += 1
        ns = _move(kind, t, routes, rlen, route_of, pos, ti, elig, near, any_route,
                   bak, bak_len, bak_k, tmp)  # fmt: skip
        if ns == 0:
            continue
        counts[kind, TRIED] += 1
        # Metropolis with the draw made first: the move is kept if its cost rises by
        # less than `margin`. Lateness cannot fall below zero, so a move whose travel
        # alone rises by more than the margin plus the current lateness is refused
        # without scheduling it (the same decision, found sooner).
        u = np.random.random()
        margin = 0.0
        if temp > 0.0:
            margin = -temp * math.log(u) if u > 0.0 else math.inf
        longer = 0.0
        for j in range(ns):
            k = bak_k[j]
            loc0 = ci[k, START_PLACE]
            for i in range(rlen[k]):
                p = ti[routes[k, i], PLACE]
                longer += travel[loc0, p]
                loc0 = p
            if rlen[k] > 0:
                longer += travel[loc0, ci[k, END_PLACE]]
            loc0 = ci[k, START_PLACE]
            for i in range(bak_len[j]):
                p = ti[bak[j, i], PLACE]
                longer -= travel[loc0, p]
                loc0 = p
            if bak_len[j] > 0:
                longer -= travel[loc0, ci[k, END_PLACE]]
        if w[0] * longer - state[LATENESS] > margin + 1e-7:
            _restore(routes, rlen, route_of, pos, bak, bak_len, bak_k, ns)
            continue
        cost = evaluate(routes, rlen, route_of, pos, ti, tf, cf, ci, travel, w, lb, start, pre,
                        idx, racc, loc, stack, span, undo_t, undo_v, acc, max_runs, bak,
                        bak_len, bak_k, ns)  # fmt: skip
        if cost == math.inf:
            _restore(routes, rlen, route_of, pos, bak, bak_len, bak_k, ns)
            undo(start, pre, undo_t, undo_v, acc)
            continue
        counts[kind, SCHEDULED] += 1
        if cost - state[CURRENT] < margin or cost <= state[CURRENT]:
            counts[kind, ACCEPTED] += 1
            state[CURRENT] = cost
            state[LATENESS] = cost - w[0] * acc[0]
            if cost < state[BEST] - EPS:
                state[BEST] = cost
                for k in range(rlen.shape[0]):
                    best_rlen[k] = rlen[k]
                    for i in range(rlen[k]):
                        best_routes[k, i] = routes[k, i]
        else:
            _restore(routes, rlen, route_of, pos, bak, bak_len, bak_k, ns)
            undo(start, pre, undo_t, undo_v, acc)
