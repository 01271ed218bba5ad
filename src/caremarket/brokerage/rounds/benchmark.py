"""The Mankowska et al. (2014) benchmark: instance sets, best-known values and one measured run."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from caremarket.brokerage.rounds import mankowska
from caremarket.brokerage.rounds.check import check
from caremarket.brokerage.rounds.plan import Plan
from caremarket.brokerage.rounds.problem import Problem

BKS_FILE = "bks_mankowska_2021.csv"
SETS = ("A", "B", "C", "D", "E", "F", "G")

Planner = Callable[[Problem, float, int], Plan]


@dataclass(frozen=True)
class Entry:
    """One benchmark instance: its label (A1..G10), file and best-known objective."""

    label: str
    file: Path
    best_known: float
    lower_bound: float

    @property
    def group(self) -> str:
        """The instance set letter, A to G."""
        return self.label[0]


@dataclass(frozen=True)
class Result:
    """One measured run: objective recomputed by the checker, gap and seconds taken."""

    entry: Entry
    method: str
    objective: float
    seconds: float
    feasible: bool
    violations: tuple[str, ...]

    @property
    def gap_pct(self) -> float:
        """Percent above the best-known value (negative: better than published)."""
        return 100 * (self.objective / self.entry.best_known - 1)


def entries(folder: Path, sets: str = "ABCDEFG") -> list[Entry]:
    """The instances of the given sets, in label order (A1, A2, ..., G10)."""
    rows = list(csv.DictReader((folder / BKS_FILE).open(encoding="utf-8")))
    out = [
        Entry(
            label=row["instance"],
            file=folder / "instances" / row["file"],
            best_known=float(row["bks_2021_adj"]),
            lower_bound=float(row["cplex_lb_best"]),
        )
        for row in rows
        if row["instance"][0] in sets.upper()
    ]
    return sorted(out, key=lambda e: (e.group, int(e.label[1:])))


def run(
    entry: Entry, planner: Planner, method: str, seconds: float, seed: int
) -> tuple[Result, mankowska.Instance, Plan]:
    """Plan one instance with a time limit and check the plan independently."""
    instance = mankowska.read(entry.file)
    began = time.perf_counter()
    plan = planner(instance.problem, seconds, seed)
    took = time.perf_counter() - began
    report = check(instance.problem, plan)
    violations = list(report.violations)
    if report.num_unplaced:
        violations.append(f"{report.num_unplaced} visit(s) not made")
    # A benchmark plan must make every visit: one that leaves any out is not feasible.
    result = Result(entry, method, report.objective, took, not violations, tuple(violations))
    return result, instance, plan
