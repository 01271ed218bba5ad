"""Metrics for a council as at a date: gather the inputs from the store once, then compute.

This is the store-facing side of `caremarket.metrics`: it picks, per input,
the latest release on or before the date that covers the council, resolves
every row's district and locality, and records which releases each metric
drew on, so every figure can be traced to its source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from caremarket.domain.area import Area, districts_of, england_areas
from caremarket.domain.comparator import comparator_peers, region_peers
from caremarket.domain.freshness import WARN_AFTER_MONTHS, long_date, months_between
from caremarket.domain.release_fact import ReleaseFacts
from caremarket.figures import (
    UsedRelease,
    chosen_releases,
    council_localities,
    counted_locations,
    latest_release_date,
    location_facts,
    location_releases,
    national_figures,
    used_releases,
    with_areas,
)
from caremarket.ingest.sources import DIRECTORY_PRECEDENCE, RATING_PRECEDENCE
from caremarket.metrics import METRICS, Input, Level, Metric, get_metric
from caremarket.metrics.cube import empty_result
from caremarket.metrics.inputs import MetricInputs
from caremarket.store.store import Store

# The council's own extracts: input, canonical table, and the date column that
# must not lie after the as-of date for a row to count (None: whole table).
COUNCIL_TABLES: Mapping[Input, str] = {
    Input.AGREEMENTS: "service_agreement",
    Input.INTERIM_CARE: "interim_care_entry",
    Input.WORKFORCE: "workforce",
    Input.FEES: "fee_rate",
    Input.LOCAL_ASSESSMENTS: "local_assessment",
}

MISSING_HINTS: Mapping[Input, str] = {
    Input.LOCATIONS: "no CQC release covers the council: load one with `caremarket ingest`",
    Input.PREVIOUS_LOCATIONS: "only one CQC release is loaded: load an earlier one to see change",
    Input.AGREEMENTS: "no service agreements: load them with `caremarket ingest-council`",
    Input.INTERIM_CARE: "no interim care list: load it with `caremarket ingest-council`",
    Input.WORKFORCE: "no workforce estimates: load them with `caremarket ingest-council`",
    Input.FEES: "no fee rates: load them with `caremarket ingest-council`",
    Input.LOCAL_ASSESSMENTS: "no quality assessments: load them with `caremarket ingest-council`",
    Input.POPULATION: "no ONS population estimates for the council: load a mid-year estimate",
    Input.PROJECTION: "no ONS sub-national population projection: load an SNPP release",
    Input.NATIONAL: "no release covering comparator councils: load a national release",
    Input.ASCOF: "no ASCOF release covers the council: load NHS England's ASCOF tables",
}


@dataclass(frozen=True, slots=True)
class Gathered:
    """A council's metric inputs as at a date, with the releases each came from."""

    inputs: MetricInputs
    releases: Mapping[Input, tuple[UsedRelease, ...]] = field(default_factory=dict)
    reasons: Mapping[Input, str] = field(default_factory=dict)
    """Why an input is missing, when there is more to say than `MISSING_HINTS`."""

    def releases_for(self, metric: Metric) -> tuple[UsedRelease, ...]:
        """The releases behind a metric's inputs, oldest first, each once."""
        seen: dict[tuple[str, str], UsedRelease] = {}
        for which in metric.inputs:
            for used in self.releases.get(which, ()):
                seen.setdefault((used.purpose, used.release_id), used)
        return tuple(sorted(seen.values(), key=lambda r: (r.release_date, r.purpose)))

    def newest_location_release(self) -> date | None:
        """The date of the newest CQC release describing the locations (None without one)."""
        used = self.releases.get(Input.LOCATIONS, ())
        return max((r.release_date for r in used), default=None)

    def all_releases(self) -> tuple[UsedRelease, ...]:
        """Every release gathered, oldest first."""
        unique = {(r.purpose, r.release_id): r for group in self.releases.values() for r in group}
        return tuple(sorted(unique.values(), key=lambda r: (r.release_date, r.purpose)))


@dataclass(frozen=True, slots=True)
class MetricResult:
    """One metric at one level: its rows, the releases behind them, or what is missing."""

    metric: Metric
    level: Level
    frame: pl.DataFrame
    releases: tuple[UsedRelease, ...]
    missing: tuple[str, ...] = ()

    @property
    def available(self) -> bool:
        """Whether every input the metric needs was loaded."""
        return not self.missing

    def value(self, sector: str = "all", client_group: str = "all") -> float | None:
        """The council-level value of one cell in the latest period (None if absent)."""
        cell = self.frame.filter(
            (pl.col("sector") == sector) & (pl.col("client_group") == client_group)
        )
        if cell.is_empty():
            return None
        found = cell.sort("period")["value"][-1]
        return None if found is None else float(found)


def latest_cqc_date(store: Store, council: Area) -> date | None:
    """The date of the latest CQC release covering the council (None if there is none)."""
    return latest_release_date(store, council)


def _table_exists(store: Store, table: str) -> bool:
    found = store.query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?", [table]
    )
    return bool(found["n"][0])


def _council_extract(
    store: Store, council: Area, as_of: date, table: str
) -> tuple[pl.DataFrame | None, pl.DataFrame]:
    """The rows of the council's latest release of a table on or before `as_of`."""
    none = pl.DataFrame()
    if not _table_exists(store, table):
        return None, none
    release = store.query(
        f"""
        SELECT r.release_id, r.source_id, r.source_title, r.release_date, r.licence, r.file_name
        FROM release r JOIN release_coverage c USING (release_id)
        WHERE c.la_code = ? AND r.release_date <= ?
          AND EXISTS (SELECT 1 FROM {table} t WHERE t.release_id = r.release_id)
        ORDER BY r.release_date DESC, r.loaded_at DESC LIMIT 1
        """,
        [council.code, as_of],
    )
    if release.is_empty():
        return None, none
    rows = store.query(
        f"SELECT * FROM {table} WHERE release_id = ? AND la_code = ?",
        [release["release_id"][0], council.code],
    )
    return rows, release


def _population(
    store: Store, codes: list[str], kind: str, as_of: date
) -> tuple[pl.DataFrame | None, pl.DataFrame]:
    """Population rows of a kind for the areas, each cell from the latest release giving it."""
    rows = store.query(
        """
        SELECT p.area_code, p.year, p.sex, p.age, p.persons, r.release_id, r.source_id,
               r.source_title, r.release_date, r.licence, r.file_name
        FROM population p JOIN release r USING (release_id)
        WHERE p.kind = ? AND p.area_code IN (SELECT unnest(?)) AND r.release_date <= ?
        QUALIFY row_number() OVER (
            PARTITION BY p.area_code, p.year, p.sex, p.age
            ORDER BY r.release_date DESC, r.loaded_at DESC) = 1
        """,
        [kind, codes, as_of],
    )
    if rows.is_empty():
        return None, rows
    return rows.select("area_code", "year", "sex", "age", "persons"), rows


def _ascof(store: Store, council: Area, as_of: date) -> tuple[pl.DataFrame | None, pl.DataFrame]:
    """ASCOF rows of the council's peers (region and type), each from the latest release."""
    if not _table_exists(store, "ascof_value"):
        return None, pl.DataFrame()
    codes = sorted(set(region_peers(council).codes) | set(comparator_peers(council).codes))
    rows = store.query(
        """
        SELECT a.*, r.source_id, r.source_title, r.release_date, r.licence, r.file_name
        FROM ascof_value a JOIN release r USING (release_id)
        WHERE a.la_code IN (SELECT unnest(?)) AND r.release_date <= ?
        QUALIFY row_number() OVER (
            PARTITION BY a.la_code, a.measure_code, a.breakdown, a.year
            ORDER BY r.release_date DESC, r.loaded_at DESC) = 1
        """,
        [codes, as_of],
    )
    if rows.filter(pl.col("la_code") == council.code).is_empty():
        return None, rows
    used = rows.filter(pl.col("la_code") == council.code).unique("release_id")
    return rows.drop("source_id", "source_title", "release_date", "licence", "file_name"), used


def _districts(store: Store, council: Area, as_of: date) -> pl.DataFrame:
    localities = council_localities(store, council, as_of)
    by_district = (
        localities.filter(pl.col("district_code").is_not_null())
        .select("district_code", "locality")
        .unique("district_code")
    )
    districts = pl.DataFrame(
        [(d.code, d.name) for d in districts_of(council.code)] or [(council.code, council.name)],
        schema={"district_code": pl.String, "district_name": pl.String},
        orient="row",
    )
    return districts.join(by_district, on="district_code", how="left")


def gather(
    store: Store,
    council: Area,
    as_of: date | None = None,
    *,
    national: pl.DataFrame | None = None,
    comparators: tuple[Area, ...] = (),
) -> Gathered:
    """Everything the metrics need for a council as at a date (default: its latest CQC release).

    `national` may pass in `national_figures` computed once for many councils.
    Quality ranks compare the council with `comparators` (a declared group)
    or, when none is declared, with the other councils of its region.
    """
    day = as_of or latest_cqc_date(store, council) or date.today()
    releases: dict[Input, tuple[UsedRelease, ...]] = {}
    found: dict[str, pl.DataFrame | date | ReleaseFacts | None] = {}

    directory = chosen_releases(
        store, day, DIRECTORY_PRECEDENCE, with_ratings=False, la_code=council.code
    )
    if not directory.is_empty():
        ratings = chosen_releases(
            store, day, RATING_PRECEDENCE, with_ratings=True, la_code=council.code
        )
        located = counted_locations(store, day, directory, ratings)
        found["locations"] = with_areas(store, council, day, located)
        found["facts"] = location_facts(store, directory, ratings, council.code)
        releases[Input.LOCATIONS] = location_releases(directory, ratings)
        previous = chosen_releases(
            store,
            date.fromordinal(directory["release_date"][0].toordinal() - 1),
            DIRECTORY_PRECEDENCE,
            with_ratings=False,
            la_code=council.code,
        )
        if not previous.is_empty():
            then = previous["release_date"][0]
            then_ratings = chosen_releases(
                store, then, RATING_PRECEDENCE, with_ratings=True, la_code=council.code
            )
            earlier = counted_locations(store, then, previous, then_ratings)
            found["previous_locations"] = with_areas(store, council, then, earlier)
            found["previous_as_of"] = then
            releases[Input.PREVIOUS_LOCATIONS] = used_releases("previous locations", previous)

    for which, table in COUNCIL_TABLES.items():
        rows, release = _council_extract(store, council, day, table)
        if rows is None:
            continue
        if which in (Input.AGREEMENTS, Input.INTERIM_CARE):
            rows = with_areas(store, council, day, rows)
        found[which.value] = rows
        releases[which] = used_releases(which.value.replace("_", " "), release)

    codes = [council.code, *(d.code for d in districts_of(council.code))]
    for which, kind in ((Input.POPULATION, "estimate"), (Input.PROJECTION, "projection")):
        # Projections are made before the years they describe: any loaded one counts.
        cutoff = day if kind == "estimate" else date.max
        rows, release = _population(store, codes, kind, cutoff)
        if rows is not None:
            found[which.value] = rows
            releases[which] = used_releases(f"population {kind}s", release)

    ascof, ascof_releases = _ascof(store, council, day)
    if ascof is not None:
        found["ascof"] = ascof
        releases[Input.ASCOF] = used_releases("ASCOF outcomes", ascof_releases)

    regional, short = _comparators(store, council, day, national, comparators)
    if regional is not None:
        found["national"] = regional
        releases[Input.NATIONAL] = releases.get(Input.LOCATIONS, ())
    reasons = {Input.NATIONAL: short} if short else {}

    inputs = MetricInputs(
        council=council,
        as_of=day,
        districts=_districts(store, council, day),
        **found,  # type: ignore[arg-type]
    )
    return Gathered(inputs, releases, reasons)


def _comparators(
    store: Store,
    council: Area,
    as_of: date,
    national: pl.DataFrame | None,
    declared: tuple[Area, ...],
) -> tuple[pl.DataFrame | None, str | None]:
    """Figures of the council and its comparators when every comparator is covered by a
    release of the same period; else None and how many are.

    The same period: each comparator's release lies within the months an
    output may lag before it warns (see `domain.freshness`) of the council's.
    """
    if declared:
        group = {council.code, *(a.code for a in declared)}
    else:
        group = set(region_peers(council).codes)
    chosen = chosen_releases(store, as_of, DIRECTORY_PRECEDENCE, with_ratings=False)
    dates = dict(zip(chosen["la_code"].to_list(), chosen["release_date"].to_list(), strict=True))
    own = dates.get(council.code)
    others = sorted(group - {council.code})
    if own is None or not others:
        return None, None
    same = [
        c for c in others if c in dates and abs(months_between(dates[c], own)) <= WARN_AFTER_MONTHS
    ]
    if len(same) < len(others):
        names = {a.code: a.name for a in england_areas()}
        absent = ", ".join(names.get(c, c) for c in others if c not in same)
        return None, (
            f"{len(same)} of {len(others)} comparator councils are covered by a CQC release "
            f"of the same period as {council.name}'s (within {WARN_AFTER_MONTHS} months of "
            f"{long_date(own)}); a rank needs them all. Not covered: {absent}"
        )
    figures = national if national is not None else national_figures(store, as_of)
    compared = figures.filter(pl.col("la_code").is_in(sorted(group)))
    # A cell some council's release cannot tell (a sector it does not split) is not ranked.
    told = compared.group_by("sector", "client_group").agg(
        complete=pl.col("locations").is_not_null().all() & (pl.len() == len(group))
    )
    compared = (
        compared.join(told, on=["sector", "client_group"]).filter("complete").drop("complete")
    )
    return compared, None


def evaluate(gathered: Gathered, name: str | Metric, level: Level = Level.COUNCIL) -> MetricResult:
    """One metric at a level, or what is missing for it; ValueError for a level it lacks."""
    metric = name if isinstance(name, Metric) else get_metric(name)
    if level not in metric.levels:
        offered = ", ".join(metric.levels)
        raise ValueError(f"metric {metric.name!r} is given by {offered}, not by {level}")
    lacking = gathered.inputs.missing(metric.inputs)
    if lacking:
        hints = tuple(gathered.reasons.get(i, MISSING_HINTS[i]) for i in lacking)
        return MetricResult(metric, level, empty_result(), (), hints)
    frame = metric(gathered.inputs, level)
    return MetricResult(metric, level, frame, gathered.releases_for(metric))


def evaluate_all(
    gathered: Gathered, names: Iterable[str] | None = None, level: Level = Level.COUNCIL
) -> dict[str, MetricResult]:
    """Every metric (or those named) offered at a level."""
    chosen = [get_metric(n) for n in names] if names is not None else list(METRICS.values())
    return {m.name: evaluate(gathered, m, level) for m in chosen if level in m.levels}
