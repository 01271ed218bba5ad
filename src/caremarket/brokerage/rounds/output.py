"""A plan as JSON and CSV: rounds with start times, unplaced visits with reasons, and totals.

Totals come from the independent checker, so what a user reads is what was checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from caremarket.brokerage.rounds.check import Report
from caremarket.brokerage.rounds.plan import Call, Plan, Route, Unplaced
from caremarket.brokerage.rounds.problem import Problem
from caremarket.domain.csv_cell import csv_writer


def clock(minutes: float) -> str:
    """Minutes after midnight as HH:MM (rounded to the minute)."""
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def totals(report: Report) -> dict[str, Any]:
    """The checked totals of a plan."""
    return {
        "feasible": report.is_feasible,
        "violations": report.violations,
        "travel_minutes": round(report.travel_minutes, 2),
        "lateness_minutes": round(report.lateness_minutes, 2),
        "max_lateness_minutes": round(report.max_lateness_minutes, 2),
        "hours_placed": round(report.hours_placed, 2),
        "travel_minutes_per_placed_hour": round(report.travel_per_placed_hour, 2),
        "num_calls": report.num_calls,
        "num_not_preferred": report.num_not_preferred,
        "known_carer_share": report.known_carer_share,
        "num_unplaced": report.num_unplaced,
        "objective": round(report.objective, 4),
    }


def plan_to_json(problem: Problem, plan: Plan, report: Report) -> dict[str, Any]:
    """The plan as a JSON-ready dict: routes, unplaced visits and checked totals."""
    visits = problem.visit_index()
    routes = []
    for route in plan.routes:
        calls = []
        for call in route.calls:
            visit = problem.visits[visits[call.visit]]
            duration = visit.needs[call.need].duration
            calls.append(
                {
                    "visit": call.visit,
                    "person": visit.person,
                    "need": call.need,
                    "place": problem.places[visit.place].label,
                    "start": clock(call.start),
                    "start_minutes": call.start,
                    "end_minutes": call.start + duration,
                    "late_minutes": round(max(0.0, call.start - visit.latest), 2),
                }
            )
        routes.append(
            {"carer": route.carer, "break_start_minutes": route.break_start, "calls": calls}
        )
    people = {v.id: v.person for v in problem.visits}
    unplaced = [
        {"visit": u.visit, "person": people.get(u.visit, ""), "reason": u.reason}
        for u in plan.unplaced
    ]
    return {"routes": routes, "unplaced": unplaced, "totals": totals(report)}


def plan_from_json(data: dict[str, Any]) -> Plan:
    """Read a plan written by `plan_to_json` (start_minutes are used, not the HH:MM text)."""
    routes = tuple(
        Route(
            str(r["carer"]),
            tuple(
                Call(str(c["visit"]), int(c.get("need", 0)), float(c["start_minutes"]))
                for c in r["calls"]
            ),
            None if r.get("break_start_minutes") is None else float(r["break_start_minutes"]),
        )
        for r in data["routes"]
    )
    unplaced = tuple(Unplaced(str(u["visit"]), str(u["reason"])) for u in data.get("unplaced", []))
    return Plan(routes, unplaced)


def write_csv(path: Path, problem: Problem, plan: Plan) -> None:
    """One row per call in round order, then one per unplaced visit with its reason."""
    data = plan_to_json(problem, plan, Report())
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(
            [
                "carer_id",
                "order",
                "visit_id",
                "person_id",
                "carer_of_visit",
                "place",
                "start",
                "end",
                "late_minutes",
                "unplaced_reason",
            ]
        )
        for route in data["routes"]:
            for n, call in enumerate(route["calls"], start=1):
                writer.writerow(
                    [
                        route["carer"],
                        n,
                        call["visit"],
                        call["person"],
                        call["need"] + 1,
                        call["place"],
                        call["start"],
                        clock(call["end_minutes"]),
                        call["late_minutes"],
                        "",
                    ]
                )
        for item in data["unplaced"]:
            writer.writerow(
                ["", "", item["visit"], item["person"], "", "", "", "", "", item["reason"]]
            )
