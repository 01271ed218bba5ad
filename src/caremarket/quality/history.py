"""Rating histories as the warning reads them, and the rules for their defects.

The store-facing side hands in three frames (see `Histories`); `prepare`
applies the documented rules for bad input and counts what each rule did,
so nothing is silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from caremarket.domain.rating import Rating

OVERALL = "overall"
PolarsType = pl.DataType | type[pl.DataType]

RATING_SCHEMA: dict[str, PolarsType] = {
    "location_id": pl.String,
    "key_question": pl.String,
    "rating": pl.String,
    "publication_date": pl.Date,
    "inherited": pl.Boolean,
    "release_date": pl.Date,
}
LOCATION_SCHEMA: dict[str, PolarsType] = {
    "location_id": pl.String,
    "provider_id": pl.String,
    "name": pl.String,
    "postcode": pl.String,
    "la_code": pl.String,
    "beds": pl.Int64,
    "registration_date": pl.Date,
    "deregistration_date": pl.Date,
    "sectors": pl.List(pl.String),
    "client_groups": pl.List(pl.String),
    "district_code": pl.String,
    "locality": pl.String,
}
ASSESSMENT_SCHEMA: dict[str, PolarsType] = {
    "location_id": pl.String,
    "assessment_date": pl.Date,
    "rating": pl.String,
}

# The four-point scale as numbers, best first: a higher score is a worse rating.
RATING_SCORE = {
    Rating.OUTSTANDING.value: 0,
    Rating.GOOD.value: 1,
    Rating.REQUIRES_IMPROVEMENT.value: 2,
    Rating.INADEQUATE.value: 3,
}
WORSE_THAN_GOOD = (Rating.REQUIRES_IMPROVEMENT.value, Rating.INADEQUATE.value)


class InputRule(StrEnum):
    """A documented rule for a defect of rating histories; each is counted in the output."""

    UNDATED_RATING = "undated_rating"
    NOT_RATED_ENTRY = "not_rated_entry"
    DUPLICATE_RATING = "duplicate_rating"
    HISTORY_GAP = "history_gap"
    RE_REGISTERED = "re_registered"
    INHERITED_RATING = "inherited_rating"

    @property
    def rule(self) -> str:
        """What the warning does with such input, in one sentence."""
        return _RULES[self]


_RULES = {
    InputRule.UNDATED_RATING: (
        "ratings without a publication date cannot be placed before or after a cut-off: "
        "left out of every history and counted"
    ),
    InputRule.NOT_RATED_ENTRY: (
        "'Inspected but not rated' and other not-rated reports are inspections without a "
        "rating: never a last rating or an outcome, counted"
    ),
    InputRule.DUPLICATE_RATING: (
        "one location's rating of one key question and date given by several releases: "
        "the latest release's word is kept, the others counted"
    ),
    InputRule.HISTORY_GAP: (
        "locations with longer than the declared gap between two published ratings: "
        "kept (the rating age carries the gap) and counted"
    ),
    InputRule.RE_REGISTERED: (
        "a location id registered after another id with the same name and postcode: "
        "the older id's ratings become the start of the newer id's history and the older "
        "id is no longer scored on its own, counted"
    ),
    InputRule.INHERITED_RATING: (
        "ratings CQC marks as inherited from a previous registration: kept as the "
        "location's history and counted"
    ),
}


@dataclass(frozen=True, slots=True)
class Histories:
    """Rating histories, locations and local assessments, rules applied.

    - `ratings`: location_id, key_question, rating, publication_date, inherited
      (one row per location x key question x date; not-rated reports kept with
      rating `not_rated`);
    - `locations`: one row per location (`LOCATION_SCHEMA`);
    - `assessments`: the council's own assessments (`ASSESSMENT_SCHEMA`);
    - `counts`: how many rows or locations each `InputRule` touched;
    - `rated`: the overall ratings on the four-point scale, oldest first per location,
      each with what its history held up to and including it (see `_running`);
    - `questions`: the key question ratings on the scale, oldest first, with `score`.
    """

    ratings: pl.DataFrame
    locations: pl.DataFrame
    assessments: pl.DataFrame
    counts: dict[InputRule, int]
    rated: pl.DataFrame
    questions: pl.DataFrame

    @property
    def first_date(self) -> object:
        """The earliest publication date of an overall rating (None if there is none)."""
        return self.ratings.filter(pl.col("key_question") == OVERALL)["publication_date"].min()

    @property
    def last_date(self) -> object:
        """The latest publication date of an overall rating (None if there is none)."""
        return self.ratings.filter(pl.col("key_question") == OVERALL)["publication_date"].max()


def _conform(frame: pl.DataFrame | None, schema: dict[str, PolarsType]) -> pl.DataFrame:
    """A frame with exactly the schema's columns (missing ones null)."""
    if frame is None:
        return pl.DataFrame(schema=schema)
    columns = [
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(kind).alias(name)
        for name, kind in schema.items()
    ]
    return frame.select(columns)


def _re_registrations(locations: pl.DataFrame) -> pl.DataFrame:
    """Pairs (old_id, location_id): ids sharing a name and postcode, older first."""
    keyed = locations.with_columns(
        _key=pl.concat_str(
            pl.col("name").str.to_lowercase().str.replace_all(r"[^a-z0-9]", ""),
            pl.col("postcode").str.to_uppercase().str.replace_all(" ", ""),
            separator="|",
        )
    ).filter(pl.col("_key").is_not_null() & (pl.col("_key").str.len_chars() > 1))
    ordered = keyed.sort("_key", "registration_date", "location_id", nulls_last=False)
    newest = ordered.group_by("_key").agg(
        pl.col("location_id").last().alias("new_id"), pl.col("location_id").alias("ids")
    )
    return (
        newest.explode("ids")
        .filter(pl.col("ids") != pl.col("new_id"))
        .select(old_id="ids", location_id="new_id")
    )


def prepare(
    ratings: pl.DataFrame,
    locations: pl.DataFrame,
    assessments: pl.DataFrame | None = None,
    *,
    gap_months: int,
) -> Histories:
    """Apply the input rules to raw rating rows, locations and assessments; count each rule."""
    counts = dict.fromkeys(InputRule, 0)
    raw = _conform(ratings, RATING_SCHEMA)
    places = _conform(locations, LOCATION_SCHEMA).unique("location_id", keep="last")

    counts[InputRule.UNDATED_RATING] = raw.filter(pl.col("publication_date").is_null()).height
    dated = raw.filter(pl.col("publication_date").is_not_null())

    key = ["location_id", "key_question", "publication_date"]
    before = dated.height
    dated = dated.sort("release_date", descending=True, nulls_last=True).unique(
        key, keep="first", maintain_order=True
    )
    counts[InputRule.DUPLICATE_RATING] = before - dated.height

    moves = _re_registrations(places)
    if moves.height:
        moved = dated.join(moves, left_on="location_id", right_on="old_id", how="inner")
        carried = moved.select(
            pl.col("location_id_right").alias("location_id"),
            *[c for c in dated.columns if c != "location_id"],
        )
        dated = pl.concat([dated, carried]).unique(key, keep="first", maintain_order=True)
        counts[InputRule.RE_REGISTERED] = moves.height
        places = places.filter(~pl.col("location_id").is_in(moves["old_id"].implode()))

    overall = dated.filter(pl.col("key_question") == OVERALL)
    counts[InputRule.NOT_RATED_ENTRY] = overall.filter(
        pl.col("rating") == Rating.NOT_RATED.value
    ).height
    counts[InputRule.INHERITED_RATING] = overall.filter(pl.col("inherited").fill_null(False)).height
    rated = overall.filter(pl.col("rating").is_in(list(RATING_SCORE))).sort(
        "location_id", "publication_date"
    )
    gaps = rated.with_columns(
        gap=(
            pl.col("publication_date") - pl.col("publication_date").shift(1).over("location_id")
        ).dt.total_days()
    ).filter(pl.col("gap") > gap_months * 30.44)
    counts[InputRule.HISTORY_GAP] = gaps["location_id"].n_unique()

    return Histories(
        ratings=dated.select(
            "location_id", "key_question", "rating", "publication_date", "inherited"
        ),
        locations=places,
        assessments=_conform(assessments, ASSESSMENT_SCHEMA).filter(
            pl.col("assessment_date").is_not_null()
        ),
        counts=counts,
        rated=_running(rated),
        questions=ratings.filter(
            (pl.col("key_question") != OVERALL) & pl.col("rating").is_in(list(RATING_SCORE))
        )
        .with_columns(score=_score())
        .sort("location_id", "key_question", "publication_date"),
    )


def _score() -> pl.Expr:
    return pl.col("rating").replace_strict(RATING_SCORE, default=None, return_dtype=pl.Int64)


def _running(rated: pl.DataFrame) -> pl.DataFrame:
    """Each rating with its history up to it: previous score, ratings, downgrades, the run of
    ratings worse than Good ending at it, and whether any was Inadequate.

    Computed once, so the features at a cut-off are the last row on or before it.
    """
    location = "location_id"
    ordered = rated.sort(location, "publication_date").with_columns(score=_score())
    worse = (pl.col("score") >= 2).cast(pl.Int64)
    return (
        ordered.with_columns(
            prev_score=pl.col("score").shift(1).over(location),
            num_ratings=pl.int_range(1, pl.len() + 1).over(location),
            _run=(1 - worse).cum_sum().over(location),
        )
        .with_columns(
            num_downgrades=(pl.col("score") > pl.col("prev_score"))
            .fill_null(False)
            .cast(pl.Int64)
            .cum_sum()
            .over(location),
            num_successive_worse_than_good=worse.cum_sum().over(location, "_run"),
            is_ever_inadequate=(pl.col("score") == 3).cast(pl.Int64).cum_max().over(location),
        )
        .drop("_run")
    )
