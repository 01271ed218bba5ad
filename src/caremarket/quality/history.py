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
    "registered_manager_absent": pl.Boolean,
    "registered_manager_absent_date": pl.Date,
}
RELATIONSHIP_SCHEMA: dict[str, PolarsType] = {
    "location_id": pl.String,
    "related_location_id": pl.String,
    "relationship": pl.String,
    "reason": pl.String,
}
# CQC's relationship reasons that mean the service changed hands (a new provider, legal
# entity or partnership); "Location Move" re-registers a service without a change of owner.
OWNERSHIP_CHANGE_REASONS = ("new provider", "legal entity change", "partnership change")
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
    PREDECESSOR_NOT_LOADED = "predecessor_not_loaded"
    SUCCESSOR_NOT_LOADED = "successor_not_loaded"
    RE_REGISTERED_BY_NAME = "re_registered_by_name"
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
        "a location CQC links to an earlier registration (relationships: HSCA predecessor "
        "or successor, after a new provider, legal entity, partnership or location move) whose "
        "records are loaded: the earlier id's ratings become the start of the later id's "
        "history, the earlier id is scored on its own only until the later one registered, and "
        "the later id carries the ownership change from its registration date; links counted"
    ),
    InputRule.PREDECESSOR_NOT_LOADED: (
        "a location CQC links to an earlier registration whose records are not loaded: its "
        "history is what CQC lists under the later id (for some, the earlier registration's "
        "ratings), it carries the ownership change from its registration date; links counted"
    ),
    InputRule.SUCCESSOR_NOT_LOADED: (
        "a location CQC links to a later registration whose records are not loaded: scored as "
        "itself until its own deregistration, its history carried nowhere; links counted"
    ),
    InputRule.RE_REGISTERED_BY_NAME: (
        "where CQC gives no link: a location id registered on or after the deregistration of "
        "another id with the same name and postcode is the same service re-registered, "
        "handled as a loaded link (ids both still registered are two services); counted"
    ),
    InputRule.INHERITED_RATING: (
        "overall ratings CQC marks as inherited, or published before the location's own "
        "registration (the earlier registration's, listed under the later id): kept as the "
        "location's history, known as inherited only from the registration date, counted"
    ),
}


@dataclass(frozen=True, slots=True)
class Histories:
    """Rating histories, locations and local assessments, rules applied.

    - `ratings`: location_id, key_question, rating, publication_date, inherited
      (one row per location x key question x date; not-rated reports kept with
      rating `not_rated`);
    - `locations`: one row per location (`LOCATION_SCHEMA`), with `re_registered_date`
      (its registration date when it succeeded an earlier registration, by CQC's link or
      by name) and `is_ownership_change` (that succession was a change of hands);
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
    """Pairs (old_id, location_id): ids sharing a name and postcode, the newer registered on or
    after the older's deregistration (two ids both registered are two services)."""
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
    pairs = (
        newest.explode("ids")
        .filter(pl.col("ids") != pl.col("new_id"))
        .select(old_id="ids", location_id="new_id")
    )
    dates = locations.select("location_id", "registration_date", "deregistration_date")
    return (
        pairs.join(dates.rename({"location_id": "old_id"}), on="old_id", how="left")
        .join(dates.select("location_id", new_registration="registration_date"), on="location_id")
        .filter(pl.col("deregistration_date") <= pl.col("new_registration"))
        .select("old_id", "location_id")
    )


def _links(relationships: pl.DataFrame) -> pl.DataFrame:
    """CQC's links as pairs (old_id, location_id, reason): the earlier registration first."""
    predecessor = relationships.filter(pl.col("relationship") == "predecessor").select(
        old_id="related_location_id", location_id="location_id", reason="reason"
    )
    successor = relationships.filter(pl.col("relationship") == "successor").select(
        old_id="location_id", location_id="related_location_id", reason="reason"
    )
    return (
        pl.concat([predecessor, successor])
        .filter(pl.col("old_id") != pl.col("location_id"))
        .unique(["old_id", "location_id"], keep="first", maintain_order=True)
    )


def _ended_at_successor(places: pl.DataFrame, moves: pl.DataFrame) -> pl.DataFrame:
    """An earlier registration counts as ended when its successor registered (if not before).

    It stays a service of its own until then: dropping it would let a re-registration still
    to come decide which services a past cut-off scores.
    """
    starts = (
        moves.join(places.select("location_id", "registration_date"), on="location_id", how="inner")
        .group_by("old_id")
        .agg(pl.col("registration_date").min().alias("_successor_start"))
    )
    return (
        places.join(starts, left_on="location_id", right_on="old_id", how="left")
        .with_columns(
            deregistration_date=pl.min_horizontal("deregistration_date", "_successor_start")
        )
        .drop("_successor_start")
    )


def _latest_ids(moves: pl.DataFrame) -> pl.DataFrame:
    """Each earlier id and the latest id of its chain of re-registrations (A -> B -> C: A to C)."""
    successor = dict(zip(moves["old_id"].to_list(), moves["location_id"].to_list(), strict=True))
    final = {}
    for old in successor:
        seen, current = {old}, successor[old]
        while current in successor and successor[current] not in seen:
            seen.add(current)
            current = successor[current]
        final[old] = current
    return pl.DataFrame(
        {"old_id": list(final), "location_id": list(final.values())},
        schema={"old_id": pl.String, "location_id": pl.String},
    )


def prepare(
    ratings: pl.DataFrame,
    locations: pl.DataFrame,
    assessments: pl.DataFrame | None = None,
    *,
    gap_months: int,
    relationships: pl.DataFrame | None = None,
) -> Histories:
    """Apply the input rules to raw rating rows, locations, assessments and CQC's links between
    registrations; count each rule."""
    counts = dict.fromkeys(InputRule, 0)
    raw = _conform(ratings, RATING_SCHEMA)
    places = _conform(locations, LOCATION_SCHEMA).unique("location_id", keep="last")
    links = _links(_conform(relationships, RELATIONSHIP_SCHEMA))

    counts[InputRule.UNDATED_RATING] = raw.filter(pl.col("publication_date").is_null()).height
    dated = raw.filter(pl.col("publication_date").is_not_null())

    key = ["location_id", "key_question", "publication_date"]
    before = dated.height
    dated = dated.sort("release_date", descending=True, nulls_last=True).unique(
        key, keep="first", maintain_order=True
    )
    counts[InputRule.DUPLICATE_RATING] = before - dated.height

    loaded = pl.concat([dated["location_id"], places["location_id"]]).unique().implode()
    old_known, new_known = pl.col("old_id").is_in(loaded), pl.col("location_id").is_in(loaded)
    linked = links.filter(old_known & new_known)
    counts[InputRule.RE_REGISTERED] = linked.height
    counts[InputRule.PREDECESSOR_NOT_LOADED] = links.filter(~old_known & new_known).height
    counts[InputRule.SUCCESSOR_NOT_LOADED] = links.filter(old_known & ~new_known).height
    in_links = pl.concat([links["old_id"], links["location_id"]]).unique().implode()
    by_name = _re_registrations(places).filter(
        ~pl.col("old_id").is_in(in_links) & ~pl.col("location_id").is_in(in_links)
    )
    counts[InputRule.RE_REGISTERED_BY_NAME] = by_name.height
    moves = pl.concat([linked.select("old_id", "location_id"), by_name])
    if moves.height:
        moved = dated.join(_latest_ids(moves), left_on="location_id", right_on="old_id")
        carried = moved.select(
            pl.col("location_id_right").alias("location_id"),
            *[c for c in dated.columns if c != "location_id"],
        )
        dated = pl.concat([dated, carried]).unique(key, keep="first", maintain_order=True)
        places = _ended_at_successor(places, moves)
    changed_hands = links.filter(
        pl.col("reason").str.to_lowercase().is_in(list(OWNERSHIP_CHANGE_REASONS))
    )["location_id"]
    successors = pl.concat([links["location_id"], by_name["location_id"]]).implode()
    places = places.with_columns(
        re_registered_date=pl.when(pl.col("location_id").is_in(successors)).then(
            pl.col("registration_date")
        ),
        is_ownership_change=pl.col("location_id").is_in(changed_hands.implode()),
    )
    # A rating published before the location's own registration is the earlier registration's.
    registered = places.select("location_id", "registration_date")
    dated = (
        dated.join(registered, on="location_id", how="left")
        .with_columns(
            inherited=pl.col("inherited").fill_null(False)
            | (pl.col("publication_date") < pl.col("registration_date")).fill_null(False)
        )
        .drop("registration_date")
    )

    overall = dated.filter(pl.col("key_question") == OVERALL)
    counts[InputRule.NOT_RATED_ENTRY] = overall.filter(
        pl.col("rating") == Rating.NOT_RATED.value
    ).height
    counts[InputRule.INHERITED_RATING] = overall.filter(pl.col("inherited")).height
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
        assessments=_carried_assessments(_conform(assessments, ASSESSMENT_SCHEMA), moves),
        counts=counts,
        rated=_running(rated),
        questions=dated.filter(
            (pl.col("key_question") != OVERALL) & pl.col("rating").is_in(list(RATING_SCORE))
        )
        .with_columns(score=_score())
        .sort("location_id", "key_question", "publication_date"),
    )


def _carried_assessments(assessments: pl.DataFrame, moves: pl.DataFrame) -> pl.DataFrame:
    """Dated assessments, those of an earlier registration under the latest id of the service."""
    latest = _latest_ids(moves)
    return (
        assessments.filter(pl.col("assessment_date").is_not_null())
        .join(latest, left_on="location_id", right_on="old_id", how="left")
        .select(
            pl.coalesce("location_id_right", "location_id").alias("location_id"),
            "assessment_date",
            "rating",
        )
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
