"""The market over time for one council: every CQC release's locations and beds, and change.

One query over every directory release covering the council (the same
counting rule as the figures: adult social care, not dormant, not
deregistered, a dual-registered pair once), so ten years of monthly releases
answer in well under a second. Change between two releases follows the
change metrics: a location opened is in the later release and not the
earlier; beds gained are the care homes' beds added, beds lost those removed.
Beds are null, never 0, for a release that cannot tell them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from caremarket.domain.area import Area
from caremarket.domain.release_fact import Fact
from caremarket.figures import COUNT_ID, counted_on, fact_known
from caremarket.ingest.sources import DIRECTORY_PRECEDENCE
from caremarket.store.store import Store

HISTORY_SCHEMA = {
    "release_date": pl.Date,
    "release_id": pl.String,
    "locations": pl.Int64,
    "care_homes": pl.Int64,
    "beds": pl.Int64,
    "opened": pl.Int64,
    "closed": pl.Int64,
    "beds_gained": pl.Int64,
    "beds_lost": pl.Int64,
}


@dataclass(frozen=True)
class Change:
    """Change in a council's market between two releases."""

    council: Area
    start: date
    end: date
    start_release: str
    end_release: str
    opened: int
    closed: int
    beds_gained: int | None
    beds_lost: int | None
    beds_note: str = ""


def _located(store: Store, council: Area, until: date | None) -> pl.DataFrame:
    """Every counted location of every directory release covering the council, one per date."""
    order = ", ".join(f"'{s}'" for s in DIRECTORY_PRECEDENCE)
    cases = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(DIRECTORY_PRECEDENCE))
    return store.query(
        f"""
        WITH dir AS (
            SELECT r.release_id, r.release_date
            FROM release r JOIN release_coverage c USING (release_id)
            WHERE c.la_code = $la AND r.source_id IN ({order}) AND r.release_date <= $until
            QUALIFY row_number() OVER (
                PARTITION BY r.release_date
                ORDER BY CASE r.source_id {cases} END, r.loaded_at DESC) = 1
        )
        SELECT d.release_date, d.release_id, l.location_id, {COUNT_ID} AS count_id,
               l.beds, coalesce(l.care_home, false) AS care_home
        FROM location l JOIN dir d USING (release_id)
        WHERE l.la_code = $la AND {counted_on("d.release_date")}
        """,
        {"la": council.code, "until": until or date.max},
    )


def market_history(store: Store, council: Area, until: date | None = None) -> pl.DataFrame:
    """Per release date: locations, care homes, beds, and openings, closures and beds gained
    or lost since the release before (null for the first, or where beds are not known)."""
    located = _located(store, council, until)
    if located.is_empty():
        return pl.DataFrame(schema=HISTORY_SCHEMA)
    dates = located.select("release_date", "release_id").unique().sort("release_date")
    beds_known = fact_known(store, dates["release_id"].to_list(), council.code, Fact.BEDS)
    dates = dates.with_columns(
        beds_known=pl.col("release_id").replace_strict(beds_known, return_dtype=pl.Boolean),
        previous=pl.col("release_date").shift(1),
    )
    totals = located.group_by("release_date").agg(
        locations=pl.col("count_id").n_unique(),
        care_homes=pl.col("count_id").filter(pl.col("care_home")).n_unique(),
        beds=pl.col("beds").filter(pl.col("care_home")).sum(),
    )
    changes = _changes(located, dates)
    history = (
        dates.join(totals, on="release_date", how="left")
        .join(changes, on="release_date", how="left")
        .with_columns(
            pl.when(pl.col("previous").is_null())
            .then(None)
            .otherwise(pl.col(c).fill_null(0))
            .alias(c)
            for c in ("opened", "closed", "beds_gained", "beds_lost")
        )
    )
    then_known = history["beds_known"].shift(1).fill_null(False)
    history = history.with_columns(
        beds=pl.when(pl.col("beds_known")).then(pl.col("beds")),
        beds_gained=pl.when(pl.col("beds_known") & then_known).then(pl.col("beds_gained")),
        beds_lost=pl.when(pl.col("beds_known") & then_known).then(pl.col("beds_lost")),
    )
    return history.select(list(HISTORY_SCHEMA)).cast(HISTORY_SCHEMA)  # type: ignore[arg-type]


def _changes(located: pl.DataFrame, dates: pl.DataFrame) -> pl.DataFrame:
    """Per release date, change against the release before (by location id, as the metrics)."""
    now = located.select("release_date", "location_id", "beds", is_now=pl.lit(True))
    then = located.join(
        dates.select(pl.col("previous").alias("release_date"), next_date="release_date"),
        on="release_date",
    ).select(
        pl.col("next_date").alias("release_date"),
        "location_id",
        then_beds="beds",
        was=pl.lit(True),
    )
    both = now.join(then, on=["release_date", "location_id"], how="full", coalesce=True)
    both = both.with_columns(pl.col("is_now").fill_null(False), pl.col("was").fill_null(False))
    return both.group_by("release_date").agg(
        opened=(pl.col("is_now") & ~pl.col("was")).sum(),
        closed=(~pl.col("is_now") & pl.col("was")).sum(),
        beds_gained=(pl.col("beds").fill_null(0) - pl.col("then_beds").fill_null(0))
        .clip(lower_bound=0)
        .filter(pl.col("is_now"))
        .sum(),
        beds_lost=(pl.col("then_beds").fill_null(0) - pl.col("beds").fill_null(0))
        .clip(lower_bound=0)
        .filter(pl.col("was"))
        .sum(),
    )


def market_change(store: Store, council: Area, start: date, end: date) -> Change:
    """Change between the releases in force on two dates; LookupError if either has none."""
    located = _located(store, council, end)
    dates = located.select("release_date", "release_id").unique().sort("release_date")
    first = dates.filter(pl.col("release_date") <= start).tail(1)
    last = dates.filter(pl.col("release_date") <= end).tail(1)
    if first.is_empty() or last.is_empty():
        raise LookupError(
            f"no CQC directory release covering {council.name} on or before "
            f"{(start if first.is_empty() else end).isoformat()}"
        )
    a, b = first.row(0, named=True), last.row(0, named=True)
    pair = dates.filter(pl.col("release_id").is_in([a["release_id"], b["release_id"]]))
    pair = pair.with_columns(previous=pl.lit(a["release_date"]))
    subset = located.filter(pl.col("release_id").is_in([a["release_id"], b["release_id"]]))
    row = _changes(subset, pair.filter(pl.col("release_date") == b["release_date"])).filter(
        pl.col("release_date") == b["release_date"]
    )
    values = row.row(0, named=True) if row.height else {}
    known = fact_known(store, [a["release_id"], b["release_id"]], council.code, Fact.BEDS)
    beds_told = all(known.values())
    return Change(
        council=council,
        start=a["release_date"],
        end=b["release_date"],
        start_release=a["release_id"],
        end_release=b["release_id"],
        opened=int(values.get("opened") or 0),
        closed=int(values.get("closed") or 0),
        beds_gained=int(values.get("beds_gained") or 0) if beds_told else None,
        beds_lost=int(values.get("beds_lost") or 0) if beds_told else None,
        beds_note="" if beds_told else "beds not known: a release compared does not give beds",
    )
