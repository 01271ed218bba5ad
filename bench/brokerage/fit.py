"""Package-fit benchmark: rank every branch for the demo county's whole waiting list.

Builds the demo county (or uses `--db`), plans every home-care branch's typical day
from its running packages, then ranks all branches for every person waiting.
Prints the seconds for each step, the packages per second, and how many packages
are hard to serve. No baseline exists yet: the figures are the baseline.

    .venv/bin/python bench/brokerage/fit.py
    .venv/bin/python bench/brokerage/fit.py --db demo-output/caremarket.duckdb --la Norfolk
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--la", default="Norfolk")
    args = parser.parse_args(argv)

    from caremarket.brokerage.fit import fit_parameters, hard_to_serve, rank
    from caremarket.domain.council_name import council_named
    from caremarket.package_fit import council_fit, council_rounds
    from caremarket.store.duckdb_store import DuckDBStore

    parameters = fit_parameters()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or _demo_store(Path(scratch))
        council = council_named(args.la)
        started = time.perf_counter()
        with DuckDBStore(db) as store:
            found = council_fit(store, council, parameters, None)
        read_s = time.perf_counter() - started
    started = time.perf_counter()
    rounds = council_rounds(found, parameters)
    rounds_s = time.perf_counter() - started
    started = time.perf_counter()
    hard = 0
    best: list[float] = []
    for request in found.waiting:
        fits = rank(request, rounds, found.travel, parameters)
        hard += hard_to_serve(fits)
        if fits and fits[0].extra_travel_minutes_per_contact_hour is not None:
            best.append(fits[0].extra_travel_minutes_per_contact_hour)
    rank_s = time.perf_counter() - started
    calls = sum(len(r.problem.visits) for r in rounds)
    travel = statistics.mean(r.report.travel_per_placed_hour for r in rounds) if rounds else 0.0
    print(f"{council.name} on {found.as_of}: {len(found.branches)} home-care branches, "
          f"{calls} calls a day in their rounds, {len(found.waiting)} people waiting")  # fmt: skip
    print()
    print("| step | seconds |")
    print("|---|---|")
    print(f"| read the store and postcodes | {read_s:.1f} |")
    print(f"| plan every branch's typical day | {rounds_s:.1f} |")
    print(f"| rank all branches for every waiting package | {rank_s:.1f} |")
    print(f"| total | {read_s + rounds_s + rank_s:.1f} |")
    print()
    per = len(found.waiting) / rank_s if rank_s else 0.0
    print(f"{per:.1f} packages ranked a second ({len(found.waiting) * len(rounds)} fits)")
    print(f"modelled rounds: {travel:.1f} travel minutes per contact hour (mean over branches)")
    if best:
        print(f"best fit's extra travel per contact hour: median {statistics.median(best):.1f}, "
              f"max {max(best):.1f}")  # fmt: skip
    print(f"hard to serve: {hard} of {len(found.waiting)} (threshold "
          f"{parameters.hard_to_serve_minutes_per_contact_hour:.1f} extra travel minutes per "
          "contact hour)")  # fmt: skip
    return 0


def _demo_store(folder: Path) -> Path:
    """The demo county with the council's extract, loaded as `caremarket demo` does."""
    from caremarket.demo import generate
    from caremarket.pipeline import ingest_council, ingest_file
    from caremarket.store.duckdb_store import DuckDBStore

    manifest = generate(folder, seed=2026)
    path = folder / "store.duckdb"
    with DuckDBStore(path) as store:
        for release in manifest.ingestible:
            ingest_file(store, release)
        ingest_council(store, manifest.council_dir)
    return path


if __name__ == "__main__":
    sys.exit(main())
