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


def test_hard_to_serve_counts_recorded_verdicts_of_requests_waiting(
    workflow: WorkflowStore, clock: Clock
) -> None:
    """Waiting in Norwich: ids 2 (handed back) and 3 (no offer); one recorded hard to serve.
    North has no waiting request; a locality with no verdict yet is unknown, not 0."""
    _scenario(workflow, clock)
    before = {r["grp"]: r for r in workflow.figures()["hard_to_serve"]}
    assert before["Norwich"]["hard_to_serve"] is None and before["Norwich"]["reason"]
    assert workflow.record_fit(3, True) and not workflow.record_fit(3, True)
    workflow.record_fit(2, False)
    workflow.record_fit(1, True)  # awarded: not waiting, so not counted
    found = {r["grp"]: r for r in workflow.figures()["hard_to_serve"]}
    assert (found["Norwich"]["n"], found["Norwich"]["checked"]) == (2, 2)
    assert (found["Norwich"]["hard_to_serve"], found["Norwich"]["hard_to_serve_hours"]) == (1, 5.0)
    assert "North" not in found and found["all"]["hard_to_serve"] == 1


def test_awards_to_the_provider_of_last_resort_are_counted(
    workflow: WorkflowStore, clock: Clock
) -> None:
    """One of two awards went to the council's own service: half the awards, its hours."""
    workflow.register_provider("council", "Council Home Support", last_resort=True)
    assert workflow.figures()["last_resort"]["share"] is None
    _scenario(workflow, clock)  # two awards to framework providers (one handed back)
    rid = workflow.queue(["handed_back"])[0]["request_id"]
    workflow.reopen(rid, BROKER)
    clock.advance(24 * 30)
    council = provider("council")
    made = workflow.make_offer(rid, council, start_date=date(2026, 12, 20), rate_gbp_per_hour=31)
    workflow.award(rid, made["offer_id"], BROKER)
    resort = workflow.figures()["last_resort"]
    assert (resort["awards"], resort["by_last_resort"], resort["share"]) == (3, 1, 1 / 3)
    assert resort["hours_per_week"] == 20.0
