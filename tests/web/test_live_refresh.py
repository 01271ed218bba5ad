"""Loading while serving: a release ingested under load shows up, no request fails or mixes."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from caremarket.demo import generate
from caremarket.pipeline import ingest_file
from caremarket.store.versions import writing

from .conftest import CLI, start_serving


@dataclass
class Served:
    """A `caremarket serve` process over a store missing the demo's last monthly release."""

    url: str
    db: Path
    last_release: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo county without June, served by the real command on loopback."""
    out = tmp_path_factory.mktemp("live")
    manifest = generate(out / "demo", seed=2026)
    db = out / "caremarket.duckdb"
    *earlier, last = manifest.releases
    with writing(db) as store:
        for path in (*earlier, manifest.localities, *manifest.public_files):
            ingest_file(store, path)
    server, url = start_serving("--db", str(db), seconds=90)
    yield Served(url, db, last)
    server.terminate()
    server.wait(timeout=20)


PATHS = ("/api/v1/releases", "/api/v1/metrics/locations", "/api/v1/areas", "/")


@dataclass
class Load:
    """What the clients saw: failures, and per store version the releases and dates answered."""

    failures: list[str] = field(default_factory=list)
    releases: dict[str, set[frozenset[str]]] = field(default_factory=dict)
    as_of: dict[str, set[str]] = field(default_factory=dict)
    answered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, path: str, response: httpx.Response) -> None:
        """Count one answer, keeping what it says about its store version."""
        with self.lock:
            self.answered += 1
            if response.status_code != 200:
                self.failures.append(f"{path}: {response.status_code}")
                return
            version = response.headers["x-store-version"]
            if path == "/api/v1/releases":
                ids = frozenset(r["release_id"] for r in response.json()["items"])
                self.releases.setdefault(version, set()).add(ids)
            elif path == "/api/v1/metrics/locations":
                self.as_of.setdefault(version, set()).add(response.json()["as_of"])


def _client(url: str, load: Load, stop: threading.Event, number: int) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        turn = number
        while not stop.is_set():
            path = PATHS[turn % len(PATHS)]
            turn += 1
            try:
                load.record(path, client.get(path))
            except httpx.HTTPError as error:
                with load.lock:
                    load.failures.append(f"{path}: {type(error).__name__}")


def test_a_release_loaded_under_load_appears_without_a_failed_request(served: Served) -> None:
    """While 4 clients query the server, ingest and figures run; 0 fail, June appears, none mix."""
    load, stop = Load(), threading.Event()
    clients = [threading.Thread(target=_client, args=(served.url, load, stop, n)) for n in range(4)]
    for thread in clients:
        thread.start()
    try:
        time.sleep(1)
        figures = subprocess.run(
            [*CLI, "figures", "--db", str(served.db), "--la", "Norfolk", "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert figures.returncode == 0, figures.stderr
        loaded = subprocess.run(
            [*CLI, "ingest", "--db", str(served.db), str(served.last_release)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert loaded.returncode == 0, loaded.stderr
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with load.lock:
                if "2026-06-01" in set().union(*load.as_of.values()):
                    break
            time.sleep(0.2)
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=60)
    assert load.failures == []
    assert load.answered > 20
    # Answered from the old version and from the new one (on any route: the release list
    # may be asked for only before the switch).
    assert len(set(load.releases) | set(load.as_of)) >= 2
    for version, seen in load.releases.items():
        assert len(seen) == 1, f"version {version} answered different release lists"
    assert any(dates == {"2026-06-01"} for dates in load.as_of.values())
    for version, dates in load.as_of.items():
        assert len(dates) == 1, f"version {version} answered different dates"
    newest = json.loads(figures.stdout)
    assert newest and {r["la_code"] for r in newest} == {"E10000020"}
