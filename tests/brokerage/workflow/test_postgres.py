"""The workflow in PostgreSQL: a request's life, refusals, privacy and idempotent retries."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from caremarket.brokerage.workflow.lifecycle import InvalidTransition
from caremarket.brokerage.workflow.migrate import migrate, migrations, schema_version
from caremarket.brokerage.workflow.need import Need, TimeOfDay, Urgency, Visit
from caremarket.brokerage.workflow.postgres import WorkflowStore
from caremarket.brokerage.workflow.refusal import Forbidden, KeyReused, NotFound

from .conftest import BROKER, Clock, provider

ALPHA, BETA, GAMMA = provider("1-100"), provider("1-200"), provider("1-300")


def _need(**changes: object) -> Need:
    values: dict[str, object] = {
        "postcode_district": "NR1",
        "hours_per_week": 10.5,
        "date_added": date(2026, 10, 20),
        "locality": "Norwich",
        "zone": "Norwich",
        "visits": (Visit(TimeOfDay.MORNING), Visit(TimeOfDay.BED, minutes=30, double_handed=True)),
        "skills": ("dementia",),
        "start_by": date(2026, 11, 9),
        "urgency": Urgency.ROUTINE,
        "usual_rate_gbp_per_hour": 24.5,
        "person_ref": "P000123",
        "person_details": {"name": "A Person", "address": "1 High Street, Norwich NR1 1AA"},
    }
    values.update(changes)
    return Need(**values)  # type: ignore[arg-type]


def _capacity(workflow: WorkflowStore) -> None:
    for actor in (ALPHA, BETA):
        workflow.declare_capacity(actor, "home_care_hours", "NR1", 20)


def test_migrations_apply_once(empty_database: str) -> None:
    """Migrating twice applies every migration once and records the newest version."""
    newest = migrations()[-1].version
    assert schema_version(empty_database) == 0
    assert migrate(empty_database) == [m.version for m in migrations()]
    assert migrate(empty_database) == []
    assert schema_version(empty_database) == newest


def test_request_to_re_award(workflow: WorkflowStore) -> None:
    """Open -> offers -> award -> hand-back -> reopen -> re-award, every change audited."""
    _capacity(workflow)
    rid = workflow.create_request(_need(), BROKER)["request_id"]
    first = workflow.make_offer(rid, ALPHA, start_date=date(2026, 11, 5), rate_gbp_per_hour=25)
    second = workflow.make_offer(
        rid, BETA, start_date=date(2026, 11, 4), rate_gbp_per_hour=26.1, visits_covered=[0]
    )
    awarded = workflow.award(rid, first["offer_id"], BROKER, "earliest full offer")
    assert awarded["provider_id"] == "1-100" and awarded["state"] == "awarded"
    handed = workflow.hand_back(rid, ALPHA, reason="no carers", notice_date=date(2026, 11, 30))
    assert handed["state"] == "handed_back"
    assert workflow.reopen(rid, BROKER, "after hand-back")["state"] == "open"
    third = workflow.make_offer(rid, BETA, start_date=date(2026, 12, 1), rate_gbp_per_hour=27)
    assert workflow.award(rid, third["offer_id"], BROKER)["provider_id"] == "1-200"
    assert workflow.start(rid, BETA)["state"] == "started"
    actions = [(e["action"], e["from_state"], e["to_state"]) for e in workflow.audit(rid)]
    assert actions == [
        ("create", None, "draft"), ("publish", "draft", "open"), ("offer", "open", "offered"),
        ("offer", "offered", "offered"), ("award", "offered", "awarded"),
        ("hand_back", "awarded", "handed_back"), ("reopen", "handed_back", "open"),
        ("offer", "open", "offered"), ("award", "offered", "awarded"),
        ("start", "awarded", "started"),
    ]  # fmt: skip
    assert all(e["actor"] and e["at"] for e in workflow.audit(rid))
    statuses = {o["offer_id"]: o["status"] for o in workflow.offers(rid, BROKER)}
    assert statuses == {first["offer_id"]: "accepted", second["offer_id"]: "not_chosen",
                        third["offer_id"]: "accepted"}  # fmt: skip


def test_offer_on_withdrawn_request_is_refused(workflow: WorkflowStore) -> None:
    """An offer arriving after the request was withdrawn is refused with a clear message."""
    _capacity(workflow)
    rid = workflow.create_request(_need(), BROKER)["request_id"]
    workflow.withdraw(rid, BROKER, "person moved into a care home")
    with pytest.raises(InvalidTransition, match=f"cannot offer request {rid}: it was withdrawn"):
        workflow.make_offer(rid, ALPHA, start_date=date(2026, 11, 5), rate_gbp_per_hour=25)
    assert workflow.offers(rid, BROKER) == []


def test_retry_with_same_key_does_it_once(workflow: WorkflowStore) -> None:
    """The same idempotency key gives the first answer again and makes one offer and award."""
    _capacity(workflow)
    rid = workflow.create_request(_need(), BROKER, key="create-1")["request_id"]
    again = workflow.create_request(_need(), BROKER, key="create-1")
    assert again["request_id"] == rid and again["replayed"]
    offer = dict(start_date=date(2026, 11, 5), rate_gbp_per_hour=25.0)
    one = workflow.make_offer(rid, ALPHA, key="k-1", **offer)  # type: ignore[arg-type]
    two = workflow.make_offer(rid, ALPHA, key="k-1", **offer)  # type: ignore[arg-type]
    assert one["offer_id"] == two["offer_id"] and len(workflow.offers(rid, BROKER)) == 1
    award = workflow.award(rid, one["offer_id"], BROKER, key="a-1")
    assert workflow.award(rid, one["offer_id"], BROKER, key="a-1")["award_id"] == award["award_id"]
    with pytest.raises(KeyReused):
        workflow.withdraw(rid, BROKER, "reused key", key="a-1")
    assert len(workflow.queue(["awarded"])) == 1


def test_queue_is_paged_most_urgent_first(workflow: WorkflowStore) -> None:
    """The queue puts hospital discharges first and comes a page at a time."""
    routine = workflow.create_request(_need(), BROKER)["request_id"]
    discharge = workflow.create_request(_need(urgency=Urgency.HOSPITAL_DISCHARGE), BROKER)
    assert [r["request_id"] for r in workflow.queue(limit=1)] == [discharge["request_id"]]
    assert [r["request_id"] for r in workflow.queue(limit=1, offset=1)] == [routine]


def test_first_refusal_then_district(workflow: WorkflowStore, clock: Clock) -> None:
    """The zone's principal alone sees a new request for 48 hours, then the district's providers."""
    workflow.set_principal("Norwich", "1-100")
    _capacity(workflow)
    rid = workflow.create_request(_need(), BROKER)["request_id"]
    assert [r["request_id"] for r in workflow.open_for("1-100")] == [rid]
    assert workflow.open_for("1-200") == []
    with pytest.raises(Forbidden, match="not open to offers"):
        workflow.make_offer(rid, BETA, start_date=date(2026, 11, 5), rate_gbp_per_hour=25)
    clock.advance(48)
    assert [r["tier"] for r in workflow.open_for("1-200")] == ["district"]
    assert workflow.open_for("1-300") == []
    clock.advance(24)
    assert [r["tier"] for r in workflow.open_for("1-300")] == ["framework"]


def test_provider_of_last_resort_only_when_the_framework_has_not_sourced(
    workflow: WorkflowStore, clock: Clock
) -> None:
    """The council's own service sees a request only after every window has passed, and can
    then offer; an awarded request is never shown to it."""
    workflow.register_provider("council-service", "Council home support", last_resort=True)
    workflow.set_principal("Norwich", "1-100")
    _capacity(workflow)
    rid = workflow.create_request(_need(), BROKER)["request_id"]
    other = workflow.create_request(_need(), BROKER)["request_id"]
    clock.advance(48 + 24 + 72 - 1)
    assert workflow.open_for("council-service") == []
    clock.advance(1)
    shown = workflow.open_for("council-service")
    assert [(r["request_id"], r["tier"]) for r in shown] == [
        (rid, "last_resort"),
        (other, "last_resort"),
    ]
    council = provider("council-service")
    made = workflow.make_offer(rid, council, start_date=date(2026, 11, 9), rate_gbp_per_hour=30)
    workflow.award(rid, made["offer_id"], BROKER)
    assert [r["request_id"] for r in workflow.open_for("council-service")] == [other]


def test_providers_see_district_level_and_only_their_own(workflow: WorkflowStore) -> None:
    """Before award a provider sees no person and only its own offers; after, only the winner."""
    _capacity(workflow)
    rid = workflow.create_request(_need(), BROKER)["request_id"]
    seen = workflow.request(rid, ALPHA)
    assert "person_ref" not in seen and "usual_rate_gbp_per_hour" not in seen
    assert "P000123" not in str(seen) and "High Street" not in str(seen)
    with pytest.raises(NotFound):
        workflow.request(rid, GAMMA)
    a = workflow.make_offer(rid, ALPHA, start_date=date(2026, 11, 5), rate_gbp_per_hour=25)
    workflow.make_offer(rid, BETA, start_date=date(2026, 11, 6), rate_gbp_per_hour=24)
    assert [o["provider_id"] for o in workflow.offers(rid, ALPHA)] == ["1-100"]
    with pytest.raises(Forbidden):
        workflow.person(rid, ALPHA)
    workflow.award(rid, a["offer_id"], BROKER)
    assert workflow.person(rid, ALPHA)["details"]["address"].startswith("1 High Street")
    with pytest.raises(Forbidden):
        workflow.person(rid, BETA)
    with pytest.raises(Forbidden):
        workflow.hand_back(rid, BETA, reason="not mine", notice_date=date(2026, 12, 1))
    assert workflow.awards_of("1-200") == []


def test_review_changes_hours_when_approved(workflow: WorkflowStore) -> None:
    """A provider-led review changes the hours only once a broker approves it."""
    _capacity(workflow)
    rid = workflow.create_request(_need(), BROKER)["request_id"]
    offer = workflow.make_offer(rid, ALPHA, start_date=date(2026, 11, 5), rate_gbp_per_hour=25)
    workflow.award(rid, offer["offer_id"], BROKER)
    review = workflow.submit_review(rid, ALPHA, hours_change=-3.5, reason="needs less at lunch")
    assert workflow.request(rid, BROKER)["hours_per_week"] == 10.5
    workflow.decide_review(review["review_id"], BROKER, approve=True)
    assert workflow.request(rid, BROKER)["hours_per_week"] == 7.0
    assert workflow.awards_of("1-100")[0]["hours_per_week"] == 7.0


def test_database_refuses_what_the_code_must_never_write(database: str) -> None:
    """The schema itself refuses a bad district, hours <= 0 and a second live award."""
    WorkflowStore(database).close()
    with psycopg.connect(database) as con, pytest.raises(psycopg.errors.CheckViolation):
        con.execute(
            "INSERT INTO brokerage.request (postcode_district, hours_per_week, date_added) "
            "VALUES ('NR1', 0, '2026-01-01')"
        )
