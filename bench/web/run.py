"""Web benchmark: metric and map-data API calls under concurrent clients on loopback.

Builds the demo county store and a national-size store (England-scale CQC file
plus the demo county) under bench/out/web/, serves each with `caremarket serve`
in its own process, warms the figures, then runs `load.py` in another process
with N concurrent keep-alive clients. Prints req/s, p50/p95/p99 and errors.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

import httpx

ROOT: Final = Path(__file__).resolve().parents[2]
OUT: Final = ROOT / "bench" / "out" / "web"
P95_TARGET_MS: Final = 50.0
METRICS: Final = (
    "locations",
    "beds",
    "providers",
    "pct_good_or_outstanding",
    "rated_good",
    "openings",
    "closures",
    "median_rating_age_months",
)
SECTORS: Final = ("all", "care_home", "care_home_nursing", "home_care", "supported_living")
LEVELS: Final = ("council", "district", "locality")
RATINGS: Final = ("", "good", "requires_improvement", "inadequate")


def build_store(kind: str, national_rows: int, out: Path) -> Path:
    """The store for a scenario (built once, reused)."""
    from caremarket.demo import generate
    from caremarket.demo.national import write_national_hsca
    from caremarket.pipeline import ingest_council, ingest_file
    from caremarket.store.duckdb_store import DuckDBStore

    folder = out / kind
    db = folder / "caremarket.duckdb"
    if db.exists():
        return db
    folder.mkdir(parents=True, exist_ok=True)
    manifest = generate(folder / "demo", seed=2026)
    paths: list[Path] = []
    if kind == "national":
        # Loaded first: on the same date the demo county's own release (loaded later) wins.
        paths.append(write_national_hsca(folder / "national_hsca.csv", rows=national_rows))
    paths += manifest.ingestible
    with DuckDBStore(db) as store:
        for path in paths:
            ingest_file(store, path)
        ingest_council(store, manifest.council_dir)
    return db


def urls(dates: list[str]) -> list[str]:
    """Metric and map-data calls a map or dashboard makes, across filters and releases."""
    found = [
        f"/api/v1/metrics/{m}?level={lv}&sector={s}&client_group=all"
        for m in METRICS
        for lv in LEVELS
        for s in SECTORS
    ]
    found += [
        f"/api/v1/map/areas?metric={m}&level={lv}&sector={s}&as_of={d}"
        for m in METRICS[:4]
        for lv in LEVELS[1:]
        for s in SECTORS[:3]
        for d in dates
    ]
    found += [
        f"/api/v1/map/locations?sector={s}&as_of={d}" + (f"&rating={r}" if r else "")
        for s in SECTORS
        for d in dates
        for r in RATINGS
    ]
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(db: Path, port: int, cpu: int | None) -> subprocess.Popen[bytes]:
    """Start `caremarket serve` (public view) in its own process."""
    command = [
        sys.executable,
        "-c",
        "from caremarket.cli.main import app; app()",
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
    ]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def scenario(kind: str, args: argparse.Namespace) -> dict[str, object]:
    """Serve one store, warm it, load it; the load generator's summary plus set-up times."""
    db = build_store(kind, args.national_rows, args.out)
    port = free_port()
    started = time.perf_counter()
    server = serve(db, port, None if args.no_pin else 0)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as http:
            while True:
                try:
                    if http.get("/api/v1/releases?limit=1").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None:
                    raise RuntimeError(server.stderr.read().decode() if server.stderr else "")
                time.sleep(0.2)
            ready = time.perf_counter() - started
            dates = [
                r["release_date"]
                for r in http.get(
                    "/api/v1/releases?source_id=cqc_hsca_active_locations&limit=1000"
                ).json()["items"]
            ]
            dates = sorted(set(dates))[-6:]
            chosen = urls(dates)
            warm_start = time.perf_counter()
            for url in chosen:
                http.get(url).raise_for_status()
            warm = time.perf_counter() - warm_start
        command = [
            sys.executable,
            str(Path(__file__).with_name("load.py")),
            base,
            "--clients",
            str(args.clients),
            "--seconds",
            str(args.seconds),
            "--think",
            str(args.think),
        ]
        if not args.no_pin:
            command += ["--cpu", "1"]
        done = subprocess.run(
            command, input="\n".join(chosen), capture_output=True, text=True, check=True
        )
        line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
        result: dict[str, object] = json.loads(line.removeprefix("RESULT "))
        return {
            "store": kind,
            "urls": len(chosen),
            "ready_s": round(ready, 1),
            "warm_s": round(warm, 1),
            **result,
        }
    finally:
        server.terminate()
        server.wait(timeout=20)


def table(results: list[dict[str, object]], args: argparse.Namespace) -> str:
    """The results as a markdown table."""
    lines = [
        f"clients: {args.clients}, think time: {args.think} s, {args.seconds} s per run, "
        f"{'server on CPU 0, load on CPU 1' if not args.no_pin else 'not pinned'}, "
        f"{os.cpu_count()} CPUs",
        "",
        "| store | distinct URLs | ready (s) | warm-up (s) | requests | req/s | p50 ms | p95 ms "
        "| p99 ms | max ms | errors | p95 <= 50 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ok = "yes" if float(str(r["p95_ms"])) <= P95_TARGET_MS and r["errors"] == 0 else "NO"
        lines.append(
            f"| {r['store']} | {r['urls']} | {r['ready_s']} | {r['warm_s']} | {r['requests']} "
            f"| {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} "
            f"| {r['errors']} | {ok} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run the scenarios and print (and save) the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", default="demo,national", help="demo, national or both")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause per client (s)")
    parser.add_argument("--national-rows", type=int, default=57_000)
    parser.add_argument("--no-pin", action="store_true", help="do not pin server and load")
    parser.add_argument("--out", type=Path, default=OUT, help="where the stores are built")
    parser.add_argument("--results", type=Path, default=OUT / "results.md")
    args = parser.parse_args()
    results = [scenario(kind, args) for kind in args.stores.split(",")]
    text = table(results, args)
    print(text)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text + "\n")
    print(f"\nsaved to {args.results}")


if __name__ == "__main__":
    main()
