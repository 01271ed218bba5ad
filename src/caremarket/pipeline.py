"""The one place that sequences the layers: files in through adapters, into the store,
and figures out of the store through the pure metrics."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import polars as pl

from caremarket.domain.area import Area, find_area
from caremarket.domain.council_name import council_named
from caremarket.ingest.adapter import Parsed, ReadOptions
from caremarket.ingest.cells import DateOrder
from caremarket.ingest.completeness import completeness_policy, shrink_problem, unterminated_line
from caremarket.ingest.council.folder import (
    council_files,
    extract_hash,
    missing_files,
    read_council_file,
)
from caremarket.ingest.council.manifest import read_context
from caremarket.ingest.coverage import release_coverage
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode
from caremarket.ingest.registry import JSON_ADAPTERS, TABULAR_ADAPTERS
from caremarket.ingest.release_facts import release_facts
from caremarket.ingest.workbook import FileFormat, detect_format, file_hash, open_workbook
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
    note: str = ""
    """How the release date was found (when the file does not state it), and the like."""


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
    accept_shrink: bool = False,
    progress: Progress | None = None,
    download: Mapping[str, Any] | None = None,
) -> IngestResult:
    """Load one release: atomic (all or nothing) and idempotent (same file, no change).

    `download` (listing, url, bytes, content_type, fetched_at) records where a
    fetched file came from, in the same transaction as its rows.

    Strict by default: any data problem stops the load. Lenient: the rows
    without problems load and the problems come back in the result. A
    release that looks incomplete (a CSV whose last line has no newline, or
    far fewer rows than the previous release of the same source and
    councils) is refused unless `accept_shrink`, whether lenient or not.
    """
    say = progress or (lambda _: None)
    say("hashing")
    digest = file_hash(path)
    known = _already_loaded(store, digest, path.name)
    if known is not None:
        return known
    say("reading")
    incomplete: list[DataProblem] = []
    if not accept_shrink and detect_format(path) is FileFormat.CSV:
        cut = unterminated_line(path)
        incomplete += [cut] if cut is not None else []
    parsed = read_release(path, options)
    _refuse_future(parsed, path.name, options.load_date)
    parsed.problems += _unknown_postcodes(store, parsed, path.name)
    blocking = incomplete + [p for p in parsed.problems if p.file_level or not lenient]
    if blocking:
        raise DataProblemError(blocking)
    say("loading")
    release, tables = _release(parsed, digest, path.name)
    if download is not None:
        tables["release_download"] = pl.DataFrame(
            [{**download, "release_id": release["release_id"]}]
        )
    if not accept_shrink:
        shrunk = _shrink(store, parsed, tables["release_coverage"], path.name)
        if shrunk is not None:
            raise DataProblemError([shrunk])
    store.load(release, tables)
    return _loaded(path.name, release, parsed)


def _unknown_postcodes(store: Store, parsed: Parsed, file_name: str) -> list[DataProblem]:
    """A problem for each location whose postcode a loaded postcode directory of its council lacks.

    Checked only for councils a loaded ONS postcode release covers: elsewhere
    nothing loaded can say a postcode does not exist. The location still loads
    leniently (its postcode will place it nowhere); strictly the file is refused.
    """
    locations = parsed.tables.get("location")
    if locations is None or not {"postcode", "la_code"} <= set(locations.columns):
        return []
    covered = store.query(
        """
        SELECT DISTINCT c.la_code FROM release_coverage c JOIN release r USING (release_id)
        WHERE r.source_id = 'ons_postcodes'
        """
    )["la_code"]
    if covered.is_empty():
        return []
    placed = locations.filter(
        pl.col("la_code").is_in(covered.implode()) & pl.col("postcode").is_not_null()
    )
    if placed.is_empty():
        return []
    known = store.query(
        "SELECT DISTINCT postcode FROM postcode WHERE postcode IN (SELECT unnest(?))",
        [placed["postcode"].unique().to_list()],
    )["postcode"]
    unknown = placed.filter(~pl.col("postcode").is_in(known.implode()))
    return [
        DataProblem(
            ProblemCode.UNKNOWN_POSTCODE,
            file_name,
            "a postcode in the loaded ONS postcode directory of the location's council",
            column="postcode",
            value=f"{row['postcode']} (location {row['location_id']})",
        )
        for row in unknown.iter_rows(named=True)
    ]


def _refuse_future(parsed: Parsed, file_name: str, load_date: date) -> None:
    """Refuse a release dated after the load date, whatever its adapter found."""
    if parsed.release_date > load_date:
        raise DataProblemError(
            [
                DataProblem(
                    ProblemCode.FUTURE_RELEASE,
                    file_name,
                    f"a release date on or before the load date {load_date.isoformat()}",
                    value=parsed.release_date.isoformat(),
                )
            ]
        )


def _shrink(
    store: Store, parsed: Parsed, coverage: pl.DataFrame, file_name: str
) -> DataProblem | None:
    """A problem if the release has far fewer rows than the previous one like it.

    "Like it" is the same source covering the same councils; the previous one
    is the latest dated on or before this release (else the earliest after it).
    Only sources whose releases are whole snapshots are checked.
    """
    policy = completeness_policy()
    if parsed.source.id not in policy.checked_sources:
        return None
    found = store.query(
        "SELECT release_id, release_date, rows FROM release WHERE source_id = ?",
        [parsed.source.id],
    )
    covered = store.query(
        """
        SELECT c.release_id, c.la_code FROM release_coverage c JOIN release r USING (release_id)
        WHERE r.source_id = ?
        """,
        [parsed.source.id],
    )
    by_release: dict[str, set[str]] = {}
    for release_id, la_code in covered.iter_rows():
        by_release.setdefault(release_id, set()).add(la_code)
    councils = set(coverage["la_code"].to_list())
    alike = [
        r for r in found.iter_rows(named=True) if by_release.get(r["release_id"], set()) == councils
    ]
    if not alike:
        return None
    before = [r for r in alike if r["release_date"] <= parsed.release_date]
    previous = (
        max(before, key=lambda r: (r["release_date"], r["rows"]))
        if before
        else min(alike, key=lambda r: r["release_date"])
    )
    return shrink_problem(
        file_name, parsed.rows, int(previous["rows"]), previous["release_id"],
        policy.max_row_drop_share,
    )  # fmt: skip


def _already_loaded(store: Store, digest: str, file_name: str) -> IngestResult | None:
    known = store.query(
        "SELECT release_id, source_id, release_date, rows FROM release WHERE file_hash = ?",
        [digest],
    )
    if not known.height:
        return None
    row = known.row(0, named=True)
    return IngestResult(
        file_name,
        Outcome.ALREADY_LOADED,
        row["release_id"],
        row["source_id"],
        row["release_date"],
        row["rows"],
    )


def _release(
    parsed: Parsed, digest: str, file_name: str
) -> tuple[dict[str, Any], dict[str, pl.DataFrame]]:
    """The release row and the tables (with release ids and coverage) to load for a file."""
    release_id = f"{parsed.source.id}:{digest[:16]}"
    tables = {
        name: frame.with_columns(pl.lit(release_id).alias("release_id"))
        for name, frame in parsed.tables.items()
    }
    tables["release_coverage"] = pl.DataFrame(
        {"release_id": release_id, "la_code": sorted(release_coverage(parsed.tables))},
        schema={"release_id": pl.String, "la_code": pl.String},
    )
    tables["release_fact"] = release_facts(parsed.source, parsed.tables).with_columns(
        release_id=pl.lit(release_id)
    )
    release = {
        "release_id": release_id,
        "source_id": parsed.source.id,
        "source_title": parsed.source.title,
        "publisher": parsed.source.publisher,
        "licence": parsed.source.licence.value,
        "release_date": parsed.release_date,
        "file_name": file_name,
        "file_hash": digest,
        "rows": parsed.rows,
        "note": parsed.note,
        "loaded_at": datetime.now(UTC).replace(tzinfo=None),
    }
    return release, tables


def _loaded(file_name: str, release: dict[str, Any], parsed: Parsed) -> IngestResult:
    return IngestResult(
        file_name,
        Outcome.LOADED,
        release["release_id"],
        parsed.source.id,
        parsed.release_date,
        parsed.rows,
        tuple(parsed.problems),
        parsed.note,
    )


@dataclass(frozen=True, slots=True)
class CouncilIngestResult:
    """A council extract folder's ingest: the council, each file's result, files left alone."""

    la_code: str
    la_name: str
    files: tuple[IngestResult, ...]
    ignored: tuple[str, ...] = ()
    missing: tuple[DataProblem, ...] = ()  # a problem per expected template with no file

    @property
    def problems(self) -> tuple[DataProblem, ...]:
        """The problems of every file (rows left out of a lenient load)."""
        return tuple(p for f in self.files for p in f.problems)


FileProgress = Callable[[str, str], None]
"""Told (file name, stage) as a council folder's ingest goes."""


def ingest_council(
    store: Store,
    directory: Path,
    *,
    la: str | None = None,
    extract_date: date | None = None,
    date_order: DateOrder | None = None,
    lenient: bool = False,
    load_date: date | None = None,
    progress: FileProgress | None = None,
) -> CouncilIngestResult:
    """Load a council's extract folder in one transaction: every new file, or none.

    The council comes from the folder's council.yaml or `la`; `date_order`
    says how files write slashed dates when their days cannot tell. Files already
    loaded (same bytes) are left as they are. Strict by default: any data
    problem in any file stops the whole load. Lenient: each file's rows
    without problems load, but a file that cannot be read still stops it.
    Raises NoCouncilError (a ValueError) when no council is named.
    """
    say = progress or (lambda _file, _stage: None)
    context = read_context(directory, la)
    context = replace(
        context,
        extract_date=extract_date or context.extract_date,
        date_order=date_order,
        localities=_localities(store, context.la_code),
        location_ids=_location_ids(store),
    )
    paths, ignored = council_files(directory)
    if not paths:
        raise DataProblemError(
            [
                DataProblem(
                    ProblemCode.EMPTY_FILE,
                    f"{directory.name}/",
                    "council template files (see docs/council-templates.md)",
                )
            ]
        )
    results: list[IngestResult] = []
    pending: list[tuple[str, str, Parsed]] = []
    present: set[str] = set()
    refused: list[DataProblem] = []
    for path in paths:
        say(path.name, "hashing")
        digest = extract_hash(path)
        known = _already_loaded(store, digest, path.name)
        if known is not None:
            present.add(known.source_id)
        if known is not None or digest in {d for _, d, _ in pending}:
            results.append(
                known or IngestResult(path.name, Outcome.ALREADY_LOADED, "", "", None, 0)
            )
            continue
        say(path.name, "reading")
        try:
            parsed = read_council_file(path, context)
            _refuse_future(parsed, path.name, load_date or date.today())
            present.add(parsed.source.id)
            pending.append((path.name, digest, parsed))
        except DataProblemError as error:
            refused += error.problems
    found = [p for _, _, parsed in pending for p in parsed.problems]
    blocking = refused + [p for p in found if p.file_level or not lenient]
    if blocking:
        raise DataProblemError(blocking)
    loads = [(name, *_release(parsed, digest, name), parsed) for name, digest, parsed in pending]
    say(directory.name, "loading")
    store.load_many([(release, tables) for _, release, tables, _ in loads])
    results += [_loaded(name, release, parsed) for name, release, _, parsed in loads]
    return CouncilIngestResult(
        context.la_code,
        context.la_name,
        tuple(sorted(results, key=lambda r: r.file)),
        tuple(p.name for p in ignored),
        missing_files(directory.name, present),
    )


def _location_ids(store: Store) -> frozenset[str]:
    """The CQC location ids of every loaded release (empty when none is loaded)."""
    found = store.query("SELECT DISTINCT location_id FROM location")
    return frozenset(found["location_id"].drop_nulls().to_list())


def _localities(store: Store, la_code: str) -> frozenset[str]:
    """The council's localities in its latest localities release, if any is loaded."""
    found = store.query(
        """
        SELECT DISTINCT l.locality FROM locality l JOIN release r USING (release_id)
        WHERE l.la_code = ? AND r.release_date = (
            SELECT max(r2.release_date) FROM locality l2 JOIN release r2 USING (release_id)
            WHERE l2.la_code = ?)
        """,
        [la_code, la_code],
    )
    return frozenset(found["locality"].to_list())


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
    """The council a user named, or NotACouncil (a ValueError) saying what to name instead."""
    return council_named(name_or_code)


def councils_covered(store: Store) -> list[Area]:
    """The councils the store's CQC releases cover, by name."""
    found = store.query(
        "SELECT DISTINCT c.la_code FROM release_coverage c JOIN release r USING (release_id) "
        "WHERE r.source_id LIKE 'cqc_%'"
    )
    areas = (find_area(code) for code in found["la_code"].to_list())
    return sorted((a for a in areas if a is not None and a.is_council), key=lambda a: a.name)


def remove_release(store: Store, release_id: str) -> dict[str, Any]:
    """Take one release out in one transaction: its rows in every table and its coverage.

    Returns the release's row as it was; LookupError if no release has that id.
    """
    found = store.query(
        "SELECT source_id, release_date, file_name, rows, release_id FROM release "
        "WHERE release_id = ?",
        [release_id],
    )
    if not found.height:
        raise LookupError(f"no release {release_id!r} is loaded (`caremarket releases` lists them)")
    store.remove(release_id)
    return found.row(0, named=True)


def releases_beyond(store: Store, keep: int) -> list[str]:
    """Releases older than the newest `keep` of their source for every council they cover.

    A release covering several councils goes only when each of them has `keep`
    newer releases of the same source; one covering none counts per source.
    """
    if keep < 1:
        raise ValueError("keep at least the newest release of each source (1 or more)")
    found = store.query(
        """
        WITH covered AS (
            SELECT r.release_id, r.source_id, r.release_date, r.loaded_at,
                   coalesce(c.la_code, '') AS la_code
            FROM release r LEFT JOIN release_coverage c USING (release_id)
        ), ranked AS (
            SELECT release_id, row_number() OVER (
                PARTITION BY source_id, la_code
                ORDER BY release_date DESC NULLS LAST, loaded_at DESC, release_id) AS newer
            FROM covered
        )
        SELECT release_id FROM ranked GROUP BY release_id HAVING min(newer) > ?
        ORDER BY release_id
        """,
        [keep],
    )
    return list(found["release_id"])
