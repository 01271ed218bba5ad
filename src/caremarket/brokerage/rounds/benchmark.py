"""The Mankowska et al. (2014) benchmark: instance sets, best-known values and measured runs.

The best-known values ship with the package (`brokerage/data/bks_mankowska_2026.csv`:
`best_2026` is the best of the 2021 published values and the solutions published
with Ceschia, Di Gaspero, Rosati & Schaerf, ITOR 33(1):38-67, 2026, each re-scored
with an independent checker; `bks_2021` is kept beside it). The instance files are
public data the user points at: a folder of `InstanzCPLEX_HCSRP_*.txt` and
`InstanzVNS_HCSRP_*.txt` files (or a folder holding such an `instances/` folder).
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from caremarket.brokerage.rounds import mankowska
from caremarket.brokerage.rounds.check import check
from caremarket.brokerage.rounds.plan import Plan
from caremarket.brokerage.rounds.problem import Problem

BKS_FILE = "bks_mankowska_2026.csv"
SETS = ("A", "B", "C", "D", "E", "F", "G")
ENV_VAR = "CAREMARKET_MANKOWSKA"
WHERE = (
    "the public instances are in https://github.com/afkummer/sbpo2019-fix-and-optimize "
    "(folder instances-HHCRSP/)"
)

Planner = Callable[[Problem, float, int], Plan]


@dataclass(frozen=True)
class Entry:
    """One benchmark instance: its label (A1..G10), file and best-known objectives."""

    label: str
    file: Path
    best_known: float
    bks_2021: float
    lower_bound: float

    @property
    def group(self) -> str:
        """The instance set letter, A to G."""
        return self.label[0]


@dataclass(frozen=True)
class Result:
    """One measured run: objective recomputed by the checker from the written plan."""

    entry: Entry
    method: str
    seed: int
    objective: float
    seconds: float
    feasible: bool
    violations: tuple[str, ...]
    load_1min: float

    @property
    def gap_pct(self) -> float:
        """Percent above the best-known value of 2026 (negative: a new best)."""
        return 100 * (self.objective / self.entry.best_known - 1)

    @property
    def gap_2021_pct(self) -> float:
        """Percent above the 2021 best-known value."""
        return 100 * (self.objective / self.entry.bks_2021 - 1)


def instance_folder(given: Path | None) -> Path | None:
    """The folder of instance files: the one given, else `$CAREMARKET_MANKOWSKA`, else None."""
    if given is None:
        named = os.environ.get(ENV_VAR, "").strip()
        if not named:
            return None
        given = Path(named)
    return given / "instances" if (given / "instances").is_dir() else given


def best_known_rows() -> list[dict[str, str]]:
    """The best-known table shipped with the package, one row per instance."""
    text = resources.files("caremarket.brokerage.data").joinpath(BKS_FILE).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def entries(folder: Path, sets: str = "ABCDEFG") -> list[Entry]:
    """The instances of the given sets, in label order (A1, A2, ..., G10).

    `folder` holds the instance files, directly or in an `instances/` folder.
    """
    files = folder / "instances" if (folder / "instances").is_dir() else folder
    out = [
        Entry(
            label=row["instance"],
            file=files / row["file"],
            best_known=float(row["best_2026"]),
            bks_2021=float(row["bks_2021"]),
            lower_bound=float(row["cplex_lb_best"]),
        )
        for row in best_known_rows()
        if row["instance"][0] in sets.upper()
    ]
    return sorted(out, key=lambda e: (e.group, int(e.label[1:])))


def run(
    entry: Entry, planner: Planner, method: str, seconds: float, seed: int, out: Path
) -> tuple[Result, Plan]:
    """Plan one instance with a time limit, write the plan, and re-score it from the file.

    The plan goes to `out/<instance>_seed<seed>.json` in the exchange form; the
    objective reported is the checker's, on the plan read back from that file.
    """
    instance = mankowska.read(entry.file)
    began = time.perf_counter()
    plan = planner(instance.problem, seconds, seed)
    took = time.perf_counter() - began
    load = os.getloadavg()[0]
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{entry.file.stem}_seed{seed}.json"
    mankowska.write_plan(path, instance, plan, check(instance.problem, plan).objective)
    result = rescore(entry, path, method, seed, took, load)
    return result, plan


def rescore(
    entry: Entry, path: Path, method: str, seed: int, seconds: float, load: float
) -> Result:
    """Score a plan in the exchange form with the independent checker alone."""
    instance = mankowska.read(entry.file)
    plan = mankowska.plan_from_json(instance, json.loads(path.read_text(encoding="utf-8")))
    report = check(instance.problem, plan)
    violations = list(report.violations)
    # A benchmark plan must make every visit: one that leaves any out is not feasible.
    return Result(
        entry, method, seed, report.objective, seconds, not violations, tuple(violations), load
    )


@dataclass(frozen=True)
class SetSummary:
    """One instance set over seeds: the set's mean gap per seed, its median and spread."""

    group: str
    num_instances: int
    num_seeds: int
    median_gap_pct: float
    min_gap_pct: float
    max_gap_pct: float
    num_feasible: int
    num_runs: int
    num_new_best: int


def summarise(results: Iterable[Result]) -> list[SetSummary]:
    """Per set (and `all`): mean gap to best_2026 per seed; median and min-max over seeds.

    An instance counts as a new best when its median objective over seeds is below
    best_2026 by more than 0.005%.
    """
    items = list(results)
    out = []
    for group in [*sorted({r.entry.group for r in items}), "all"]:
        mine = [r for r in items if group in ("all", r.entry.group)]
        seeds = sorted({r.seed for r in mine})
        per_seed = [statistics.mean(r.gap_pct for r in mine if r.seed == s) for s in seeds]
        labels = sorted({r.entry.label for r in mine})
        medians = [statistics.median(r.gap_pct for r in mine if r.entry.label == x) for x in labels]
        out.append(
            SetSummary(
                group=group,
                num_instances=len(labels),
                num_seeds=len(seeds),
                median_gap_pct=statistics.median(per_seed),
                min_gap_pct=min(per_seed),
                max_gap_pct=max(per_seed),
                num_feasible=sum(r.feasible for r in mine),
                num_runs=len(mine),
                num_new_best=sum(m < -0.005 for m in medians),
            )
        )
    return out
