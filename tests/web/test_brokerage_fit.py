"""The broker's request page with the fit ranking plugged in: providers ranked by the extra travel
of fitting the visits into their rounds, offers beside the usual price of their contract route."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import count
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from caremarket.brokerage.fit import fit_parameters
from caremarket.fit_ranking import BackgroundFitRanker, prepare_rounds
from caremarket.metrics.finance import fee_rates_in_force
from caremarket.package_fit import council_fit
from caremarket.pipeline import council
from caremarket.store.duckdb_store import DuckDBStore
from caremarket.web.viewer import Role

from .conftest import PASSWORD, SENTINEL, Site

API = "/api/v1/brokerage"
_keys = count()


def _key() -> dict[str, str]:
    return {"Idempotency-Key": f"fit-{os.getpid()}-{next(_keys)}"}


@dataclass(frozen=True)
class Ranked:
    """The site ranking with one home-care provider's rounds, and that provider's client."""

    site: Site
    provider_id: str
    provider: TestClient


@pytest.fixture(scope="module")
def ranked(site: Site, demo_db: Path) -> Iterator[Ranked]:
    """The site's desk ranks with the rounds of one demo home-care provider's branches (the
    whole county's take about a minute; the test needs only these)."""
    parameters = replace(fit_parameters(), rounds_iterations=20)
    with DuckDBStore(demo_db, read_only=True) as store:
        found = council_fit(store, council("Norfolk"), parameters, None)
    provider_id = found.branches[0].provider_id
    mine = replace(found, branches=tuple(b for b in found.branches if b.provider_id == provider_id))
    desk = site.app.state.caremarket.brokerage
    ranker = BackgroundFitRanker(lambda: prepare_rounds(lambda: mine, parameters))
    assert ranker.wait(120)
    desk.store.register_provider(provider_id, "Home care branch", districts=["NR1"])
    user = f"fit-provider-{os.environ.get('PYTEST_XDIST_WORKER', 'w')}"
    if not site.accounts.has_user(user):
        site.accounts.add_user(user, PASSWORD, Role.PROVIDER, provider_id)
    token = site.accounts.create_token(user, "tests")
    client = TestClient(site.app, headers={"Authorization": f"Bearer {token}"})
    before, desk.fit = desk.fit, ranker
    yield Ranked(site, provider_id, client)
    desk.fit = before


def test_request_is_ranked_and_offers_show_route_price_and_extra_travel(
    ranked: Ranked, demo_db: Path
) -> None:
    """The API and page rank the provider by its rounds; its offer shows the framework rate."""
    site = ranked.site
    need = {
        "postcode_district": "NR1",
        "hours_per_week": 7,
        "date_added": "2026-11-01",
        "zone": "Norwich-fit",
        "visits": [{"time_of_day": "morning", "minutes": 45}, {"time_of_day": "tea"}],
        "person_ref": SENTINEL + "FIT-1",
    }
    created = site.council.post(f"{API}/requests", json=need, headers=_key())
    assert created.status_code == 201, created.text
    rid = created.json()["request_id"]

    fit = site.council.get(f"{API}/requests/{rid}/fit").json()
    assert fit["ranking"], fit["reason"]
    first = fit["ranking"][0]
    assert first["provider_id"] == ranked.provider_id
    assert first["extra_travel_minutes_per_week"] is not None and first["name"]
    assert isinstance(fit["hard_to_serve"], bool)
    assert "branches' rounds" in fit["reason"]

    declared = ranked.provider.post(
        f"{API}/capacity",
        json={"kind": "home_care_hours", "area": "NR1", "amount": 20},
        headers=_key(),
    )
    assert declared.status_code == 201, declared.text
    offer = {"start_date": (date.today() + timedelta(days=2)).isoformat(), "rate_gbp_per_hour": 30}
    made = ranked.provider.post(f"{API}/requests/{rid}/offers", json=offer, headers=_key())
    assert made.status_code == 201, made.text

    page = site.council.get(f"/brokerage/requests/{rid}")
    assert page.status_code == 200
    with DuckDBStore(demo_db, read_only=True) as store:
        fees = store.query("SELECT * FROM fee_rate")
    framework = fee_rates_in_force(fees, date.today()).filter(
        (pl.col("sector") == "home_care") & (pl.col("framework_tier") == "framework")
    )["price_gbp"][0]
    text = re.sub(r"\s+", " ", page.text)
    assert f"framework route: £{framework:,.2f}" in text
    assert f"{30 - framework:+,.2f}" in text
    extra = f"{first['extra_travel_minutes_per_week']:,.0f}"
    offers = text[text.index('id="offers"') : text.index("</table>", text.index('id="offers"'))]
    assert f"<td>{extra}</td>" in offers
    assert ("Within threshold" in text and "Hard to serve" in text) or "within the travel" in text


def test_queue_shows_where_each_request_fits_once_worked_out(ranked: Ranked) -> None:
    """The queue never waits for a ranking: it says "being worked out", then the verdict."""
    site = ranked.site
    assert site.council.get(f"{API}/fit").json() == {"ready": True}
    need = {"postcode_district": "NR1", "hours_per_week": 3.5, "date_added": "2026-11-02",
            "visits": [{"time_of_day": "lunch", "minutes": 30}],
            "person_ref": SENTINEL + "FIT-2"}  # fmt: skip
    rid = site.council.post(f"{API}/requests", json=need, headers=_key()).json()["request_id"]
    link = f'href="/brokerage/requests/{rid}"'
    verdicts = []
    for _ in range(100):
        page = re.sub(r"\s+", " ", site.council.get("/brokerage").text)
        row = page[page.index(link) : page.index("</tr>", page.index(link))]
        verdicts.append(row)
        if "being worked out" not in row:
            break
        time.sleep(0.1)
    assert "being worked out" in verdicts[0]  # the first look only asks for it
    assert "being worked out" not in verdicts[-1]
    expected = site.council.get(f"{API}/requests/{rid}/fit").json()
    word = "Hard to serve" if expected["hard_to_serve"] else "fits"
    assert word in verdicts[-1]
    listed = site.council.get(f"{API}/requests").json()["items"]
    mine = next(r for r in listed if r["request_id"] == rid)
    assert mine["hard_to_serve"] is expected["hard_to_serve"]  # recorded on the request


def test_form_visits_are_what_is_ticked_and_bad_ones_are_refused() -> None:
    """Visits come only from ticked times, on ticked days; no days or odd minutes are refused."""
    from caremarket.web.routers.brokerage_pages import visits_from_form

    assert visits_from_form({"day_mon": "1"}) == ()
    got = visits_from_form(
        {"visit_lunch": "1", "minutes_lunch": "30", "double_lunch": "1", "day_tue": "1"}
    )
    assert [(v.time_of_day.value, v.minutes, v.double_handed, v.days) for v in got] == [
        ("lunch", 30, True, ("tue",))
    ]
    with pytest.raises(ValueError, match="days"):
        visits_from_form({"visit_bed": "1"})
    with pytest.raises(ValueError, match="5 to 600"):
        visits_from_form({"visit_bed": "1", "minutes_bed": "1000", "day_mon": "1"})
    with pytest.raises(ValueError, match="whole number"):
        visits_from_form({"visit_bed": "1", "minutes_bed": "=1+1", "day_mon": "1"})
