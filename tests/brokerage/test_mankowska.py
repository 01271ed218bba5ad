"""The Mankowska et al. (2014) instances: read right, planned to the published optimum on set A."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caremarket.brokerage.rounds import (
    MaxIterations,
    Plan,
    Problem,
    benchmark,
    check,
    mankowska,
    solve,
)


def test_instance_reads_as_the_file_says(mankowska_dir: Path) -> None:
    """A1: 10 patients, 3 carers, 3 double-service patients, depot rows 0 and 11."""
    instance = mankowska.read(mankowska_dir / "instances" / "InstanzCPLEX_HCSRP_10_1.txt")
    problem = instance.problem
    assert len(problem.visits) == 10
    assert len(problem.carers) == 3
    assert sum(v.is_double_handed for v in problem.visits) == 3
    assert problem.carers[0].skills == frozenset({"s0", "s1", "s2"})
    assert instance.services[7] == (4, 5)  # row 8 of the file: services 4 and 5
    assert problem.visits[0].earliest == 345 and problem.visits[0].latest == 465


@pytest.mark.parametrize("label", ["A1", "A4", "A9"])
def test_set_a_reaches_the_proven_optimum(mankowska_dir: Path, label: str) -> None:
    """On 10-patient instances the planner matches the CPLEX-proven optimum and is feasible."""
    entry = next(e for e in benchmark.entries(mankowska_dir, "A") if e.label == label)
    instance = mankowska.read(entry.file)
    plan = solve(instance.problem, MaxIterations(400), seed=0)
    report = check(instance.problem, plan)
    assert report.is_feasible, report.violations
    assert report.objective == pytest.approx(entry.lower_bound, abs=0.01)


def test_exchange_json_round_trips(mankowska_dir: Path, tmp_path: Path) -> None:
    """A plan written in the benchmark's JSON form reads back to the same checked objective."""
    instance = mankowska.read(mankowska_dir / "instances" / "InstanzCPLEX_HCSRP_25_1.txt")
    plan = solve(instance.problem, MaxIterations(30), seed=0)
    report = check(instance.problem, plan)
    path = tmp_path / "plan.json"
    mankowska.write_plan(path, instance, plan, report.objective)
    data = json.loads(path.read_text())
    assert data["instance"] == "InstanzCPLEX_HCSRP_25_1.txt"
    assert {"carer", "visits"} <= set(data["routes"][0])
    again = check(instance.problem, mankowska.plan_from_json(instance, data))
    assert again.is_feasible
    assert again.objective == pytest.approx(report.objective)


def test_sets_follow_the_best_known_table(mankowska_dir: Path) -> None:
    """Sets A to G hold 10 instances each, from 10 to 300 patients, every file present."""
    entries = benchmark.entries(mankowska_dir)
    assert len(entries) == 70
    assert [e.group for e in entries[::10]] == list("ABCDEFG")
    assert entries[-1].file.name.startswith("InstanzVNS_HCSRP_300_")
    assert all(e.file.exists() for e in entries)


def test_best_known_is_the_2026_value_never_above_2021() -> None:
    """The gap is measured to best_2026, which is at most the 2021 value (G1: 1650.162)."""
    entries = {e.label: e for e in benchmark.entries(Path("nowhere"))}
    assert entries["G1"].best_known == pytest.approx(1650.162)
    assert entries["G1"].bks_2021 == pytest.approx(1726.53)
    assert all(e.best_known <= e.bks_2021 + 1e-3 for e in entries.values())


def test_each_written_plan_is_rescored_from_its_file(mankowska_dir: Path, tmp_path: Path) -> None:
    """A benchmark run writes the plan and reports the checker's score of the file read back."""
    entry = benchmark.entries(mankowska_dir, "B")[0]

    def planner(problem: Problem, seconds: float, seed: int) -> Plan:
        return solve(problem, MaxIterations(20), seed=seed)

    result, plan = benchmark.run(entry, planner, "caremarket", 1.0, 4, tmp_path)
    path = tmp_path / f"{entry.file.stem}_seed4.json"
    instance = mankowska.read(entry.file)
    assert result.objective == pytest.approx(check(instance.problem, plan).objective)
    data = json.loads(path.read_text())
    data["routes"][0]["visits"] = data["routes"][0]["visits"][1:]  # drop one call
    path.write_text(json.dumps(data))
    again = benchmark.rescore(entry, path, "caremarket", 4, 0.0, 0.0)
    assert not again.feasible
    assert any("neither made in full nor unplaced" in v for v in again.violations)


def test_summary_takes_the_median_of_the_set_means_over_seeds() -> None:
    """Three seeds with set means 1%, 3% and 2%: median 2%, spread 1% to 3%."""
    entry = benchmark.entries(Path("nowhere"), "A")[0]
    results = [
        benchmark.Result(entry, "m", s, entry.best_known * (1 + g / 100), 1.0, True, (), 0.0)
        for s, g in enumerate((1.0, 3.0, 2.0))
    ]
    (row, overall) = benchmark.summarise(results)
    assert (row.group, overall.group) == ("A", "all")
    assert row.median_gap_pct == pytest.approx(2.0)
    assert (row.min_gap_pct, row.max_gap_pct) == (pytest.approx(1.0), pytest.approx(3.0))
    assert row.num_new_best == 0 and row.num_feasible == 3


def test_two_workers_give_the_same_checked_plan_for_a_seed(mankowska_dir: Path) -> None:
    """A portfolio of two processes with an iteration limit is reproducible and feasible."""
    instance = mankowska.read(mankowska_dir / "instances" / "InstanzCPLEX_HCSRP_25_2.txt")
    first = solve(instance.problem, MaxIterations(40), seed=5, workers=2)
    again = solve(instance.problem, MaxIterations(40), seed=5, workers=2)
    assert first == again
    report = check(instance.problem, first)
    assert report.is_feasible, report.violations
    single = check(instance.problem, solve(instance.problem, MaxIterations(10), seed=5))
    assert report.objective <= single.objective + 1e-6
