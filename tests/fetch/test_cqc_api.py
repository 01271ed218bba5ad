"""The CQC API client: a council's records paged, paced, retried, snapshotted and loaded."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from caremarket.cli.main import app

FIXTURE = (
    Path(__file__).parent.parent / "fixtures" / "cqc_api" / "constructed_api_location_list.json"
)
KEY = "test-key-123"
runner = CliRunner()
Reply = tuple[int, object, dict[str, str]]


def _records() -> dict[str, dict[str, object]]:
    """The constructed API records, all placed in Devon for these tests."""
    records = json.loads(FIXTURE.read_text())
    for record in records:
        record["localAuthority"] = "Devon"
        record["region"] = "South West"
    return {r["locationId"]: r for r in records}


def _api(tmp_path: Path, base: str, publisher, records, *, per_page: int = 2,
         busy_once: bool = False, changed: tuple[str, ...] = ()) -> Path:  # fmt: skip
    """Serve a CQC API at /public/v1 and write a listings file pointing at it."""
    busy = {"left": 1 if busy_once else 0}

    def listing(
        query: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, object, dict[str, str]]:
        if headers.get("Ocp-Apim-Subscription-Key") != KEY:
            return 401, {"message": "Access denied due to invalid subscription key."}, {}
        if busy["left"]:
            busy["left"] -= 1
            return 429, {"message": "Rate limit is exceeded."}, {"Retry-After": "0"}
        ids = sorted(
            i for i, r in records.items() if r["localAuthority"] == query["localAuthority"]
        )
        size, page = int(query["perPage"]), int(query["page"])
        pages = max(1, -(-len(ids) // size))
        chunk = ids[(page - 1) * size : page * size]
        summaries = [{"locationId": i, "locationName": "x"} for i in chunk]
        return 200, {"total": len(ids), "totalPages": pages, "locations": summaries}, {}

    def changes(
        query: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, object, dict[str, str]]:
        return (
            200,
            {"total": len(changed), "page": 1, "totalPages": 1, "changes": list(changed)},
            {},
        )

    def one(location_id: str) -> Callable[..., Reply]:
        return lambda query, headers: (200, records[location_id], {})

    publisher.answers = {"/public/v1/locations": listing, "/public/v1/changes/location": changes}
    publisher.answers |= {f"/public/v1/locations/{i}": one(i) for i in records}
    path = tmp_path / "listings.yaml"
    path.write_text(
        "politeness: {retries: 2, backoff_seconds: 0, timeout_seconds: 10}\n"
        "listings:\n"
        "  cqc-hsca: {source_id: cqc_hsca_active_locations, title: t, page: 'http://x/', "
        "link: 'x', types: [csv], cadence: monthly, licence: OGL}\n"
        "apis:\n"
        "  cqc-api:\n"
        "    source_id: cqc_api_locations\n"
        "    title: CQC API\n"
        f"    base: {base}/public/v1\n"
        "    portal: https://api-portal.service.cqc.org.uk/\n"
        "    key_header: Ocp-Apim-Subscription-Key\n"
        "    key_environment: CQC_SUBSCRIPTION_KEY\n"
        f"    per_page: {per_page}\n"
        "    requests_per_minute: 60000\n"
        "    licence: Open Government Licence v3.0\n"
    )
    return path


def _fetched(publisher) -> list[str]:
    return [p for p, _ in publisher.requests if p.startswith("/public/v1/locations/")]


def test_a_councils_records_are_paged_fetched_and_loaded(publisher, tmp_path: Path) -> None:
    """Every record the paged listing names is fetched once and loaded with its download."""
    records = _records()
    listings = _api(tmp_path, publisher.base, publisher, records, busy_once=True)
    db = tmp_path / "s.duckdb"
    args = ["fetch", "cqc-api", "--la", "Devon", "--db", str(db), "--listings", str(listings)]
    result = runner.invoke(app, args, env={"CQC_SUBSCRIPTION_KEY": KEY})
    assert result.exit_code == 0, result.output
    assert sorted(_fetched(publisher)) == [f"/public/v1/locations/{i}" for i in sorted(records)]
    pages = [p for p, _ in publisher.requests if p.startswith("/public/v1/locations?")]
    assert len(pages) == 3  # one refused as busy (429), then pages 1 and 2
    with duckdb.connect(str(db), read_only=True) as con:
        ids = {r[0] for r in con.execute("SELECT location_id FROM location").fetchall()}
        listing = con.execute("SELECT listing FROM release_download").fetchone()
    assert ids == set(records)
    assert listing == ("cqc-api",)
    assert list((tmp_path / "releases" / "cqc-api").rglob("cqc_api_devon_*.json"))


def test_a_second_fetch_asks_again_only_for_what_changed(publisher, tmp_path: Path) -> None:
    """With a snapshot kept, only locations the change listing names are fetched again."""
    records = _records()
    changed = sorted(records)[0]
    listings = _api(tmp_path, publisher.base, publisher, records, changed=(changed,))
    args = ["fetch", "cqc-api", "--la", "Devon", "--db", str(tmp_path / "s.duckdb"),
            "--listings", str(listings)]  # fmt: skip
    assert runner.invoke(app, args, env={"CQC_SUBSCRIPTION_KEY": KEY}).exit_code == 0
    publisher.requests.clear()
    result = runner.invoke(app, args, env={"CQC_SUBSCRIPTION_KEY": KEY})
    assert result.exit_code == 0, result.output
    assert _fetched(publisher) == [f"/public/v1/locations/{changed}"]


def test_a_refused_key_says_where_to_get_one_and_loads_nothing(publisher, tmp_path: Path) -> None:
    """A wrong subscription key gives one line naming the portal; the store is unchanged."""
    listings = _api(tmp_path, publisher.base, publisher, _records())
    db = tmp_path / "s.duckdb"
    args = ["fetch", "cqc-api", "--la", "Devon", "--db", str(db), "--listings", str(listings)]
    result = runner.invoke(app, args, env={"CQC_SUBSCRIPTION_KEY": "wrong"})
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "refused the subscription key (401)" in text
    assert "api-portal.service.cqc.org.uk" in text
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM release").fetchone() == (0,)


def test_without_a_key_or_a_council_the_api_is_not_called(publisher, tmp_path: Path) -> None:
    """cqc-api without --la, or without a key, is a usage error before any request."""
    listings = _api(tmp_path, publisher.base, publisher, _records())
    db = str(tmp_path / "s.duckdb")
    no_la = runner.invoke(app, ["fetch", "cqc-api", "--db", db, "--listings", str(listings)],
                          env={"CQC_SUBSCRIPTION_KEY": KEY})  # fmt: skip
    args = ["fetch", "cqc-api", "--la", "Devon", "--db", db, "--listings", str(listings)]
    no_key = runner.invoke(app, args, env={"CQC_SUBSCRIPTION_KEY": ""})
    assert no_la.exit_code == 2 and "--la" in no_la.output
    assert no_key.exit_code == 2 and "subscription key" in " ".join(no_key.output.split())
    assert publisher.requests == []


def test_refresh_fetches_again_the_councils_fetched_before(publisher, tmp_path: Path) -> None:
    """refresh with no sources asks the API again for the councils it was asked for before."""
    records = _records()
    changed = sorted(records)[-1]
    listings = _api(tmp_path, publisher.base, publisher, records, changed=(changed,))
    db = str(tmp_path / "s.duckdb")
    args = ["fetch", "cqc-api", "--la", "Devon", "--db", db, "--listings", str(listings)]
    assert runner.invoke(app, args, env={"CQC_SUBSCRIPTION_KEY": KEY}).exit_code == 0
    publisher.requests.clear()
    again = ["refresh", "--db", db, "--listings", str(listings)]
    result = runner.invoke(app, again, env={"CQC_SUBSCRIPTION_KEY": KEY})
    assert result.exit_code == 0, result.output
    assert any("localAuthority=Devon" in p for p, _ in publisher.requests)
    assert _fetched(publisher) == [f"/public/v1/locations/{changed}"]


def test_with_nothing_changed_no_new_release_is_made(publisher, tmp_path: Path) -> None:
    """When the change listing names none of the council's locations, nothing is loaded again."""
    listings = _api(tmp_path, publisher.base, publisher, _records())
    db = tmp_path / "s.duckdb"
    args = ["fetch", "cqc-api", "--la", "Devon", "--db", str(db), "--listings", str(listings)]
    assert runner.invoke(app, args, env={"CQC_SUBSCRIPTION_KEY": KEY}).exit_code == 0
    result = runner.invoke(app, args, env={"CQC_SUBSCRIPTION_KEY": KEY})
    assert result.exit_code == 0, result.output
    assert "already loaded" in result.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM release").fetchone() == (1,)
