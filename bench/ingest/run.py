"""Ingest benchmark: caremarket against plain pandas on an England-scale HSCA file."""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import platform
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

    from caremarket.store.store import Store

ROOT: Final = Path(__file__).resolve().parents[2]
OUT: Final = ROOT / "bench" / "out"
RESULTS_MD: Final = OUT / "ingest_results.md"
FORMATS: Final = ("ods", "xlsx", "csv")
TOOLS: Final = ("caremarket", "pandas")
DATA_SHEET: Final = "HSCA_Active_Locations"
INGEST_TARGET_S: Final = {"ods": 10.0, "xlsx": 10.0, "csv": 3.0}
FIGURES_TARGET_S: Final = 1.0
PEAK_TARGET_MB: Final = 1536.0
RESULT_PREFIX: Final = "RESULT "
RATINGS: Final = ("Outstanding", "Good", "Requires improvement", "Inadequate")

# One council's all/all headline: (locations, beds or None).
Headline = tuple[int, int | None]


@dataclass
class Measurement:
    """One tool on one format: seconds, peak memory, and per-council headlines."""

    fmt: str
    tool: str
    ingest_s: float | None = None
    figures_s: float | None = None
    peak_mb: float | None = None
    how: str = ""
    error: str = ""
    timed_out_after: float | None = None
    councils: dict[str, Headline] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the measurement finished with numbers."""
        return self.ingest_s is not None and not self.error and self.timed_out_after is None

    @property
    def total_s(self) -> float | None:
        """Ingest plus figures, when both were measured."""
        if self.ingest_s is None or self.figures_s is None:
            return None
        return self.ingest_s + self.figures_s


# --- input files -------------------------------------------------------------------------


def input_path(rows: int, fmt: str) -> Path:
    """Where the generated file of `rows` rows in format `fmt` lives (CQC's file name)."""
    from caremarket.demo.hsca_release_file import release_file_name
    from caremarket.demo.national import AS_AT

    return OUT / f"rows_{rows}" / release_file_name(AS_AT, f".{fmt}")


def ensure_input(rows: int, fmt: str) -> Path:
    """Generate the input file unless a finished one with the same rows is already there."""
    from caremarket.demo.national import write_national_hsca

    path = input_path(rows, fmt)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"partial_{path.name}")
    started = time.perf_counter()
    print(f"generating {path.relative_to(ROOT)} ({rows} rows) ...", flush=True)
    write_national_hsca(partial, rows=rows, seed=0)
    os.replace(partial, path)
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    return path


# --- measurements, each run in its own subprocess ------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (VmHWM, else ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def all_council_figures(store: Store, as_of: date) -> tuple[pl.DataFrame, str]:
    """Figures for every council: national_figures when it exists, else a council loop."""
    import polars as pl

    try:
        from caremarket.figures import national_figures
    except ImportError:
        from caremarket.domain.area import find_council
        from caremarket.figures import council_figures

        codes = store.query("SELECT DISTINCT la_code FROM release_coverage ORDER BY la_code")
        tables = []
        for code in codes["la_code"].to_list():
            area = find_council(code)
            if area is None:
                continue
            table = council_figures(store, area, as_of).table
            tables.append(table.with_columns(la_code=pl.lit(area.code)))
        return pl.concat(tables), "council_figures loop"
    return national_figures(store, as_of), "national_figures"


def caremarket_headlines(table: pl.DataFrame) -> dict[str, Headline]:
    """Each council's all/all row as (locations, beds)."""
    import polars as pl

    code = next(c for c in ("la_code", "area_code") if c in table.columns)
    rows = table.filter((pl.col("sector") == "all") & (pl.col("client_group") == "all"))
    return {
        str(r[code]): (int(r["locations"]), None if r["beds"] is None else int(r["beds"]))
        for r in rows.iter_rows(named=True)
    }


def measure_caremarket(path: Path) -> dict[str, Any]:
    """Ingest the file into a fresh DuckDB store, then figures for every council."""
    from caremarket.pipeline import ingest_file
    from caremarket.store.duckdb_store import DuckDBStore

    with tempfile.TemporaryDirectory(prefix="caremarket-bench-") as tmp:
        started = time.perf_counter()
        store = DuckDBStore(Path(tmp) / "bench.duckdb")
        result = ingest_file(store, path)
        ingested = time.perf_counter()
        if result.release_date is None:
            raise RuntimeError(f"{path.name}: the ingest found no release date")
        table, how = all_council_figures(store, result.release_date)
        done = time.perf_counter()
        store.close()
    return {
        "ingest_s": ingested - started,
        "figures_s": done - ingested,
        "how": f"{how}: {table.height} rows",
        "councils": caremarket_headlines(table),
    }


def pandas_read(path: Path, fmt: str) -> pd.DataFrame:
    """Read the data sheet with pandas' default engine for the format."""
    import pandas as pd

    if fmt == "csv":
        return pd.read_csv(path, low_memory=False)
    return pd.read_excel(path, sheet_name=DATA_SHEET)


def pandas_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """The headline figures per council, the way one would in a notebook."""
    asc = frame[
        (frame["Dormant (Y/N)"] == "N")
        & (frame["Location Inspection Directorate"] == "Adult social care")
    ]
    grouped = asc.groupby("Location Local Authority")
    out = grouped.agg(locations=("Location ID", "size"), providers=("Provider ID", "nunique"))
    out["beds"] = grouped["Care homes beds"].sum(min_count=1)
    counts = (
        asc.groupby(["Location Local Authority", "Location Latest Overall Rating"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(RATINGS), fill_value=0)
    )
    out = out.join(counts, how="left").fillna({r: 0 for r in RATINGS})
    rated = out[list(RATINGS)].sum(axis=1)
    good = out["Outstanding"] + out["Good"]
    out["pct_good_or_outstanding"] = (100 * good / rated.where(rated > 0)).round(1)
    return out


def pandas_headlines(out: pd.DataFrame) -> dict[str, Headline]:
    """Each council's (locations, beds), keyed by the GSS code its CQC name maps to."""
    from caremarket.domain.area import find_council

    headlines: dict[str, Headline] = {}
    for name, row in out.iterrows():
        area = find_council(str(name))
        beds = float(row["beds"])
        key = area.code if area is not None else f"? {name}"
        headlines[key] = (int(row["locations"]), None if math.isnan(beds) else int(beds))
    return headlines


def measure_pandas(path: Path, fmt: str) -> dict[str, Any]:
    """Read the file with pandas, then the headline figures with a groupby."""
    started = time.perf_counter()
    frame = pandas_read(path, fmt)
    read = time.perf_counter()
    out = pandas_figures(frame)
    done = time.perf_counter()
    return {
        "ingest_s": read - started,
        "figures_s": done - read,
        "how": f"{frame.shape[0]} x {frame.shape[1]} read, {out.shape[0]} councils",
        "councils": pandas_headlines(out),
    }


def run_one(tool: str, fmt: str, path: Path) -> None:
    """The child: one measurement, printed as one JSON line after RESULT_PREFIX."""
    # Imports before the clock starts, for both tools.
    import polars  # noqa: F401

    if tool == "caremarket":
        import caremarket.figures
        import caremarket.pipeline  # noqa: F401

        result = measure_caremarket(path)
    else:
        import pandas  # noqa: F401

        result = measure_pandas(path, fmt)
    result["peak_mb"] = peak_rss_mb()
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def spawn(tool: str, fmt: str, path: Path, timeout: float | None) -> Measurement:
    """Run one measurement in a fresh subprocess and read its result line."""
    command = [sys.executable, str(Path(__file__).resolve()), "--one", tool, fmt, str(path)]
    measurement = Measurement(fmt, tool)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False
        )
    except subprocess.TimeoutExpired:
        measurement.timed_out_after = timeout
        return measurement
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        measurement.error = f"exit {done.returncode}: {tail}"
        return measurement
    data = json.loads(lines[-1].removeprefix(RESULT_PREFIX))
    measurement.ingest_s = data["ingest_s"]
    measurement.figures_s = data["figures_s"]
    measurement.peak_mb = data["peak_mb"]
    measurement.how = data["how"]
    measurement.councils = {k: (v[0], v[1]) for k, v in data["councils"].items()}
    return measurement


def best_of(runs: Sequence[Measurement]) -> Measurement:
    """The finished run with the least total time, else the first run."""
    finished = [m for m in runs if m.ok and m.total_s is not None]
    if not finished:
        return runs[0]
    best = min(finished, key=lambda m: m.total_s or 0.0)
    if len(runs) > 1:
        best.how += f"; best of {len(runs)}"
    return best


# --- report ------------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _row(m: Measurement) -> str:
    if m.timed_out_after is not None:
        ingest = f"timed out after {m.timed_out_after:g} s"
        return f"| {m.fmt} | {m.tool} | {ingest} | - | - | - | |"
    if m.error:
        return f"| {m.fmt} | {m.tool} | failed | - | - | - | {m.error} |"
    peak = "-" if m.peak_mb is None else f"{m.peak_mb:.0f}"
    return (
        f"| {m.fmt} | {m.tool} | {_seconds(m.ingest_s)} | {_seconds(m.figures_s)} "
        f"| {_seconds(m.total_s)} | {peak} | {m.how} |"
    )


def targets(results: Sequence[Measurement]) -> list[tuple[str, str, bool]]:
    """(target, measured, passed) for every caremarket target."""
    checks: list[tuple[str, str, bool]] = []
    for m in results:
        if m.tool != "caremarket":
            continue
        if not m.ok:
            checks.append((f"caremarket .{m.fmt} runs", m.error or "timed out", False))
            continue
        limit = INGEST_TARGET_S[m.fmt]
        assert m.ingest_s is not None and m.figures_s is not None and m.peak_mb is not None
        checks += [
            (f"ingest .{m.fmt} <= {limit:.0f} s", f"{m.ingest_s:.2f} s", m.ingest_s <= limit),
            (
                f"all councils' figures (.{m.fmt}) <= {FIGURES_TARGET_S:.0f} s",
                f"{m.figures_s:.2f} s",
                m.figures_s <= FIGURES_TARGET_S,
            ),
            (
                f"peak memory (.{m.fmt}) <= {PEAK_TARGET_MB / 1024:.1f} GB",
                f"{m.peak_mb:.0f} MB",
                m.peak_mb <= PEAK_TARGET_MB,
            ),
        ]
    return checks


def agreement(results: Sequence[Measurement]) -> list[str]:
    """Per format: how many councils' all/all (locations, beds) agree between the tools."""
    lines = []
    for fmt in dict.fromkeys(m.fmt for m in results):
        by_tool = {m.tool: m for m in results if m.fmt == fmt}
        ours, theirs = by_tool.get("caremarket"), by_tool.get("pandas")
        if ours is None or theirs is None or not ours.ok or not theirs.ok:
            lines.append(f"- .{fmt}: not compared (a measurement is missing)")
            continue
        codes = sorted(set(ours.councils) | set(theirs.councils))
        differ = [c for c in codes if ours.councils.get(c) != theirs.councils.get(c)]
        line = f"- .{fmt}: {len(codes) - len(differ)} councils agree, {len(differ)} differ"
        if differ:
            shown = ", ".join(
                f"{c} caremarket={ours.councils.get(c)} pandas={theirs.councils.get(c)}"
                for c in differ[:5]
            )
            line += f" (e.g. {shown})"
        lines.append(line)
    return lines


def report(results: Sequence[Measurement], rows: int, repeat: int) -> str:
    """The markdown report: results table, targets, agreement."""
    lines = [
        "# Ingest benchmark",
        "",
        f"HSCA Active Locations, {rows} rows x 122 columns (synthetic, seed 0); "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"caremarket best of {repeat}. Seconds exclude imports.",
        "",
        "| format | tool | ingest s | figures s | total s | peak RSS MB | note |",
        "|---|---|---:|---:|---:|---:|---|",
        *(_row(m) for m in results),
        "",
        "## Targets (caremarket)",
        "",
        "| target | measured | result |",
        "|---|---:|---|",
        *(
            f"| {name} | {got} | {'PASS' if passed else 'FAIL'} |"
            for name, got, passed in targets(results)
        ),
        "",
        "## caremarket and pandas agree? (all/all locations and beds per council)",
        "",
        *agreement(results),
        "",
    ]
    return "\n".join(lines)


def profile(rows: int, fmt: str, top: int) -> None:
    """cProfile caremarket's ingest of one format, then its all-council figures: top by cumtime."""
    from caremarket.pipeline import ingest_file
    from caremarket.store.duckdb_store import DuckDBStore

    path = ensure_input(rows, fmt)
    with tempfile.TemporaryDirectory(prefix="caremarket-bench-") as tmp:
        store = DuckDBStore(Path(tmp) / "bench.duckdb")
        ingest = cProfile.Profile()
        result = ingest.runcall(ingest_file, store, path)
        figures = cProfile.Profile()
        if result.release_date is not None:
            figures.runcall(all_council_figures, store, result.release_date)
        store.close()
    for what, profiler in (("ingest", ingest), ("all-council figures", figures)):
        print(f"## cProfile: caremarket {what}, .{fmt} ({rows} rows), top {top} by cumulative")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(top)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=57_000, help="rows in the input file")
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help="comma-separated: ods,xlsx,csv"
    )
    parser.add_argument("--skip-baseline", action="store_true", help="caremarket only")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs for caremarket")
    parser.add_argument(
        "--baseline-timeout", type=float, default=600.0, help="seconds per pandas run"
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS_MD, help="where to write the markdown table"
    )
    parser.add_argument(
        "--profile", metavar="FORMAT", help="cProfile caremarket's ingest of one format"
    )
    parser.add_argument(
        "--one", nargs=3, metavar=("TOOL", "FORMAT", "PATH"), help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the inputs, run every measurement in its own subprocess, and report."""
    args = parse_args(argv)
    if args.one:
        tool, fmt, path = args.one
        run_one(tool, fmt, Path(path))
        return 0
    if args.profile:
        profile(args.rows, args.profile, 15)
        return 0
    formats = [f.strip().lstrip(".") for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        print(f"unknown format(s) {unknown}; use {', '.join(FORMATS)}", file=sys.stderr)
        return 2
    tools = ("caremarket",) if args.skip_baseline else TOOLS
    results: list[Measurement] = []
    for fmt in formats:
        path = ensure_input(args.rows, fmt)
        for tool in tools:
            print(f"measuring {tool} on .{fmt} ...", flush=True)
            if tool == "caremarket":
                runs = [spawn(tool, fmt, path, None) for _ in range(max(1, args.repeat))]
                measurement = best_of(runs)
            else:
                measurement = spawn(tool, fmt, path, args.baseline_timeout)
            print("  " + _row(measurement), flush=True)
            results.append(measurement)
    text = report(results, args.rows, max(1, args.repeat))
    print()
    print(text)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, encoding="utf-8")
    print(f"written to {args.results}")
    return 1 if any(m.error for m in results) else 0


if __name__ == "__main__":
    sys.exit(main())
