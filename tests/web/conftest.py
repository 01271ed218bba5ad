"""Fixtures for the web tool: the demo county with planted personal data, PostgreSQL, clients.

The council-side tables (interim care list, service agreements) are loaded
from the demo's CSV templates with every person id replaced by a sentinel,
so a test can prove no personal data reaches a public or provider response.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from caremarket.brokerage.workflow.desk import Desk
from caremarket.brokerage.workflow.lifecycle import Actor, Party
from caremarket.brokerage.workflow.need import Need
from caremarket.brokerage.workflow.postgres import WorkflowStore
from caremarket.demo import generate
from caremarket.pipeline import ingest_council, ingest_file
from caremarket.store.duckdb_store import DuckDBStore
from caremarket.web.accounts.account_store import AccountStore
from caremarket.web.accounts.cluster import LocalCluster, free_port, server_binaries
from caremarket.web.accounts.postgres import PostgresAccountStore
from caremarket.web.app import create_app
from caremarket.web.settings import WebSettings
from caremarket.web.viewer import Role

SENTINEL = "PERSON-SECRET-"
NORFOLK = "E10000020"
PASSWORD = "a long test password 1"
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _plant_sentinels(store: DuckDBStore) -> None:
    """Replace every person id in the council's tables by a sentinel a test can look for."""
    con = store._con  # tests only: rewrite the loaded rows in place
    for table in ("interim_care_entry", "service_agreement"):
        con.execute(f"UPDATE {table} SET person_id = '{SENTINEL}' || person_id")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county as `caremarket demo` loads it, every person id a sentinel."""
    out = tmp_path_factory.mktemp("demo")
    manifest = generate(out, seed=2026)
    db = out / "caremarket.duckdb"
    with DuckDBStore(db) as store:
        for path in (*manifest.releases, manifest.localities, *manifest.public_files):
            ingest_file(store, path)
        ingest_council(store, manifest.council_dir)
        _plant_sentinels(store)
    return db


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster (its connection string); fails in CI when absent."""
    try:
        server_binaries()
    except LookupError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(error))
    folder = Path(tempfile.mkdtemp(prefix="caremarket-pg-"))
    cluster = LocalCluster(folder, free_port()).start()
    yield cluster.conninfo
    cluster.stop()
    shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Site:
    """The app over the demo store, with a client per role."""

    app: FastAPI
    accounts: AccountStore
    provider_id: str
    public: TestClient
    provider: TestClient
    council: TestClient

    def client(self, role: Role) -> TestClient:
        """The client signed in as a role (bearer token)."""
        return {Role.PUBLIC: self.public, Role.PROVIDER: self.provider, Role.COUNCIL: self.council}[
            role
        ]


def write_zone_designs(folder: Path) -> Path:
    """Two small zone designs of Norwich (two zones, then three) as `zones design` writes them."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    west, east = 1.22, 1.36
    for zones in (2, 3):
        step = (east - west) / zones
        features = []
        for z in range(zones):
            left, right = west + z * step, west + (z + 1) * step
            ring = [[left, 52.59], [right, 52.59], [right, 52.67], [left, 52.67], [left, 52.59]]
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": {
                        "zone": z + 1,
                        "blocks": [f"NR{z + 1} {n}" for n in range(1, 4)],
                        "hours_per_week": 900.0 / zones,
                        "waiting_hours_per_week": 30.0 / zones,
                        "people": 90 // zones,
                        "travel_hours_per_week": 200.0 / zones,
                        "workload_hours_per_week": 1130.0 / zones,
                        "workload_vs_mean_pct": 0.0,
                    },
                }
            )
        document = {
            "type": "FeatureCollection",
            "name": f"Norfolk: {zones} home-care zones",
            "properties": {"council": "Norfolk", "as_of": "2026-06-01",
                           "blocks": "postcode-sector", "method": "caremarket",
                           "max_deviation_pct": 0.0, "compactness": 0.2},
            "features": features,
        }  # fmt: skip
        (folder / f"design-{zones}.geojson").write_text(json.dumps(document), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def site(demo_db: Path, postgres: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The tool on the demo county with a council user and a provider user, and two designs."""
    accounts = PostgresAccountStore(postgres)
    store = DuckDBStore(demo_db, read_only=True)
    zones = write_zone_designs(tmp_path_factory.mktemp("zones"))
    desk = Desk(WorkflowStore(postgres))
    app = create_app(
        WebSettings(secret_key="test-secret", zones_dir=zones), store, accounts, desk=desk
    )
    market = app.state.caremarket.market
    biggest = (
        market.snapshot()
        .locations.group_by("provider_id")
        .len()
        .sort("len", "provider_id", descending=[True, False])
    )
    provider_id = biggest["provider_id"][0]
    suffix = os.environ.get("PYTEST_XDIST_WORKER", "w")
    for name, role, pid in (
        ("council-" + suffix, Role.COUNCIL, None),
        ("provider-" + suffix, Role.PROVIDER, provider_id),
    ):
        accounts.add_user(name, PASSWORD, role, pid)
    tokens = {r: accounts.create_token(f"{r}-{suffix}", "tests") for r in ("council", "provider")}
    seed_brokerage(desk, provider_id)
    clients = {
        role: TestClient(app, headers={"Authorization": f"Bearer {tokens[role]}"})
        for role in tokens
    }
    yield Site(app, accounts, provider_id, TestClient(app), clients["provider"], clients["council"])
    store.close()
    desk.close()


def seed_brokerage(desk: Desk, provider_id: str) -> None:
    """The provider on the brokerage framework and one open request whose person is a sentinel."""
    desk.store.register_provider(provider_id, "Demo provider", districts=["NR1", "NR2"])
    if not desk.store.queue():
        need = Need("NR1", 7.0, date(2026, 10, 1), zone="Norwich", person_ref=SENTINEL + "B1")
        desk.store.create_request(need, Actor("seed", Party.BROKER))


@pytest.fixture(scope="session")
def live_url(site: Site) -> Iterator[str]:
    """The app served over HTTP on loopback (a thread of this process), for the browser."""
    yield from serve(site.app)


@pytest.fixture(scope="session")
def lincolnshire_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the real Lincolnshire sample: CQC Latest ratings (postcodes, no coordinates,
    no beds), ONS district boundaries, Nomis population and the ASCOF releases."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the real public data samples in {SHARED_DATA} (absent here)")
    shared_data = SHARED_DATA
    db = tmp_path_factory.mktemp("lincolnshire") / "store.duckdb"
    with DuckDBStore(db) as store:
        for path in (
            "cqc/latest_ratings_lincolnshire_2026-06.csv",
            "geo/england_lower_tier_la_2025.geojson",
            "ons/mid2024_population_lincolnshire_nomis.csv",
            "nhs/ascof_2020-21_open_data.xlsx",
            "nhs/ascof_timeseries_2015-16_to_2024-25.ods",
        ):
            ingest_file(store, shared_data / path)
    return db


@pytest.fixture(scope="session")
def lincolnshire(lincolnshire_db: Path) -> Iterator[FastAPI]:
    """The tool over the Lincolnshire sample, with no accounts store."""
    store = DuckDBStore(lincolnshire_db, read_only=True)
    yield create_app(WebSettings(secret_key="test-secret", council="Lincolnshire"), store)
    store.close()


def serve(app: FastAPI) -> Iterator[str]:
    """An app served over HTTP on loopback (a thread of this process), for the browser."""
    import threading
    import time

    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def lincolnshire_url(lincolnshire: FastAPI) -> Iterator[str]:
    """The Lincolnshire tool served over HTTP."""
    yield from serve(lincolnshire)


def app_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str], Any]]:
    """Every (path, methods, route) of an app, routers included through `include_router` too
    (FastAPI keeps those as included-router entries, not as routes of the app)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from app_routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif hasattr(route, "path"):
            yield prefix + route.path, set(getattr(route, "methods", None) or ()), route


CLI = [sys.executable, "-c", "from caremarket.cli.main import app; app()"]
"""The `caremarket` command, run by this interpreter."""


def start_serving(*options: str, seconds: float = 120) -> tuple[subprocess.Popen[bytes], str]:
    """`caremarket serve OPTIONS` on a free loopback port, returned once it answers: the
    process (its output piped) and its URL."""
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", *options, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{url}/api/v1/releases", timeout=5)
            return server, url
        except httpx.HTTPError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                output = server.communicate()[0].decode(errors="replace")
                raise AssertionError(f"serve did not start in {seconds:.0f} s:\n{output}") from None
            time.sleep(0.3)
