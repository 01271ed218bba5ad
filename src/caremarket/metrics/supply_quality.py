"""Supply and quality figures by sector x client group (x area), as councils publish them.

Input is one frame of the locations counted for a council as at a date, one
row per location, with its sectors, client groups and current overall
rating; output is one row per area x sector x client group, with `all`
totals. Nothing here reads a store.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from caremarket.domain.rating import Rating
from caremarket.domain.release_fact import Fact, ReleaseFacts
from caremarket.domain.sector import CARE_HOMES, Sector

ALL = "all"

LOCATION_COLUMNS: dict[str, type[pl.DataType] | pl.DataType] = {
    "location_id": pl.String,
    "count_id": pl.String,  # the id counted: a dual-registered pair counts once
    "provider_id": pl.String,
    "beds": pl.Int64,
    "area_code": pl.String,
    "area_name": pl.String,
    "sectors": pl.List(pl.String),
    "client_groups": pl.List(pl.String),
    "rating": pl.String,
    "publication_date": pl.Date,
}

_RATING_COUNTS = ("outstanding", "good", "requires_improvement", "inadequate", "not_rated")
# Columns counting locations (0 is a real count), and the columns a rating gives.
COUNT_COLUMNS = ("locations", "providers", *_RATING_COUNTS)
RATING_COLUMNS = (*_RATING_COUNTS, "pct_good_or_outstanding", "median_rating_age_months")
FIGURE_COLUMNS = (
    "area_code",
    "area_name",
    "sector",
    "client_group",
    "locations",
    "providers",
    "beds",
    *RATING_COLUMNS,
)

_DAYS_PER_MONTH = 365.25 / 12


def supply_and_quality(locations: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Locations, providers, beds and ratings by area x sector x client group.

    `beds` is null where no location in the group has a known bed count (a
    release without beds, or a sector without beds), never 0 for unknown.
    `pct_good_or_outstanding` counts rated locations only; not rated and
    missing ratings are counted in `not_rated`. `median_rating_age_months` is
    the median age of rated locations' ratings at `as_of`.
    """
    frame = locations.select(list(LOCATION_COLUMNS)).with_columns(
        sector=pl.col("sectors").list.concat(pl.lit([ALL])).list.unique(),
        client_group=pl.col("client_groups").list.concat(pl.lit([ALL])).list.unique(),
        rating=pl.col("rating").fill_null(Rating.NOT_RATED.value),
        age_months=(pl.lit(as_of) - pl.col("publication_date")).dt.total_days() / _DAYS_PER_MONTH,
    )
    long = frame.explode("sector").explode("client_group")
    # One row per counted location within a group, even when a dual-registered
    # pair or a repeated membership would give it two. The primary (whose id is
    # the counted id) is kept, so the result does not depend on row order.
    long = long.sort(["count_id", pl.col("location_id") != pl.col("count_id"), "location_id"])
    long = long.unique(
        ["area_code", "sector", "client_group", "count_id"], keep="first", maintain_order=True
    )
    rated = pl.col("rating") != Rating.NOT_RATED.value
    good = pl.col("rating").is_in([Rating.OUTSTANDING.value, Rating.GOOD.value])
    figures = long.group_by(["area_code", "area_name", "sector", "client_group"]).agg(
        locations=pl.len(),
        providers=pl.col("provider_id").n_unique(),
        beds=pl.when(pl.col("beds").count() > 0).then(pl.col("beds").sum()),
        outstanding=(pl.col("rating") == Rating.OUTSTANDING.value).sum(),
        good=(pl.col("rating") == Rating.GOOD.value).sum(),
        requires_improvement=(pl.col("rating") == Rating.REQUIRES_IMPROVEMENT.value).sum(),
        inadequate=(pl.col("rating") == Rating.INADEQUATE.value).sum(),
        not_rated=(~rated).sum(),
        rated=rated.sum(),
        rated_good=(rated & good).sum(),
        median_rating_age_months=pl.col("age_months").filter(rated).median(),
    )
    figures = figures.with_columns(
        pct_good_or_outstanding=pl.when(pl.col("rated") > 0).then(
            (100 * pl.col("rated_good") / pl.col("rated")).round(1)
        ),
        median_rating_age_months=pl.col("median_rating_age_months").round(1),
        beds=pl.col("beds").cast(pl.Int64),
    )
    return _sort(figures.select(FIGURE_COLUMNS))


def _sort(table: pl.DataFrame) -> pl.DataFrame:
    return table.sort(
        "area_code",
        pl.col("sector") != ALL,
        "sector",
        pl.col("client_group") != ALL,
        "client_group",
    )


def shown_sectors(facts: ReleaseFacts) -> tuple[Sector, ...]:
    """The sectors a figures table has a row for: every one, but services not named only
    when the release does not name every location's service."""
    return tuple(
        s
        for s in Sector
        if s is not Sector.COMMUNITY_UNSPECIFIED or not facts.tells(Fact.SERVICE_TYPES)
    )


def within_release(table: pl.DataFrame, facts: ReleaseFacts) -> pl.DataFrame:
    """The figures table saying what the release cannot tell: nothing it cannot is a number.

    - every shown sector has a row (client group `all`) in every area: a sector
      the release cannot tell apart is null in every column, with the reason;
      one it can, with no location, is 0;
    - beds are null where the release gives none, ratings where it gives none;
    - `note` says why a row's cells are unknown, or that a sector is named in part.
    """
    areas = table.select("area_code", "area_name").unique(maintain_order=True)
    rows: list[dict[str, object]] = []
    unknown: dict[str, str] = {}
    partial: dict[str, str] = {}
    for sector in shown_sectors(facts):
        reason = sector.unknown_in(facts)
        if reason is not None:
            unknown[sector.value] = reason
        elif (note := sector.partial_in(facts)) is not None:
            partial[sector.value] = note
        for area in areas.to_dicts():
            rows.append({**area, "sector": sector.value, "client_group": ALL})
    frame = table.filter(~pl.col("sector").is_in(list(unknown)))
    if rows:
        present = frame.select("area_code", "sector", "client_group")
        wanted = pl.DataFrame(rows, schema={c: pl.String for c in FIGURE_COLUMNS[:4]})
        absent = wanted.join(present, on=["area_code", "sector", "client_group"], how="anti")
        zeros = absent.with_columns(
            [
                pl.when(pl.col("sector").is_in(list(unknown))).then(None).otherwise(0).alias(c)
                for c in COUNT_COLUMNS
            ]
        )
        frame = pl.concat([frame, zeros], how="diagonal_relaxed")
    frame = frame.with_columns(pl.col(c).cast(pl.Int64) for c in (*COUNT_COLUMNS, "beds"))
    notes = pl.lit(None, pl.String)
    for named, reason in {**unknown, **partial}.items():
        notes = pl.when(pl.col("sector") == named).then(pl.lit(reason)).otherwise(notes)
    beds_reason = facts.why_not(Fact.BEDS)
    if beds_reason is not None:
        care_home_rows = pl.col("sector").is_in([ALL, *(s.value for s in CARE_HOMES)])
        notes = pl.when(care_home_rows & notes.is_null()).then(pl.lit(beds_reason)).otherwise(notes)
    rating_reason = facts.why_not(Fact.OVERALL_RATINGS)
    if rating_reason is not None:
        frame = frame.with_columns(
            pl.lit(None).cast(frame.schema[c]).alias(c) for c in RATING_COLUMNS
        )
        notes = pl.when(notes.is_null()).then(pl.lit(rating_reason)).otherwise(notes)
    frame = frame.with_columns(
        beds=pl.when(pl.lit(beds_reason is None)).then(pl.col("beds")),
        note=notes,
    )
    return _sort(frame.select(*FIGURE_COLUMNS, "note"))
