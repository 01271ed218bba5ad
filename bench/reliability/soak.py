"""Soak: clients on the API while releases are loaded and removed, one load killed midway.

    .venv/bin/python bench/reliability/soak.py                      # 50 clients, 10 minutes
    .venv/bin/python bench/reliability/soak.py --clients 10 --seconds 60   # a short run

The demo county is made with January's CQC release only and served by the real
`caremarket serve` (uvicorn on loopback). N clients then query the API in a loop
while, spread over the run, `caremarket ingest` loads February to June (5
releases), one of those loads is killed with SIGKILL once it is writing (and run
again), and `caremarket releases remove` takes out two releases. Reported:

- failed requests (anything but 200, or no answer): must be 0;
- responses mixing two releases: every response names the store version it was
  answered from (`X-Store-Version`); every `/api/v1/releases` answer of one version
  must list the same releases, every `/api/v1/metrics/locations` answer of one
  version must give the same date, and that date must be the newest CQC release
  the version's release list holds. Any answer breaking this counts: must be 0;
- the store afterwards: the releases are exactly those loaded and not removed,
  every row belongs to a loaded release, no draft is left, and the store version
  counts every publish.

Writes the figures to bench/out/reliability_soak.md (and prints them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
CLI = [sys.executable, "-c", "from caremarket.cli.main import app; app()"]
PATHS = (
    "/api/v1/releases?limit=1000",
    "/api/v1/metrics/locations",
    "/api/v1/areas",
    "/api/v1/metrics/beds?level=district",
    "/",
)
HSCA = "cqc_hsca_active_locations"


@dataclass
class Seen:
    """What the clients were answered."""

    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    releases: dict[str, set[frozenset[tuple[str, str, str]]]] = field(
        default_factory=lambda: defaultdict(set)
    )
    as_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    per_version: Counter[str] = field(default_factory=Counter)


async def client(url: str, seen: Seen, stop: asyncio.Event, number: int) -> None:
    """Query the API in a loop until told to stop."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        turn = number
        while not stop.is_set():
            path = PATHS[turn % len(PATHS)]
            turn += 1
            began = time.perf_counter()
            try:
                response = await http.get(path)
            except httpx.HTTPError as error:
                seen.failures[f"{path}: {type(error).__name__}"] += 1
                continue
            seen.latencies.append(time.perf_counter() - began)
            if response.status_code != 200:
                seen.failures[f"{path}: HTTP {response.status_code}"] += 1
                continue
            version = response.headers.get("x-store-version", "?")
            seen.per_version[version] += 1
            if path.startswith("/api/v1/releases"):
                items = response.json()["items"]
                seen.releases[version].add(
                    frozenset((r["release_id"], r["source_id"], r["release_date"]) for r in items)
                )
            elif path == "/api/v1/metrics/locations":
                seen.as_of[version].add(response.json()["as_of"])


def mixed(seen: Seen) -> tuple[int, list[str]]:
    """Versions whose answers disagree with each other (and why)."""
    reasons: list[str] = []
    for version, lists in seen.releases.items():
        if len(lists) > 1:
            reasons.append(f"version {version}: {len(lists)} different release lists")
    for version, dates in seen.as_of.items():
        if len(dates) > 1:
            reasons.append(f"version {version}: figures as at {sorted(dates)}")
        lists = seen.releases.get(version)
        if lists and len(lists) == 1:
            (listed,) = lists
            newest = max(d for _, s, d in listed if s == HSCA)
            if dates != {newest}:
                reasons.append(f"version {version}: figures as at {sorted(dates)}, newest {newest}")
    return len(reasons), reasons


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    """A CLI command, checked."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[3:])} failed: {done.stderr[-2000:]}")
    return done


def release_ids(db: Path) -> dict[str, str]:
    """release_id -> file name, as `caremarket releases` lists them."""
    listed = json.loads(run([*CLI, "releases", "--db", str(db), "--format", "json"]).stdout)
    return {r["release_id"]: r["file_name"] for r in listed}


def _drafting(db: Path) -> bool:
    return bool(list(db.parent.glob(db.name + ".draft-*")))


def ingest(db: Path, path: Path, kill_after: float | None = None) -> tuple[float, bool]:
    """`caremarket ingest` of one file: seconds from its draft to its end, and whether it was
    killed (SIGKILL `kill_after` seconds after its draft appeared, if still running)."""
    process = subprocess.Popen(
        [*CLI, "ingest", "--db", str(db), str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    while process.poll() is None and not _drafting(db):
        time.sleep(0.002)
    drafted = time.monotonic()
    if kill_after is not None:
        while process.poll() is None and time.monotonic() < drafted + kill_after:
            time.sleep(0.002)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return time.monotonic() - drafted, True
    _, errors = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"ingest of {path.name} failed: {errors[-2000:]}")
    return time.monotonic() - drafted, False


def consistency(db: Path, expected: set[str], publishes: int) -> list[str]:
    """What is wrong with the store after the soak (empty: consistent).

    `expected`: the file names of the releases that must be loaded, and no others.
    """
    from caremarket.domain.tables import TABLES
    from caremarket.store.versions import reading

    wrong: list[str] = []
    if list(db.parent.glob(db.name + ".draft-*")):
        wrong.append("a draft is left beside the store")
    with reading(db) as store:
        loaded = set(store.query("SELECT file_name FROM release")["file_name"])
        if loaded != expected:
            wrong.append(f"releases of {sorted(loaded ^ expected)} differ from those expected")
        for table in TABLES:
            orphans = store.query(
                f"SELECT count(*) AS n FROM {table.name} "
                "WHERE release_id NOT IN (SELECT release_id FROM release)"
            )["n"][0]
            if orphans:
                wrong.append(f"{orphans} rows of {table.name} belong to no loaded release")
        if store.generation() != publishes:
            wrong.append(f"store version {store.generation()}, expected {publishes}")
    return wrong


async def soak(clients: int, seconds: float, work: Path) -> dict[str, object]:
    """The soak itself; its figures."""
    from caremarket.demo import generate
    from caremarket.pipeline import ingest_council, ingest_file
    from caremarket.store.versions import writing
    from caremarket.web.accounts.cluster import free_port

    manifest = generate(work / "demo", seed=2026)
    db = work / "caremarket.duckdb"
    january, *later = manifest.releases
    with writing(db) as store:
        for path in (january, manifest.localities, *manifest.public_files):
            ingest_file(store, path)
        # Lenient: the extract names services that open in the months loaded later.
        ingest_council(store, manifest.council_dir, lenient=True)
    publishes = 1
    initial = set(release_ids(db).values())
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"{url}/api/v1/areas", timeout=5)
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the server did not start") from None
            await asyncio.sleep(0.3)

    february, march, april, may, june = later
    operations: list[tuple[str, Path | str]] = [
        ("ingest", february),
        ("ingest", march),
        ("kill", april),
        ("ingest", april),
        ("remove", february.name),
        ("ingest", may),
        ("remove", march.name),
        ("ingest", june),
    ]
    seen, stop = Seen(), asyncio.Event()
    tasks = [asyncio.create_task(client(url, seen, stop, n)) for n in range(clients)]
    log: list[str] = []
    last_load = 2.0
    began = time.monotonic()
    try:
        for number, (kind, what) in enumerate(operations, start=1):
            due = began + seconds * number / (len(operations) + 1)
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            at = time.monotonic() - began
            if kind == "ingest":
                assert isinstance(what, Path)
                last_load, _ = await asyncio.to_thread(ingest, db, what)
                publishes += 1
                log.append(f"{at:6.1f} s ingest {what.name} ({last_load:.1f} s from its draft)")
            elif kind == "kill":
                assert isinstance(what, Path)
                # Midway: half as long after its draft appears as the last load took from its.
                after = last_load / 2
                for _ in range(4):
                    ran, killed = await asyncio.to_thread(ingest, db, what, after)
                    if killed:
                        log.append(
                            f"{at:6.1f} s kill -9 of the ingest of {what.name}, "
                            f"{ran:.2f} s after its draft appeared"
                        )
                        break
                    # It finished first: take it out again and kill sooner.
                    publishes += 1
                    ids = await asyncio.to_thread(release_ids, db)
                    (done,) = [r for r, name in ids.items() if name == what.name]
                    await asyncio.to_thread(
                        run, [*CLI, "releases", "remove", done, "--db", str(db)]
                    )
                    publishes += 1
                    log.append(f"{at:6.1f} s (the load to kill finished first: removed, again)")
                    after /= 2
            else:
                ids = await asyncio.to_thread(release_ids, db)
                (chosen,) = [r for r, name in ids.items() if name == what]
                await asyncio.to_thread(run, [*CLI, "releases", "remove", chosen, "--db", str(db)])
                publishes += 1
                log.append(f"{at:6.1f} s releases remove {chosen} ({what})")
        await asyncio.sleep(max(0.0, began + seconds - time.monotonic()))
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        server.terminate()
        server.wait(timeout=30)
    elapsed = time.monotonic() - began
    wrong = consistency(db, initial | {april.name, may.name, june.name}, publishes)
    count_mixed, reasons = mixed(seen)
    answered = sum(seen.per_version.values())
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": answered + sum(seen.failures.values()),
        "failed": sum(seen.failures.values()),
        "failures": dict(seen.failures),
        "mixed": count_mixed,
        "mixed_reasons": reasons,
        "versions_answered": dict(sorted(seen.per_version.items())),
        "p50_ms": round(statistics.median(seen.latencies) * 1000, 1) if seen.latencies else None,
        "p95_ms": round(statistics.quantiles(seen.latencies, n=20)[-1] * 1000, 1)
        if len(seen.latencies) > 20
        else None,
        "operations": log,
        "store_problems": wrong,
    }


def report(figures: dict[str, object]) -> str:
    """The figures as markdown."""
    lines = [
        "# Reliability soak",
        "",
        f"{figures['clients']} clients for {figures['seconds']} s on `caremarket serve` "
        "(loopback) while 5 releases were loaded, one load was killed with SIGKILL and "
        "2 releases were removed.",
        "",
        "| measure | target | result |",
        "|---|---|---|",
        f"| requests answered | - | {figures['requests']} |",
        f"| failed requests | 0 | {figures['failed']} |",
        f"| responses mixing two releases | 0 | {figures['mixed']} |",
        f"| store problems afterwards | 0 | {len(figures['store_problems'])} |",  # type: ignore[arg-type]
        f"| latency p50 / p95 (ms) | - | {figures['p50_ms']} / {figures['p95_ms']} |",
        "",
        "Answers per store version: "
        + ", ".join(f"v{k}: {v}" for k, v in figures["versions_answered"].items()),  # type: ignore[attr-defined]
        "",
        "Operations:",
        "",
        *[f"- {line}" for line in figures["operations"]],  # type: ignore[attr-defined]
    ]
    for key in ("failures", "mixed_reasons", "store_problems"):
        if figures[key]:
            lines += ["", f"{key}: {figures[key]}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Parse the options, soak, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--results", type=Path, default=OUT / "reliability_soak.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caremarket-soak-") as work:
        figures = asyncio.run(soak(args.clients, args.seconds, Path(work)))
    text = report(figures)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text)
    print(text)
    bad = figures["failed"] or figures["mixed"] or figures["store_problems"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
