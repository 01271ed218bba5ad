"""The one place that sequences the layers: files in through adapters, into the store,
and figures out of the store through the pure metrics."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

import polars as pl

from caremarket.domain.area import Area, find_council
from caremarket.ingest.adapter import Parsed, ReadOptions
from caremarket.ingest.coverage import release_coverage
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.registry import JSON_ADAPTERS, TABULAR_ADAPTERS
from caremarket.ingest.workbook import FileFormat, detect_format, open_workbook
from caremarket.store.store import Store

Progress = Callable[[str], None]


class Outcome(StrEnum):
    """What became of one file given to the ingest."""

    LOADED = "loaded"
    ALREADY_LOADED = "already loaded"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """One file's ingest: the release it made, its rows and the problems left out."""

    file: str
    outcome: Outcome
    release_id: str
    source_id: str
    release_date: date | None
    rows: int
    problems: tuple[DataProblem, ...] = ()


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_release(path: Path, options: ReadOptions) -> Parsed:
    """Recognise a file's release and read it; DataProblemError if it cannot be."""
    file_format = detect_format(path)
    if file_format is FileFormat.JSON:
        return _read_json(path, options)
    workbook = open_workbook(path, options.encoding)
    for adapter in TABULAR_ADAPTERS:
        if file_format not in adapter.formats:
            continue
        match = adapter.recognise(workbook)
        if match is not None:
            return adapter.read(workbook, match, options)
    first = workbook.head(workbook.sheet_names[0], 1) if workbook.sheet_names else []
    got = ", ".join(c for c in (first[0] if first else []) if c)
    raise DataProblemError(
        [
            DataProblem(
                ProblemCode.WRONG_HEADER,
                path.name,
                "the header of a supported release (see `caremarket sources`)",
                row=1,
                value=got or "(blank)",
            )
        ]
    )


def _read_json(path: Path, options: ReadOptions) -> Parsed:
    try:
        document = json.loads(path.read_text(encoding=options.encoding))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DataProblemError(
            [
                DataProblem(
                    ProblemCode.TRUNCATED_FILE,
                    path.name,
                    "complete JSON",
                    value=str(error),
                )
            ]
        ) from None
    for adapter in JSON_ADAPTERS:
        if adapter.recognise_json(document):
            return adapter.read_json(document, path, options)
    raise DataProblemError(
        [DataProblem(ProblemCode.WRONG_FORMAT, path.name, "a supported JSON release")]
    )


def ingest_file(
    store: Store,
    path: Path,
    options: ReadOptions = ReadOptions(),
    *,
    lenient: bool = False,
    progress: Progress | None = None,
) -> IngestResult:
    """Load one release: atomic (all or nothing) and idempotent (same file, no change).

    Strict by default: any data problem stops the load. Lenient: the rows
    without problems load and the problems come back in the result.
    """
    say = progress or (lambda _: None)
    say("hashing")
    digest = file_hash(path)
    known = store.query(
        "SELECT release_id, source_id, release_date, rows FROM release WHERE file_hash = ?",
        [digest],
    )
    if known.height:
        row = known.row(0, named=True)
        return IngestResult(
            path.name,
            Outcome.ALREADY_LOADED,
            row["release_id"],
            row["source_id"],
            row["release_date"],
            row["rows"],
        )
    say("reading")
    parsed = read_release(path, options)
    blocking = [p for p in parsed.problems if p.file_level or not lenient]
    if blocking:
        raise DataProblemError(blocking)
    release_id = f"{parsed.source.id}:{digest[:16]}"
    say("loading")
    tables = {
        name: frame.with_columns(pl.lit(release_id).alias("release_id"))
        for name, frame in parsed.tables.items()
    }
    tables["release_coverage"] = pl.DataFrame(
        {"release_id": release_id, "la_code": sorted(release_coverage(parsed.tables))},
        schema={"release_id": pl.String, "la_code": pl.String},
    )
    store.load(
        {
            "release_id": release_id,
            "source_id": parsed.source.id,
            "source_title": parsed.source.title,
            "publisher": parsed.source.publisher,
            "licence": parsed.source.licence.value,
            "release_date": parsed.release_date,
            "file_name": path.name,
            "file_hash": digest,
            "rows": parsed.rows,
            "note": parsed.note,
            "loaded_at": datetime.now(UTC).replace(tzinfo=None),
        },
        tables,
    )
    return IngestResult(
        path.name,
        Outcome.LOADED,
        release_id,
        parsed.source.id,
        parsed.release_date,
        parsed.rows,
        tuple(parsed.problems),
    )


def releases(store: Store) -> pl.DataFrame:
    """Every loaded release, newest first within each source."""
    return store.query(
        """
        SELECT r.source_id, r.release_date, r.rows, r.licence, r.file_name, r.release_id,
               r.publisher, r.note, count(c.la_code) AS councils
        FROM release r LEFT JOIN release_coverage c USING (release_id)
        GROUP BY ALL
        ORDER BY r.source_id, r.release_date DESC, r.file_name
        """
    )


def council(name_or_code: str) -> Area:
    """The council a user named, or a ValueError saying how to name one."""
    area = find_council(name_or_code)
    if area is None:
        raise ValueError(
            f"no English council is called or coded `{name_or_code}`: give a county or "
            "unitary council's name (e.g. Lincolnshire) or GSS code (e.g. E10000019)"
        )
    return area
