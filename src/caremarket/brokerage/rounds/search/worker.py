"""A helper process of the portfolio: reads epochs to search on stdin, writes plans to stdout.

Run as `python -m caremarket.brokerage.rounds.search.worker` by `portfolio`; it
imports only the search, not the program that started it. Each message is a pickle
of (table or None, stop, seed, routes, temperature[, method]); the table comes with
the first message only; the method is "alns" (the default) or "anneal". The answer
is a pickle of (routes, iterations used). It stops at the end of its input.
"""

from __future__ import annotations

import pickle
import random
import sys
from typing import BinaryIO

from caremarket.brokerage.rounds.search.alns import search
from caremarket.brokerage.rounds.search.anneal import improve
from caremarket.brokerage.rounds.search.schedule import Schedule
from caremarket.brokerage.rounds.search.tasks import TaskTable
from caremarket.brokerage.rounds.stop import StoppingCriterion


def search_epoch(
    table: TaskTable,
    stop: StoppingCriterion,
    seed: int,
    routes: list[list[int]],
    temp: float,
    method: str = "alns",
) -> Schedule:
    """Search from the given routes with the given seed and temperature; the best schedule."""
    start = Schedule(table)
    start.routes = [list(r) for r in routes]
    start.evaluate()
    how = improve if method == "anneal" else search
    return how(table, stop, random.Random(seed), start, temp)


def serve(source: BinaryIO, sink: BinaryIO) -> None:
    """Answer epochs until the input ends."""
    table: TaskTable | None = None
    while True:
        try:
            given, stop, seed, routes, temp, *rest = pickle.load(source)
        except EOFError:
            return
        method = rest[0] if rest else "alns"
        table = given if given is not None else table
        if table is None:
            raise ValueError("the first message must carry the task table")
        best = search_epoch(table, stop, seed, routes, temp, method).routes
        pickle.dump((best, getattr(stop, "used", 0)), sink)
        sink.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
