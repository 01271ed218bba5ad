"""The brokerage figures are one set of numbers: the MPS, the API, the dashboard and the
providers' market signals show the same values, with small numbers hidden outside the council."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.brokerage.workflow.conftest import BROKER, Clock, fresh_database, provider
from tests.report.conftest import figures_in
from tests.web.conftest import NORFOLK, PASSWORD, SENTINEL

from caremarket.brokerage.workflow.desk import Desk
from caremarket.brokerage.workflow.figures import BrokerageReading
from caremarket.brokerage.workflow.need import Need, Urgency
from caremarket.brokerage.workflow.postgres import WorkflowStore
from caremarket.brokerage.workflow.reading import read_figures
from caremarket.domain.area import find_council
from caremarket.report.chapters.brokerage import NOT_INCLUDED
from caremarket.report.disclosure import disclosure_policy
from caremarket.report.mps import write_mps
from caremarket.store.duckdb_store import DuckDBStore
from caremarket.web.accounts.postgres import PostgresAccountStore
from caremarket.web.app import create_app
from caremarket.web.settings import WebSettings
from caremarket.web.viewer import Role

ALPHA, BETA = provider("1-100"), provider("1-200")


@dataclass(frozen=True)
class Agreeing:
    """A workflow with a known day of brokerage, served by the tool, and its clock."""

    conninfo: str
    clock: Clock
    store: DuckDBStore
    council: TestClient
    provider: TestClient


def _day_of_brokerage(workflow: WorkflowStore, clock: Clock) -> None:
    """Six requests in Norwich (NR1), two in West (PE30): three awarded after 6, 30 and 54
    hours, one handed back; capacity declared by both providers."""
    workflow.register_provider("1-100", "Alpha Care", districts=["NR1"])
    workflow.register_provider("1-200", "Beta Homecare", districts=["NR1", "PE30"])
    workflow.declare_capacity(ALPHA, "home_care_hours", "NR1", 10)
    workflow.declare_capacity(BETA, "home_care_hours", "NR1", 6)
    workflow.declare_capacity(BETA, "home_care_hours", "PE30", 8)
    ids = []
    for n in range(8):
        norwich = n < 6
        need = Need(
            "NR1" if norwich else "PE30",
            7.0 + n,
            date(2026, 10, 1),
            locality="Norwich" if norwich else "West",
            urgency=Urgency.HOSPITAL_DISCHARGE if n % 3 == 0 else Urgency.ROUTINE,
            person_ref=f"{SENTINEL}agree-{n}",
        )
        ids.append(workflow.create_request(need, BROKER)["request_id"])
    start = {"start_date": date(2026, 11, 9), "rate_gbp_per_hour": 24.5}
    offers = [workflow.make_offer(ids[n], ALPHA, **start)["offer_id"] for n in range(3)]  # type: ignore[arg-type]
    workflow.make_offer(ids[0], BETA, **start)  # type: ignore[arg-type]
    workflow.make_offer(ids[6], BETA, **start)  # type: ignore[arg-type]
    for n, offer in enumerate(offers):
        clock.advance(6 if n == 0 else 24)
        workflow.award(ids[n], offer, BROKER)
    workflow.hand_back(ids[2], ALPHA, reason="no carers", notice_date=date(2026, 12, 1))


@pytest.fixture(scope="module")
def agreeing(demo_db: Path, postgres: str) -> Iterator[Agreeing]:
    """The tool over the demo county with its own brokerage database after a day's work."""
    conninfo = fresh_database(postgres, "agree")
    clock = Clock()
    workflow = WorkflowStore(conninfo, clock=clock, max_size=4)
    _day_of_brokerage(workflow, clock)
    accounts = PostgresAccountStore(conninfo)
    accounts.add_user("agree-council", PASSWORD, Role.COUNCIL)
    accounts.add_user("agree-provider", PASSWORD, Role.PROVIDER, "1-100")
    store = DuckDBStore(demo_db, read_only=True)
    app = create_app(WebSettings(secret_key="test"), store, accounts, desk=Desk(workflow))
    clients = {
        name: TestClient(
            app, headers={"Authorization": f"Bearer {accounts.create_token(name, 'tests')}"}
        )
        for name in ("agree-council", "agree-provider")
    }
    yield Agreeing(conninfo, clock, store, clients["agree-council"], clients["agree-provider"])
    workflow.close()
    accounts.close()
    store.close()


def _mps(agreeing: Agreeing, out: Path, reading: BrokerageReading | None, public: bool) -> str:
    council = find_council(NORFOLK)
    assert council is not None
    written = write_mps(
        agreeing.store, council, "2026", out, pdf=False, public=public, brokerage=reading
    )
    return written.html.read_text(encoding="utf-8")


def _named(html: str) -> dict[str, dict[str, str]]:
    """The statement's brokerage figures by `<metric>.<by>.<group>` (`all.all`: council-wide)."""
    named = {}
    for found in figures_in(html):
        metric, level, area, *_ = found["data-key"].split("|")
        if metric.startswith("brokerage."):
            named[f"{metric}.{'all.all' if level == 'council' else f'{level}.{area}'}"] = found
    return named


def _cells(html: str, table_id: str) -> dict[str, list[str]]:
    """A dashboard table's rows: first cell -> the other cells' text."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def test_mps_api_and_dashboard_show_the_same_figures(agreeing: Agreeing, tmp_path: Path) -> None:
    """Time to source, offers and capacity by locality: the same numbers in all three."""
    api: dict[str, Any] = agreeing.council.get("/api/v1/brokerage/figures").json()
    dashboard = agreeing.council.get("/dashboards/brokerage").text
    html = _mps(agreeing, tmp_path, read_figures(agreeing.conninfo, clock=agreeing.clock), False)
    shown = _named(html)
    overall = next(r for r in api["time_to_source"] if r["by"] == "all")
    assert (overall["n"], overall["median_hours"]) == (3, 30.0)
    mps_median = shown["brokerage.median_hours.all.all"]
    assert float(mps_median["data-value"]) == overall["median_hours"]
    assert _cells(dashboard, "time-to-source")["All requests"][1] == mps_median["text"]
    for row in api["offers"]:
        key = f"brokerage.share_with_offer.{row['by']}.{row['grp']}"
        assert float(shown[key]["data-value"]) == row["share_with_offer"]
        label = "All localities" if row["by"] == "all" else row["grp"]
        assert _cells(dashboard, "offer-figures")[label][1] == shown[key]["text"]
    assert shown["brokerage.share_with_offer.locality.Norwich"]["text"] == "50%"
    for row in api["capacity_by_locality"]:
        key = f"brokerage.declared_hours.locality.{row['locality']}"
        assert float(shown[key]["data-value"]) == row["declared_hours"]
        # The same number; the statement's cell also names the unit ("16 hours a week").
        shown_number = shown[key]["text"].removesuffix(" hours a week")
        assert _cells(dashboard, "capacity-locality")[row["locality"]][0] == shown_number
    assert {r["locality"]: r["declared_hours"] for r in api["capacity_by_locality"]} == {
        "Norwich": 16.0,
        "West": 8.0,
    }
    assert "Source: brokerage workflow, audit log as at " in html


def test_public_mps_hides_small_groups(agreeing: Agreeing, tmp_path: Path) -> None:
    """In the public edition West's two requests show the marker; Norwich's six show values."""
    threshold = disclosure_policy().threshold
    reading = read_figures(agreeing.conninfo, threshold=threshold, clock=agreeing.clock)
    shown = _named(_mps(agreeing, tmp_path, reading, True))
    west = shown["brokerage.share_with_offer.locality.West"]
    assert west["data-suppressed"] == "true" and west["data-value"] == ""
    assert west["text"] == disclosure_policy().marker
    assert float(shown["brokerage.share_with_offer.locality.Norwich"]["data-value"]) == 0.5
    assert shown["brokerage.median_hours.all.all"]["data-suppressed"] == "true"


def test_public_mps_refuses_figures_read_without_suppression(
    agreeing: Agreeing, tmp_path: Path
) -> None:
    """A public edition given the council's unsuppressed figures is refused, not written."""
    reading = read_figures(agreeing.conninfo, clock=agreeing.clock)
    with pytest.raises(ValueError, match="small numbers hidden"):
        _mps(agreeing, tmp_path, reading, True)


def test_without_the_option_the_mps_says_so(agreeing: Agreeing, tmp_path: Path) -> None:
    """No brokerage database given: one sentence says the figures were not included."""
    html = _mps(agreeing, tmp_path, None, False)
    assert html.count(NOT_INCLUDED) == 1  # the waiting chapter, once
    assert "Capacity declared against hours waiting" not in html  # no empty section
    assert "brokerage.median_hours" not in html


def test_signals_carry_the_dashboards_numbers(agreeing: Agreeing) -> None:
    """The council sees the dashboard's numbers by locality; a provider the same with small
    groups hidden, and nothing of offers, awards or people."""
    api = agreeing.council.get("/api/v1/brokerage/figures").json()
    council = agreeing.council.get("/api/v1/signals").json()["brokerage"]
    rows = {r["locality"]: r for r in council["items"]}
    offers = {r["grp"]: r for r in api["offers"] if r["by"] == "locality"}
    today = [r for r in api["unmet_hours_by_week"] if r["day"] == api["as_of"]]
    for locality, row in rows.items():
        assert row["share_with_offer"] == offers[locality]["share_with_offer"]
    assert {r["locality"]: r["unmet_hours"] for r in today} == {
        k: v["waiting_hours_per_week"] for k, v in rows.items()
    }
    assert rows["Norwich"]["spare_hours_per_week"] == 16.0
    response = agreeing.provider.get("/api/v1/signals")
    seen = {r["locality"]: r for r in response.json()["brokerage"]["items"]}
    assert seen["West"]["share_with_offer"] is None and seen["West"]["suppressed"]
    assert seen["Norwich"]["share_with_offer"] == rows["Norwich"]["share_with_offer"]
    assert seen["Norwich"]["spare_hours_per_week"] is None  # two providers: one's own business
    for leak in (SENTINEL, "offer_id", "award_id", "provider_id", "Alpha Care", "24.5"):
        assert leak not in response.text
    page = agreeing.provider.get("/signals")
    assert page.status_code == 200 and 'id="brokerage-signals"' in page.text
    assert SENTINEL not in page.text


def test_figures_json_keeps_the_brokerage_figures(agreeing: Agreeing, tmp_path: Path) -> None:
    """figures.json lists every brokerage figure the statement prints, with the same value,
    and the next edition says which council-wide one changed."""
    council = find_council(NORFOLK)
    assert council is not None
    reading = read_figures(agreeing.conninfo, clock=agreeing.clock)
    assert reading.figures is not None
    first = write_mps(agreeing.store, council, "2026", tmp_path / "a", pdf=False, brokerage=reading)
    html = first.html.read_text(encoding="utf-8")
    printed = {f["data-key"]: f for f in figures_in(html) if f["data-metric"].startswith("brok")}
    document = json.loads(first.figures.read_text(encoding="utf-8"))
    listed = {f["key"]: f for f in document["figures"] if f["metric"].startswith("brokerage.")}
    assert len(listed) > 10 and listed.keys() == printed.keys()
    for key, figure in listed.items():
        value = figure["value"]
        assert printed[key]["data-value"] == ("" if value is None else repr(value))
    as_of = reading.figures["as_of"]
    median = listed[f"brokerage.median_hours|council|{council.code}|home_care|all|{as_of}"]
    assert (median["value"], median["period"], median["n"]) == (30.0, as_of, 3)
    # An earlier edition whose median was 20 hours: the new one lists the change.
    for figure in document["figures"]:
        if figure["key"] == median["key"]:
            figure["value"], figure["text"] = 20.0, "20.0"
    earlier = tmp_path / "earlier.json"
    earlier.write_text(json.dumps(document), encoding="utf-8")
    second = write_mps(agreeing.store, council, "2026", tmp_path / "b", pdf=False,
                       brokerage=reading, previous=earlier)  # fmt: skip
    changed = second.html.read_text(encoding="utf-8").split("What changed since", 1)[1]
    row = changed.split("Median hours from request to award", 1)[1].split("</tr>", 1)[0]
    assert "20.0" in row and "30.0" in row and "up" in row
