"""/api/v1/brokerage: a broker and two providers from request to re-award, each seeing only
what is theirs; the public sees nothing."""

from __future__ import annotations

import os
from datetime import date, timedelta
from itertools import count

import pytest
from fastapi.testclient import TestClient

from .conftest import PASSWORD, SENTINEL, Site

API = "/api/v1/brokerage"
_keys = count()


def _client(site: Site, name: str, role: str, provider_id: str | None = None) -> TestClient:
    """A client signed in (bearer token) as a new user."""
    from caremarket.web.viewer import Role

    suffix = os.environ.get("PYTEST_XDIST_WORKER", "w")
    user = f"{name}-{suffix}"
    if not site.accounts.has_user(user):
        site.accounts.add_user(user, PASSWORD, Role(role), provider_id)
    token = site.accounts.create_token(user, "tests")
    return TestClient(site.app, headers={"Authorization": f"Bearer {token}"})


def _key() -> dict[str, str]:
    return {"Idempotency-Key": f"k-{os.getpid()}-{next(_keys)}"}


@pytest.fixture(scope="module")
def other(site: Site) -> TestClient:
    """A second provider, on the framework in NR1."""
    desk = site.app.state.caremarket.brokerage
    desk.store.register_provider("1-999000001", "Other Care", districts=["NR1"])
    return _client(site, "provider-other", "provider", "1-999000001")


def _need(person: str) -> dict[str, object]:
    return {
        "postcode_district": "NR1",
        "hours_per_week": 14,
        "date_added": "2026-11-01",
        "zone": "Norwich-api",
        "visits": [{"time_of_day": "morning"}, {"time_of_day": "bed", "double_handed": True}],
        "skills": ["dementia"],
        "urgency": "hospital_discharge",
        "usual_rate_gbp_per_hour": 25.0,
        "person_ref": person,
        "person_details": {"name": "Ada Example", "address": "2 Mill Lane"},
    }


def _offer(client: TestClient, rid: int, rate: float, **extra: object) -> int:
    body = {"start_date": (date.today() + timedelta(days=3)).isoformat(),
            "rate_gbp_per_hour": rate, **extra}  # fmt: skip
    response = client.post(f"{API}/requests/{rid}/offers", json=body, headers=_key())
    assert response.status_code == 201, response.text
    return int(response.json()["offer_id"])


def test_request_offer_award_hand_back_re_award(site: Site, other: TestClient) -> None:
    """Broker and two providers go request -> offers -> award -> hand-back -> re-award."""
    council, mine = site.council, site.provider
    for client in (mine, other):
        declared = client.post(f"{API}/capacity", json={"kind": "home_care_hours",
                               "area": "NR1", "amount": 20}, headers=_key())  # fmt: skip
        assert declared.status_code == 201, declared.text
    person = SENTINEL + "API-1"
    created = council.post(f"{API}/requests", json=_need(person), headers=_key())
    assert created.status_code == 201, created.text
    rid = created.json()["request_id"]
    listed = mine.get(f"{API}/requests").json()["items"]
    assert rid in [r["request_id"] for r in listed] and person not in str(listed)
    first = _offer(mine, rid, 26.5)
    _offer(other, rid, 24.0, visits_covered=[0], notes="mornings only")
    assert [o["provider_id"] for o in mine.get(f"{API}/requests/{rid}/offers").json()["items"]] == [
        site.provider_id
    ]
    assert len(council.get(f"{API}/requests/{rid}/offers").json()["items"]) == 2
    assert mine.get(f"{API}/requests/{rid}/person").status_code == 403
    award = {"offer_id": first, "why": "covers every visit"}
    key = _key()
    won = council.post(f"{API}/requests/{rid}/award", json=award, headers=key)
    again = council.post(f"{API}/requests/{rid}/award", json=award, headers=key)
    assert won.status_code == again.status_code == 200, won.text
    assert again.json()["award_id"] == won.json()["award_id"] and again.json()["replayed"]
    assert council.post(f"{API}/requests/{rid}/award", json=award).status_code == 409
    assert other.get(f"{API}/requests/{rid}/person").status_code == 403
    assert mine.get(f"{API}/requests/{rid}/person").json()["person_ref"] == person
    assert other.get(f"{API}/awards").json()["items"] == []
    back = {"reason": "carer left", "notice_date": (date.today() + timedelta(days=14)).isoformat()}
    assert other.post(f"{API}/requests/{rid}/hand-back", json=back).status_code == 403
    handed = mine.post(f"{API}/requests/{rid}/hand-back", json=back, headers=_key())
    assert handed.json()["state"] == "handed_back"
    reopened = council.post(f"{API}/requests/{rid}/reopen", json={"why": "re-source"})
    assert reopened.json()["state"] == "open"
    second = _offer(other, rid, 25.0)
    rewon = council.post(f"{API}/requests/{rid}/award", json={"offer_id": second}, headers=_key())
    assert rewon.json()["provider_id"] == "1-999000001"
    assert mine.get(f"{API}/requests/{rid}/person").status_code == 403
    trail = [e["action"] for e in council.get(f"{API}/requests/{rid}/audit").json()["items"]]
    assert trail.count("award") == 2 and "hand_back" in trail and "person_viewed" in trail


def test_offer_on_withdrawn_request_is_a_clear_conflict(site: Site, other: TestClient) -> None:
    """An offer on a withdrawn request is a 409 saying it was withdrawn."""
    rid = site.council.post(f"{API}/requests", json=_need("P-w")).json()["request_id"]
    site.council.post(f"{API}/requests/{rid}/withdraw", json={"why": "moved away"})
    refused = other.post(f"{API}/requests/{rid}/offers", json={"start_date": "2026-12-01",
                         "rate_gbp_per_hour": 25})  # fmt: skip
    assert refused.status_code == 409
    assert refused.json()["detail"] == f"cannot offer request {rid}: it was withdrawn"


def test_public_sees_nothing_and_providers_cannot_broker(site: Site) -> None:
    """The public gets 401 everywhere in brokerage; a provider cannot open or award requests."""
    for path in ("/requests", "/requests/1", "/capacity", "/reviews", "/awards", "/offers"):
        assert site.public.get(API + path).status_code == 401, path
    assert site.public.post(f"{API}/requests", json=_need("P-x")).status_code == 401
    assert site.provider.post(f"{API}/requests", json=_need("P-x")).status_code == 403
    award = site.provider.post(f"{API}/requests/1/award", json={"offer_id": 1})
    assert award.status_code == 403
    assert site.provider.get(f"{API}/requests/1/audit").status_code == 403


def test_fit_seam_answers_unknown_until_plugged_in(site: Site) -> None:
    """The fit section says the ranking is not computed here, never a made-up ranking."""
    fit = site.council.get(f"{API}/requests/1/fit").json()
    assert fit["ranking"] == [] and fit["hard_to_serve"] is None and fit["reason"]


def test_figures_are_for_the_council(site: Site) -> None:
    """The council sees every figure on the API and its dashboard; providers and the public
    get none (group names are brokers' own words)."""
    council = site.council.get(f"{API}/figures").json()
    assert council["threshold"] is None and council["offers"]
    assert site.provider.get(f"{API}/figures").status_code == 403
    assert site.public.get(f"{API}/figures").status_code == 401
    page = site.council.get("/dashboards/brokerage")
    assert page.status_code == 200 and "Time to source" in page.text
