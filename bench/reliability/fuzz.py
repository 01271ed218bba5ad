# ruff: noqa: E501
"""Fuzzing the readers: damaged files made from the real samples, each read in a worker.

Every case is a real sample (../shared/data) damaged one way: cut short, bytes
flipped, inserted or deleted, hostile cells (`inf`, `nan`, `1e3`, 20 digits,
`31/02/2026`), zip archives damaged, or spreadsheets rewritten with huge
dimensions, cells at XFD1048576, repeated rows and columns, or gigabytes of
shared strings. A worker process reads each file as `caremarket ingest` does
(format detection, adapter recognition, reading) and says what happened.

An outcome is a clear problem (the reader refused the file with a data
problem naming it), a load (the reader returned tables; its row problems
reported), a traceback (any other exception: must be 0), an abort (the worker
died, e.g. a Rust panic: must be 0) or over memory (the worker's resident
memory passed --memory-mb and it was stopped: must be 0).

    python bench/reliability/fuzz.py                 # 2,000 cases, seed 0
    python bench/reliability/fuzz.py --cases 40 --json out.json
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
SAMPLES: Final = ROOT.parent / "shared" / "data"
HOSTILE_CELLS: Final = (
    "inf", "-inf", "nan", "NaN", "1e3", "12345678901234567890", "31/02/2026", "00/00/0000",
    "=HYPERLINK(\"http://x\")", "+1", "@SUM(1)", "\x00", "\ufeff", "x" * 5000, "1,2,3", "",
    "99/99/9999", "2026-13-45", "-0", "0x1F", "١٢٣", "1_000",
)  # fmt: skip


@dataclass(frozen=True)
class Base:
    """A real sample (or a real sample re-saved in another format) to damage."""

    name: str
    data: bytes
    suffix: str

    @property
    def kind(self) -> str:
        """csv, xlsx, ods, xls or json."""
        return self.suffix.lstrip(".")


def _head_lines(path: Path, lines: int) -> bytes:
    with path.open("rb") as handle:
        return b"".join(handle.readline() for _ in range(lines))


def _xlsx_from_csv(data: bytes, sheet: str) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    page = book.add_worksheet(sheet)
    for r, row in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig")))):
        for c, cell in enumerate(row):
            page.write_string(r, c, cell)
    book.close()
    return out.getvalue()


def bases(samples: Path) -> list[Base]:
    """The real samples the cases are made from (large CSVs cut to their first rows)."""
    ratings = _head_lines(samples / "cqc/latest_ratings_lincolnshire_2026-06.csv", 300)
    found = [
        Base("ratings.csv", ratings, ".csv"),
        Base("ratings.xlsx", _xlsx_from_csv(ratings, "Locations"), ".xlsx"),
        Base(
            "api.csv",
            _head_lines(samples / "cqc/api_care_homes_devon_somerset_plymouth_torbay_2021-04.csv", 120),
            ".csv",
        ),
        Base("nomis.csv", (samples / "ons/mid2024_population_lincolnshire_nomis.csv").read_bytes(), ".csv"),
        Base("onspd.csv", _head_lines(samples / "ons/onspd_2025-11_norfolk_postcodes_latlon.csv", 400), ".csv"),
        Base("ascfr.csv", _head_lines(samples / "nhs/ascfr_2015-16_activity.csv", 200), ".csv"),
        Base("ascof.ods", (samples / "nhs/ascof_timeseries_2015-16_to_2024-25.ods").read_bytes(), ".ods"),
        Base("ascof.xlsx", (samples / "nhs/ascof_2020-21_open_data.xlsx").read_bytes(), ".xlsx"),
        Base("mye.xls", (samples / "ons/mid2020_population_estimates_uk_2021geography.xls").read_bytes(), ".xls"),
        Base("norfolk.geojson", (samples / "geo/norfolk_districts_2025.geojson").read_bytes(), ".geojson"),
    ]  # fmt: skip
    return found


# Mutations: each takes the random source and a base, and gives damaged bytes.
Mutation = Callable[[random.Random, Base], bytes]


def truncate(rng: random.Random, base: Base) -> bytes:
    """Cut the file at a random place."""
    return base.data[: rng.randrange(1, max(2, len(base.data)))]


def cut_after_comma(rng: random.Random, base: Base) -> bytes:
    """Cut just after a comma of a random row (the last row looks whole but has no newline)."""
    at = rng.randrange(len(base.data) // 4, len(base.data))
    comma = base.data.rfind(b",", 0, at)
    return base.data[: comma + 1] if comma > 0 else base.data[:at]


def flip(rng: random.Random, base: Base) -> bytes:
    """Flip 1 to 16 random bytes."""
    data = bytearray(base.data)
    for _ in range(rng.randint(1, 16)):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    return bytes(data)


def splice(rng: random.Random, base: Base) -> bytes:
    """Insert random bytes, delete a span, or repeat a span."""
    data = base.data
    i = rng.randrange(len(data))
    j = min(len(data), i + rng.randint(1, 4096))
    choice = rng.randrange(3)
    if choice == 0:
        return data[:i] + rng.randbytes(rng.randint(1, 64)) + data[i:]
    if choice == 1:
        return data[:i] + data[j:]
    return data[:j] + data[i:j] * rng.randint(2, 50) + data[j:]


def hostile_cells(rng: random.Random, base: Base) -> bytes:
    """Replace cells of random rows with hostile values (CSV only)."""
    text = base.data.decode("utf-8-sig", "replace")
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) < 2:
        return flip(rng, base)
    for _ in range(rng.randint(1, 20)):
        row = rows[rng.randrange(1, len(rows))]
        if row:
            row[rng.randrange(len(row))] = rng.choice(HOSTILE_CELLS)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def zip_damage(rng: random.Random, base: Base) -> bytes:
    """Damage a zip archive's central directory, local headers or compressed data."""
    data = bytearray(base.data)
    where = rng.randrange(3)
    if where == 0:  # central directory and end record
        start = data.rfind(b"PK\x01\x02")
        start = start if start > 0 else len(data) - 200
    elif where == 1:  # a local header
        starts = [m.start() for m in re.finditer(b"PK\x03\x04", data)]
        start = rng.choice(starts) if starts else 0
    else:
        start = rng.randrange(len(data))
    for _ in range(rng.randint(1, 8)):
        i = min(len(data) - 1, start + rng.randrange(64))
        data[i] = rng.randrange(256)
    return bytes(data)


def _rezip(
    base: Base,
    change: Callable[[str, bytes], bytes | None],
    extra: Iterator[tuple[str, bytes]] = iter(()),
) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base.data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            changed = change(info.filename, data)
            target.writestr(info.filename, data if changed is None else changed)
        for name, data in extra:
            target.writestr(name, data)
    return out.getvalue()


def huge_shape(rng: random.Random, base: Base) -> bytes:
    """Rewrite a spreadsheet with a huge declared dimension, a far cell or repeated cells."""
    kind = rng.randrange(3)
    if base.kind == "xlsx":

        def change(name: str, data: bytes) -> bytes | None:
            if not name.startswith("xl/worksheets/sheet"):
                return None
            if kind == 0:
                return re.sub(
                    rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data, count=1
                )
            far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            if kind == 1:
                return data.replace(b"</sheetData>", far + b"</sheetData>", 1)
            row = rng.randint(1000, 1048576)
            col = rng.choice([b"ZZ", b"AAA", b"XFD", b"BB"])
            cell = b'<row r="%d"><c r="%s%d"><v>1</v></c></row>' % (row, col, row)
            return data.replace(b"</sheetData>", cell + b"</sheetData>", 1)

        return _rezip(base, change)
    if base.kind == "ods":

        def change_ods(name: str, data: bytes) -> bytes | None:
            if name != "content.xml":
                return None
            if kind == 0:
                return data.replace(
                    b"<table:table-row", b'<table:table-row table:number-rows-repeated="1048576"', 3
                )
            if kind == 1:
                return data.replace(
                    b"<table:table-cell",
                    b'<table:table-cell table:number-columns-repeated="16384"',
                    5,
                )
            return data.replace(
                b"<table:table-row", b'<table:table-row table:number-rows-repeated="70000"', 50
            )

        return _rezip(base, change_ods)
    return flip(rng, base)


def shared_strings_bomb(rng: random.Random, base: Base) -> bytes:
    """An xlsx whose shared strings decompress to hundreds of megabytes."""
    if base.kind != "xlsx":
        return flip(rng, base)
    size = rng.choice([300, 600]) << 20
    filler = b"<si><t>" + b"A" * 1_000_000 + b"</t></si>"
    body = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    body += filler * (size // len(filler)) + b"</sst>"

    def change(name: str, data: bytes) -> bytes | None:
        return body if name == "xl/sharedStrings.xml" else None

    return _rezip(base, change)


def mutations(base: Base) -> list[tuple[Mutation, int]]:
    """The mutations that fit a base, with weights."""
    common: list[tuple[Mutation, int]] = [(truncate, 3), (flip, 4), (splice, 3)]
    if base.kind == "csv":
        return [*common, (cut_after_comma, 2), (hostile_cells, 5)]
    if base.kind in ("xlsx", "ods"):
        extra: list[tuple[Mutation, int]] = [(zip_damage, 4), (huge_shape, 3)]
        if base.kind == "xlsx":
            extra.append((shared_strings_bomb, 1))
        return [*common, *extra]
    return common


def cases(samples: Path, count: int, seed: int) -> Iterator[tuple[str, str, bytes]]:
    """`count` damaged files: (base name, mutation name, bytes), reproducible from the seed."""
    rng = random.Random(seed)
    found = bases(samples)
    for index in range(count):
        base = found[index % len(found)]
        kinds = mutations(base)
        mutation = rng.choices([m for m, _ in kinds], weights=[w for _, w in kinds])[0]
        yield base.name, mutation.__name__, mutation(rng, base)


# The worker: reads one file per line of stdin, answers one JSON line per file.


def worker() -> None:
    """Read each file named on stdin as `caremarket ingest` does; print the outcome."""
    from datetime import date

    from caremarket.ingest.adapter import ReadOptions
    from caremarket.ingest.problem import DataProblemError
    from caremarket.pipeline import read_release

    # The load date is fixed so a run is reproducible (older code has no such option).
    fields = getattr(ReadOptions, "__dataclass_fields__", {})
    options = ReadOptions(load_date=date(2026, 11, 29)) if "load_date" in fields else ReadOptions()
    for line in sys.stdin:
        path = Path(line.strip())
        try:
            parsed = read_release(path, options)
        except DataProblemError as error:
            first = error.problems[0] if error.problems else None
            outcome = {"outcome": "problem", "detail": first.message if first else ""}
            if first is not None and first.file != path.name:
                outcome = {"outcome": "traceback", "detail": f"problem names {first.file}"}
        except Exception:
            outcome = {"outcome": "traceback", "detail": traceback.format_exc(limit=-3)}
        else:
            rows = sum(t.height for t in parsed.tables.values())
            outcome = {"outcome": "load", "detail": f"{rows} rows, {len(parsed.problems)} problems"}
        outcome["maxrss_kb"] = _peak_kb()
        print(json.dumps(outcome), flush=True)


def _peak_kb() -> int:
    """This process's peak resident memory since it started (VmHWM), in kB."""
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+)", status)
    return int(found.group(1)) if found else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@dataclass
class Figures:
    """What the run found."""

    files: int = 0
    problems: int = 0
    loads: int = 0
    tracebacks: int = 0
    aborts: int = 0
    over_memory: int = 0
    peak_mb: float = 0.0
    seconds: float = 0.0


class Worker:
    """A worker process, restarted after it dies or is stopped."""

    def __init__(self, memory_mb: int, src: Path) -> None:
        self.memory_kb = memory_mb * 1024
        self.src = src
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            env = {**os.environ, "PYTHONPATH": str(self.src), "POLARS_MAX_THREADS": "1"}
            self.process = subprocess.Popen(
                [sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
            )  # fmt: skip
        return self.process

    def rss_kb(self) -> int:
        assert self.process is not None
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0
        found = re.search(r"VmRSS:\s+(\d+)", status)
        return int(found.group(1)) if found else 0

    def run(self, path: Path, timeout: float) -> tuple[str, str, int]:
        """(outcome, detail, peak kB) for one file."""
        process = self.start()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(f"{path}\n")
        process.stdin.flush()
        os.set_blocking(process.stdout.fileno(), False)
        deadline = time.monotonic() + timeout
        peak = 0
        buffer = ""
        while True:
            rss = self.rss_kb()
            peak = max(peak, rss)
            if rss > self.memory_kb:
                self.stop()
                return "over memory", f"{rss // 1024} MB", peak
            try:
                chunk = process.stdout.read()
            except (OSError, TypeError):
                chunk = None
            if chunk:
                buffer += chunk
            if "\n" in buffer:
                answer = json.loads(buffer.split("\n", 1)[0])
                return answer["outcome"], answer["detail"], max(peak, int(answer["maxrss_kb"]))
            if process.poll() is not None:
                code = process.returncode
                self.process = None
                name = signal.Signals(-code).name if code < 0 else f"exit {code}"
                return "abort", name, peak
            if time.monotonic() > deadline:
                self.stop()
                return "abort", f"no answer in {timeout:.0f} s", peak
            time.sleep(0.005)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def run(
    samples: Path,
    count: int,
    seed: int,
    memory_mb: int,
    timeout: float,
    keep: Path | None,
    src: Path = ROOT / "src",
    seconds: float | None = None,
) -> tuple[Figures, list[dict[str, str]]]:
    """Run `count` cases; the figures and the cases that were not a problem or a load."""
    figures = Figures()
    bad: list[dict[str, str]] = []
    outcomes: Counter[str] = Counter()
    started = time.monotonic()
    pool = Worker(memory_mb, src)
    every = len(bases(samples))
    with tempfile.TemporaryDirectory(prefix="caremarket-fuzz-") as folder:
        for index, (base, mutation, data) in enumerate(cases(samples, count, seed)):
            spent = time.monotonic() - started
            if seconds is not None and index >= every and spent > seconds:
                break  # the budget is spent, and every sample has been damaged once
            suffix = Path(base).suffix
            path = Path(folder) / f"case{index:05d}{suffix}"
            path.write_bytes(data)
            outcome, detail, peak = pool.run(path, timeout)
            outcomes[outcome] += 1
            figures.peak_mb = max(figures.peak_mb, peak / 1024)
            if outcome not in ("problem", "load"):
                bad.append(
                    {
                        "case": str(index),
                        "base": base,
                        "mutation": mutation,
                        "outcome": outcome,
                        "detail": detail,
                    }
                )
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / path.name).write_bytes(data)
            path.unlink()
    pool.stop()
    figures.files = sum(outcomes.values())
    figures.problems = outcomes["problem"]
    figures.loads = outcomes["load"]
    figures.tracebacks = outcomes["traceback"]
    figures.aborts = outcomes["abort"]
    figures.over_memory = outcomes["over memory"]
    figures.seconds = time.monotonic() - started
    return figures, bad


def main() -> None:
    """Parse the options, run the cases, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--memory-mb", type=int, default=1024, help="stop a worker above this")
    parser.add_argument(
        "--seconds", type=float, help="start no case after this (each sample still once)"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a file may take")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", type=Path, help="keep the files that were not problem or load")
    parser.add_argument(
        "--src", type=Path, default=ROOT / "src", help="the caremarket source to read with"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    if not args.samples.is_dir():
        sys.exit(f"needs the real samples in {args.samples}")
    figures, bad = run(
        args.samples,
        args.cases,
        args.seed,
        args.memory_mb,
        args.timeout,
        args.keep,
        args.src,
        args.seconds,
    )
    print(f"files            {figures.files:>8,}")
    print(f"clear problems   {figures.problems:>8,}")
    print(f"correct loads    {figures.loads:>8,}")
    print(f"tracebacks       {figures.tracebacks:>8,}   (must be 0)")
    print(f"aborts           {figures.aborts:>8,}   (must be 0)")
    print(
        f"over memory      {figures.over_memory:>8,}   (stopped above {args.memory_mb:,} MB; must be 0)"
    )
    print(f"peak memory      {figures.peak_mb:>8,.0f} MB (target <= 1,024 MB)")
    print(f"time             {figures.seconds:>8,.1f} s")
    for case in bad[:20]:
        print(
            f"  case {case['case']} {case['base']} {case['mutation']}: {case['outcome']}: {case['detail'][-300:]}"
        )
    if args.json is not None:
        args.json.write_text(json.dumps({**figures.__dict__, "bad": bad}, indent=2))


if __name__ == "__main__":
    main()
