"""Races: many brokers award at once; retries race each other; offers race a withdrawal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import psycopg

from caremarket.brokerage.workflow.lifecycle import Actor, Party
from caremarket.brokerage.workflow.need import Need
from caremarket.brokerage.workflow.postgres import WorkflowStore
from caremarket.brokerage.workflow.refusal import WorkflowError

from .conftest import BROKER, provider

NEED = Need("NR1", 7.0, date(2026, 10, 1), zone="Norwich", person_ref="P1")


def _at_once(tasks: list[Callable[[], Any]]) -> tuple[list[Any], list[Exception]]:
    """Run every task in its own thread, released together; (results, errors)."""
    start = threading.Barrier(len(tasks))
    results: list[Any] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def run(task: Callable[[], Any]) -> None:
        start.wait()
        try:
            done = task()
            with lock:
                results.append(done)
        except Exception as error:  # collected, then checked by the test
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=run, args=(t,)) for t in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def _offered(workflow: WorkflowStore, offers: int) -> tuple[int, list[int]]:
    for pid in ("1-100", "1-200"):
        workflow.declare_capacity(provider(pid), "home_care_hours", "NR1", 30)
    rid = workflow.create_request(NEED, BROKER)["request_id"]
    ids = [
        workflow.make_offer(
            rid, provider(("1-100", "1-200")[k % 2]), start_date=date(2026, 11, 9),
            rate_gbp_per_hour=24 + k,
        )["offer_id"]
        for k in range(offers)
    ]  # fmt: skip
    return rid, ids


def test_many_brokers_award_at_once_exactly_one_wins(
    workflow: WorkflowStore, database: str
) -> None:
    """24 brokers awarding the same request at the same moment make exactly one award."""
    rid, offers = _offered(workflow, 6)
    brokers = [Actor(f"broker-{k}", Party.BROKER) for k in range(24)]
    results, errors = _at_once(
        [
            (lambda b=b, k=k: workflow.award(rid, offers[k % len(offers)], b))
            for k, b in enumerate(brokers)
        ]
    )
    assert len(results) == 1, results
    assert len(errors) == 23 and all(isinstance(e, WorkflowError) for e in errors), errors
    assert all("already awarded" in str(e) for e in errors)
    with psycopg.connect(database) as con:
        awards = con.execute("SELECT count(*) FROM brokerage.award WHERE request_id = %s", (rid,))
        assert awards.fetchone() == (1,)
        logged = con.execute(
            "SELECT count(*) FROM brokerage.audit_log WHERE request_id = %s AND action = 'award'",
            (rid,),
        )
        assert logged.fetchone() == (1,)


def test_retries_racing_each_other_award_once(workflow: WorkflowStore) -> None:
    """Ten retries of one award with one idempotency key, all at once, all get the same award."""
    rid, offers = _offered(workflow, 2)
    results, errors = _at_once(
        [lambda: workflow.award(rid, offers[0], BROKER, key="same-key") for _ in range(10)]
    )
    assert errors == []
    assert len({r["award_id"] for r in results}) == 1
    assert sum(1 for r in results if r.get("replayed")) == 9


def test_offers_racing_a_withdrawal_are_all_before_it(workflow: WorkflowStore) -> None:
    """Offers racing a withdrawal either land before it or are refused: none after it."""
    rid, _ = _offered(workflow, 1)
    tasks: list[Callable[[], Any]] = [
        (lambda k=k: workflow.make_offer(rid, provider("1-200"), start_date=date(2026, 11, 9),
                                         rate_gbp_per_hour=30 + k))
        for k in range(8)
    ]  # fmt: skip
    tasks.append(lambda: workflow.withdraw(rid, BROKER, "no longer needed"))
    _, errors = _at_once(tasks)
    assert all("it was withdrawn" in str(e) for e in errors), errors
    events = [e["action"] for e in workflow.audit(rid)]
    assert events[-1] == "withdraw"
    assert len(workflow.offers(rid, BROKER)) == events.count("offer")
