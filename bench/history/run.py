"""History benchmark: ten years of monthly national HSCA releases in one store.

Generates N monthly England-scale HSCA Active Locations files (CQC's 2026
layout, CSV) from one synthetic national month with churn (openings from each
location's start date, closures of extra locations, care homes changing beds),
ingests each into one DuckDB store, and times what the history questions ask:
a council's market at every release, and change between two dates. Prints the
figures beside the targets (one month ingested in seconds; each answer <= 1 s)
and the store's size on disk.

    .venv/bin/python bench/history/run.py                # 120 months, 57,000 rows a month
    .venv/bin/python bench/history/run.py --months 24    # quicker
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Final

import polars as pl
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ROOT: Final = Path(__file__).resolve().parents[2]
OUT: Final = ROOT / "bench" / "out"
INGEST_TARGET_S: Final = 10.0
ANSWER_TARGET_S: Final = 1.0
COUNCILS: Final = ("Norfolk", "Devon", "Lincolnshire", "Birmingham", "Cornwall")


def month_starts(last: date, months: int) -> list[date]:
    """The first days of `months` consecutive months ending with `last`'s month."""
    days = []
    year, month = last.year, last.month
    for _ in range(months):
        days.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(days)


def base_month(rows: int) -> pl.DataFrame:
    """The synthetic national month (June 2026), as text columns, generated once."""
    from caremarket.demo.hsca_release_file import release_file_name
    from caremarket.demo.national import AS_AT, write_national_hsca

    path = OUT / f"rows_{rows}" / release_file_name(AS_AT, ".csv")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {path.relative_to(ROOT)} ...", flush=True)
        write_national_hsca(path, rows=rows, seed=0)
    return pl.read_csv(path, infer_schema=False)


def with_churn(base: pl.DataFrame, days: list[date], seed: int) -> pl.DataFrame:
    """Base rows plus closed locations: each row gets the months it is active in.

    Openings come from each location's HSCA start date; 0.3% of locations a
    month close (extra rows, active from their start until a closing month);
    2% of care homes change their beds once, at a month of their own.
    """
    rng = random.Random(seed)
    first, last = days[0], days[-1]
    closed_count = int(base.height * 0.003 * len(days))
    extra = base.sample(closed_count, with_replacement=True, seed=seed)
    closing = [days[rng.randrange(1, len(days))] for _ in range(closed_count)]
    extra = extra.with_columns(
        pl.Series("Location ID", [f"1-9{n:09d}" for n in range(closed_count)]),
        pl.Series("_closed", closing, dtype=pl.Date),
    )
    base = base.with_columns(pl.lit(None, pl.Date).alias("_closed"))
    rows = pl.concat([base, extra])
    text = pl.col("Location HSCA start date")
    started = pl.coalesce(
        text.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        text.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
    )
    changes = [
        days[rng.randrange(len(days))] if rng.random() < 0.02 else None for _ in range(rows.height)
    ]
    return rows.with_columns(
        _started=started.fill_null(first),
        _beds_changed=pl.Series(changes, dtype=pl.Date),
    ).filter(pl.col("_started") <= last)


def month_file(rows: pl.DataFrame, day: date, folder: Path) -> Path:
    """The HSCA file of one month: rows active that day, beds as they were then."""
    from caremarket.demo.hsca_release_file import release_file_name

    active = rows.filter(
        (pl.col("_started") <= day) & (pl.col("_closed").is_null() | (pl.col("_closed") > day))
    )
    beds = pl.col("Care homes beds").cast(pl.Int64, strict=False)
    active = active.with_columns(
        pl.when(pl.col("_beds_changed").is_not_null() & (pl.col("_beds_changed") > day))
        .then((beds - 4).clip(lower_bound=1).cast(pl.String))
        .otherwise(pl.col("Care homes beds"))
        .alias("Care homes beds")
    )
    path = folder / release_file_name(day, ".csv")
    active.drop("_started", "_closed", "_beds_changed").write_csv(path)
    return path


def timed(call, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Best wall time of `repeat` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--rows", type=int, default=57_000)
    parser.add_argument("--keep", type=Path, help="Keep the store here instead of a temp folder.")
    args = parser.parse_args(argv)

    from caremarket.demo.national import AS_AT
    from caremarket.domain.council_name import council_named
    from caremarket.history import market_change, market_history
    from caremarket.pipeline import ingest_file
    from caremarket.store.duckdb_store import DuckDBStore

    days = month_starts(AS_AT, args.months)
    rows = with_churn(base_month(args.rows), days, seed=0)
    ingest_s: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        db = args.keep or folder / "history.duckdb"
        with DuckDBStore(db) as store, Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
        ) as progress:  # fmt: skip
            task = progress.add_task("months ingested", total=len(days))
            for day in days:
                path = month_file(rows, day, folder)
                started = time.perf_counter()
                ingest_file(store, path)
                ingest_s.append(time.perf_counter() - started)
                path.unlink()
                progress.advance(task)
        size_mb = db.stat().st_size / 1e6
        answers: list[tuple[str, float, str]] = []
        with DuckDBStore(db) as store:
            for name in COUNCILS:
                council = council_named(name)
                seconds, history = timed(lambda c=council: market_history(store, c))
                assert isinstance(history, pl.DataFrame)
                answers.append((f"market at every release: {name}", seconds,
                                f"{history.height} releases"))  # fmt: skip
                try:
                    seconds, change = timed(
                        lambda c=council: market_change(store, c, days[0], days[-1])
                    )
                except LookupError:  # a small generated month may miss a council
                    answers.append((f"change: {name}", 0.0, "no release covers it"))
                    continue
                detail = (f"+{change.opened} -{change.closed} locations, "  # type: ignore[union-attr]
                          f"beds +{change.beds_gained} -{change.beds_lost}")  # type: ignore[union-attr]  # fmt: skip
                answers.append(
                    (f"change {days[0]:%b %Y} to {days[-1]:%b %Y}: {name}", seconds, detail)
                )
    print()
    print(f"History benchmark: {len(days)} monthly national HSCA releases "
          f"({days[0]:%b %Y} to {days[-1]:%b %Y}), {rows.height:,} locations in all")  # fmt: skip
    print()
    print("| measure | caremarket | target |")
    print("|---|---|---|")
    target = f"<= {INGEST_TARGET_S:.0f} s"
    print(f"| ingest one month, median | {statistics.median(ingest_s):.2f} s | {target} |")
    print(f"| ingest one month, slowest | {max(ingest_s):.2f} s | {target} |")
    print(f"| ingest all {len(days)} months | {sum(ingest_s):.0f} s | |")
    print(f"| store on disk | {size_mb:,.0f} MB | |")
    for label, seconds, detail in answers:
        print(f"| {label} ({detail}) | {seconds:.3f} s | <= {ANSWER_TARGET_S:.0f} s |")
    slow = [a for a in answers if a[1] > ANSWER_TARGET_S]
    return 1 if slow or max(ingest_s) > INGEST_TARGET_S else 0


if __name__ == "__main__":
    sys.exit(main())
