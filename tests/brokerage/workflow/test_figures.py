"""Brokerage figures are counts over the audit log: a scenario with known answers."""

from __future__ import annotations

from datetime import date

from caremarket.brokerage.workflow.need import Need, Urgency
from caremarket.brokerage.workflow.postgres import WorkflowStore

from .conftest import BROKER, Clock, provider

ALPHA, BETA = provider("1-100"), provider("1-200")


def _scenario(workflow: WorkflowStore, clock: Clock) -> None:
    """Four requests in Norwich, one in North: two sourced (after 24 h and 72 h), one handed
    back, one with no offer, one withdrawn."""
    for actor in (ALPHA, BETA):
        workflow.declare_capacity(actor, "home_care_hours", "NR1", 10)
    workflow.declare_capacity(ALPHA, "home_care_hours", "NR1", 4)  # the latest counts
    ids = [
        workflow.create_request(
            Need("NR1", hours, date(2026, 10, 1), locality=loc, zone=loc, urgency=urgency), BROKER
        )["request_id"]
        for hours, loc, urgency in (
            (10.0, "Norwich", Urgency.ROUTINE),
            (20.0, "Norwich", Urgency.HOSPITAL_DISCHARGE),
            (5.0, "Norwich", Urgency.ROUTINE),
            (7.0, "North", Urgency.ROUTINE),
        )
    ]
    start = {"start_date": date(2026, 11, 9), "rate_gbp_per_hour": 25.0}
    first = workflow.make_offer(ids[0], ALPHA, **start)  # type: ignore[arg-type]
    workflow.make_offer(ids[0], BETA, **start)  # type: ignore[arg-type]
    second = workflow.make_offer(ids[1], BETA, **start)  # type: ignore[arg-type]
    clock.advance(24)
    workflow.award(ids[0], first["offer_id"], BROKER)
    clock.advance(48)
    workflow.award(ids[1], second["offer_id"], BROKER)
    workflow.hand_back(ids[1], BETA, reason="no carers", notice_date=date(2026, 12, 1))
    workflow.withdraw(ids[3], BROKER, "moved")


def test_figures_match_the_scenario(workflow: WorkflowStore, clock: Clock) -> None:
    """Median 48 h (24 and 72), 2 of 4 with an offer, 0.75 offers each, 1 hand-back per 30 h."""
    _scenario(workflow, clock)
    figures = workflow.figures()
    overall = next(r for r in figures["time_to_source"] if r["by"] == "all")
    assert (overall["n"], overall["median_hours"]) == (2, 48.0)
    assert round(overall["p90_hours"], 1) == 67.2
    by_urgency = {
        r["grp"]: r["median_hours"] for r in figures["time_to_source"] if r["by"] == "urgency"
    }
    assert by_urgency == {"routine": 24.0, "hospital_discharge": 72.0}
    offers = next(r for r in figures["offers"] if r["by"] == "all")
    assert (offers["n"], offers["share_with_offer"], offers["offers_per_request"]) == (4, 0.5, 0.75)
    assert figures["hand_backs"]["per_1000_hours"] == 1000 / 30
    (nr1,) = figures["capacity_against_waiting"]
    assert (nr1["declared_hours"], nr1["waiting_hours"], nr1["n"]) == (14.0, 25.0, 2)
    latest = [r for r in figures["unmet_hours_by_week"] if r["day"] == figures["as_of"]]
    assert {r["locality"]: r["unmet_hours"] for r in latest} == {"Norwich": 25.0}


def test_small_numbers_are_hidden_outside_the_council(
    workflow: WorkflowStore, clock: Clock
) -> None:
    """With a threshold of 5, groups of 1 to 4 requests show no value, and say so."""
    _scenario(workflow, clock)
    figures = workflow.figures(threshold=5)
    assert all(r["suppressed"] and r["median_hours"] is None for r in figures["time_to_source"])
    assert all(r["n"] is None for r in figures["offers"])


def test_no_award_is_unknown_not_zero(workflow: WorkflowStore) -> None:
    """With nothing awarded, hand-backs per 1,000 hours is unknown with the reason."""
    figures = workflow.figures()
    assert figures["hand_backs"]["per_1000_hours"] is None
    assert figures["hand_backs"]["reason"] == "no hours awarded yet"
    assert figures["time_to_source"] == [] or figures["time_to_source"][0]["n"] == 0
