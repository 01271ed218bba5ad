"""Report benchmark: one council's full MPS (HTML + PDF), and the HTML of every council in an
England-scale release, on this machine's cores."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT: Final = ROOT / "bench" / "out"
ONE_COUNCIL_TARGET_S: Final = 20.0
NATIONAL_TARGET_S: Final = 120.0


def one_council(work: Path) -> tuple[float, float, int]:
    """The demo county's full MPS: seconds for the HTML, for HTML + PDF, and PDF pages."""
    from caremarket.demo import generate
    from caremarket.domain.area import find_council
    from caremarket.pipeline import ingest_file
    from caremarket.report.mps import write_mps
    from caremarket.store.duckdb_store import DuckDBStore

    manifest = generate(work / "demo", seed=2026)
    norfolk = find_council("Norfolk")
    assert norfolk is not None
    with DuckDBStore(work / "demo.duckdb") as store:
        for path in manifest.ingestible:
            ingest_file(store, Path(path))
        started = time.perf_counter()
        write_mps(store, norfolk, "2026", work / "html-only", pdf=False)
        html_s = time.perf_counter() - started
        started = time.perf_counter()
        written = write_mps(store, norfolk, "2026", work / "mps")
        full_s = time.perf_counter() - started
    assert written.pdf is not None
    return html_s, full_s, _pages(written.pdf)


def _pages(pdf: Path) -> int:
    """The PDF's page count from poppler's pdfinfo (0 when it is not installed)."""
    import re
    import shutil
    import subprocess

    if shutil.which("pdfinfo") is None:
        return 0
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
    found = re.search(r"Pages:\s+(\d+)", info.stdout)
    return int(found.group(1)) if found else 0


def national_store(rows: int, work: Path) -> Path:
    """A store holding an England-scale synthetic HSCA release (file reused from bench/out)."""
    from caremarket.demo.hsca_release_file import release_file_name
    from caremarket.demo.national import AS_AT, write_national_hsca
    from caremarket.pipeline import ingest_file
    from caremarket.store.duckdb_store import DuckDBStore

    path = OUT / f"rows_{rows}" / release_file_name(AS_AT, ".csv")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_national_hsca(path, rows=rows, seed=0)
    db = work / "national.duckdb"
    with DuckDBStore(db) as store:
        ingest_file(store, path)
    return db


def _html_for(args: tuple[Path, list[str], Path]) -> tuple[int, float]:
    """Write the HTML edition of each council code in one worker; (editions, seconds)."""
    db, codes, out = args
    from caremarket.analysis import gather, latest_cqc_date
    from caremarket.domain.area import find_council
    from caremarket.figures import national_figures
    from caremarket.report.content import build_edition
    from caremarket.report.html import render_html
    from caremarket.report.mps import edition_inputs, file_stem
    from caremarket.store.duckdb_store import DuckDBStore

    started = time.perf_counter()
    written = 0
    with DuckDBStore(db, read_only=True) as store:
        first = find_council(codes[0])
        assert first is not None
        as_of = latest_cqc_date(store, first)
        assert as_of is not None
        national = national_figures(store, as_of)
        for code in codes:
            council = find_council(code)
            assert council is not None
            found = gather(store, council, as_of, national=national)
            inputs, extra = edition_inputs(store, council, "2026", gathered=found)
            edition = build_edition(inputs, extra_releases=extra)
            html = render_html(edition)
            (out / f"{file_stem(council, '2026', False)}.html").write_text(html, encoding="utf-8")
            written += 1
    return written, time.perf_counter() - started


def every_council(db: Path, out: Path, workers: int) -> tuple[int, float]:
    """HTML for every council in the release, split across `workers` processes."""
    from caremarket.store.duckdb_store import DuckDBStore

    with DuckDBStore(db, read_only=True) as store:
        codes = store.query("SELECT DISTINCT la_code FROM release_coverage ORDER BY la_code")
    all_codes = codes["la_code"].to_list()
    out.mkdir(parents=True, exist_ok=True)
    chunks = [all_codes[i::workers] for i in range(workers)]
    started = time.perf_counter()
    # Spawned, not forked: Polars and DuckDB threads in this process do not survive a fork.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        done = list(pool.map(_html_for, [(db, chunk, out) for chunk in chunks if chunk]))
    return sum(n for n, _ in done), time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run both measurements and print them beside their targets."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=57000, help="rows of the national file")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--skip-national", action="store_true")
    args = parser.parse_args(argv)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.workers} workers",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        html_s, full_s, pages = one_council(work)
        verdict = "ok" if full_s <= ONE_COUNCIL_TARGET_S else "OVER TARGET"
        line = (
            f"| one council (demo county) | HTML {html_s:.1f} s | HTML + PDF {full_s:.1f} s "
            f"({pages} pages) | target <= {ONE_COUNCIL_TARGET_S:.0f} s | {verdict} |"
        )
        print(line, flush=True)
        if args.skip_national:
            return 0
        started = time.perf_counter()
        db = national_store(args.rows, work)
        load_s = time.perf_counter() - started
        editions, national_s = every_council(db, work / "national", args.workers)
        verdict = "ok" if national_s <= NATIONAL_TARGET_S else "OVER TARGET"
        print(f"| every council ({editions}, {args.rows} rows) | HTML {national_s:.1f} s "
              f"({national_s / max(editions, 1):.2f} s each; load {load_s:.1f} s, not counted) "
              f"| target <= {NATIONAL_TARGET_S:.0f} s | {verdict} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
