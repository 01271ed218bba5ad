"""The warning's signals: each a declared feature with its source, computed as at a cut-off.

`features_at(histories, cutoff)` reads only ratings published and assessments
made on or before the cut-off; location attributes (beds, nursing, client
groups, provider) come from the release describing the location, which the
store-facing side picks on or before the as-of date where one exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import polars as pl

from caremarket.domain.client_group import ClientGroup
from caremarket.domain.rating import Rating
from caremarket.domain.sector import Sector
from caremarket.quality.history import OVERALL, RATING_SCORE, Histories
from caremarket.quality.parameters import WarningParameters

DAYS_PER_MONTH = 30.4375


class Source(StrEnum):
    """Where a feature's values come from."""

    CQC_RATINGS = "CQC ratings (API historic ratings, Latest ratings, HSCA releases)"
    CQC_LOCATION = "CQC location record (API or HSCA release)"
    CQC_PROVIDER = "CQC ratings of the provider's other locations"
    CQC_MANAGER = "CQC API location record: registeredManagerAbsentDate"
    CQC_RELATIONSHIPS = (
        "CQC API location record: relationships (HSCA predecessor / successor registrations)"
    )
    LOCAL_ASSESSMENT = "the council's own quality assessments (council extract)"


@dataclass(frozen=True, slots=True)
class Feature:
    """One signal the warning weighs: its name, words for people, source and meaning."""

    name: str
    label: str
    source: Source
    description: str
    flag: bool = False


R, L, P, A = Source.CQC_RATINGS, Source.CQC_LOCATION, Source.CQC_PROVIDER, Source.LOCAL_ASSESSMENT
M, G = Source.CQC_MANAGER, Source.CQC_RELATIONSHIPS

FEATURES: tuple[Feature, ...] = (
    Feature("is_last_outstanding", "Last rated Outstanding", R, "last overall rating", True),
    Feature("is_last_good", "Last rated Good", R, "last overall rating", True),
    Feature(
        "is_last_requires_improvement",
        "Last rated Requires improvement",
        R,
        "last overall rating",
        True,
    ),
    Feature("is_last_inadequate", "Last rated Inadequate", R, "last overall rating", True),
    Feature("is_never_rated", "Not yet rated", R, "no overall rating published yet", True),
    Feature(
        "rating_age_months",
        "Months since the last rating",
        R,
        "months from the last overall rating's publication to the cut-off",
    ),
    Feature(
        "overdue_months",
        "Months past CQC's usual re-inspection interval",
        R,
        "rating age less the interval for the rating (or since registration if never rated), "
        "zero when not yet due",
    ),
    Feature("num_ratings", "Ratings published", R, "overall ratings published so far"),
    Feature(
        "num_downgrades",
        "Past downgrades",
        R,
        "times an overall rating was worse than the one before",
    ),
    Feature(
        "num_successive_worse_than_good",
        "Successive Requires improvement or Inadequate",
        R,
        "how many of the latest overall ratings in a row were worse than Good",
    ),
    Feature("is_ever_inadequate", "Rated Inadequate before", R, "any overall Inadequate", True),
    Feature(
        "is_improved_last_time",
        "Improved at the last rating",
        R,
        "the last overall rating was better than the one before",
        True,
    ),
    Feature(
        "is_safe_weaker",
        "Safe rated below overall",
        R,
        "the latest Safe rating is worse than the last overall rating",
        True,
    ),
    Feature(
        "is_well_led_weaker",
        "Well-led rated below overall",
        R,
        "the latest Well-led rating is worse than the last overall rating",
        True,
    ),
    Feature(
        "num_key_questions_worse_than_good",
        "Key questions below Good",
        R,
        "latest key question ratings that are Requires improvement or Inadequate",
    ),
    Feature(
        "num_unrated_inspections",
        "Inspections without a rating since the last rating",
        R,
        "'Inspected but not rated' reports since the last overall rating",
    ),
    Feature(
        "is_inherited_rating",
        "Rating inherited from a previous registration",
        R,
        "the last overall rating was inherited (a change of owner or registration)",
        True,
    ),
    Feature(
        "is_registered_manager_absent",
        "Registered manager absent",
        M,
        "the release says the registered manager has been absent since a date on or before the "
        "cut-off (an absence starting after it is not known at the cut-off); unknown when the "
        "release does not say",
        True,
    ),
    Feature(
        "registered_manager_absent_months",
        "Months without the registered manager",
        M,
        "months from the registered manager's absence date to the cut-off; 0 when the release "
        "says the manager is present or the absence starts after the cut-off; unknown when the "
        "release does not say",
    ),
    Feature(
        "is_re_registered",
        "Re-registered (new provider, legal entity or address)",
        G,
        "the location succeeded an earlier registration of the service (CQC's HSCA predecessor "
        "link, or the same name and postcode after a deregistration), registered on or before "
        "the cut-off",
        True,
    ),
    Feature(
        "is_recent_ownership_change",
        "Changed hands recently",
        G,
        "the location succeeded an earlier registration after a new provider, legal entity or "
        "partnership, registered within the declared number of months before the cut-off",
        True,
    ),
    Feature(
        "months_since_registration",
        "Months since registration",
        L,
        "months from the location's registration to the cut-off",
    ),
    Feature("beds", "Beds", L, "registered care home beds (unknown for services without)"),
    Feature(
        "is_nursing", "Nursing home", L, "registered as a care home service with nursing", True
    ),
    Feature("is_dementia", "Dementia specialism", L, "registered for people with dementia", True),
    Feature(
        "is_learning_disability",
        "Learning disability or autism specialism",
        L,
        "registered for people with a learning disability or autism",
        True,
    ),
    Feature(
        "is_mental_health", "Mental health specialism", L, "registered for mental health", True
    ),
    Feature(
        "provider_other_locations",
        "The provider's other locations",
        P,
        "other locations of the same provider registered at the cut-off",
    ),
    Feature(
        "provider_share_worse_than_good",
        "Share of the provider's other locations below Good",
        P,
        "of the provider's other rated locations, the share last rated Requires improvement "
        "or Inadequate (unknown when it has none)",
    ),
    Feature(
        "provider_recent_downgrades",
        "The provider's other locations downgraded in the last year",
        P,
        "other locations of the provider whose overall rating got worse in the 12 months "
        "before the cut-off",
    ),
    Feature(
        "local_assessment_score",
        "Council's own assessment",
        A,
        "the latest local assessment's rating as a score, 0 Outstanding to 3 Inadequate "
        "(unknown when none is loaded)",
    ),
    Feature(
        "is_local_worse_than_cqc",
        "Council assessment worse than CQC's",
        A,
        "the latest local assessment is worse than the last CQC overall rating",
        True,
    ),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
FEATURE_BY_NAME = {f.name: f for f in FEATURES}

_LAST_FLAGS = {
    "is_last_outstanding": 0,
    "is_last_good": 1,
    "is_last_requires_improvement": 2,
    "is_last_inadequate": 3,
}


def _months(later: pl.Expr | date, earlier: pl.Expr) -> pl.Expr:
    """Months between two dates (later - earlier)."""
    start = pl.lit(later) if isinstance(later, date) else later
    return (start - earlier).dt.total_days() / DAYS_PER_MONTH


def active_at(histories: Histories, cutoff: date) -> pl.DataFrame:
    """Locations registered at the cut-off (registration date unknown counts) and not deregistered.

    A location CQC lists with ratings from before its own registration (an earlier
    registration's) is scored only from its registration: before it, the service was another
    registration, with another provider, and marking it would tell of a change still to come.
    """
    places = histories.locations
    return places.filter(
        (pl.col("registration_date").is_null() | (pl.col("registration_date") <= cutoff))
        & (pl.col("deregistration_date").is_null() | (pl.col("deregistration_date") > cutoff))
    )


def features_at(histories: Histories, cutoff: date, parameters: WarningParameters) -> pl.DataFrame:
    """location_id and every feature (Float64, null when unknown) as known at the cut-off."""
    places = active_at(histories, cutoff)
    history = (
        histories.rated.filter(pl.col("publication_date") <= cutoff)
        .group_by("location_id")
        .agg(pl.all().last())
        .select(
            "location_id",
            "prev_score",
            last_score="score",
            last_rating="rating",
            last_date="publication_date",
            is_inherited_rating=pl.col("inherited").fill_null(False).cast(pl.Float64),
            num_ratings=pl.col("num_ratings").cast(pl.Float64),
            num_downgrades=pl.col("num_downgrades").cast(pl.Float64),
            num_successive_worse_than_good=pl.col("num_successive_worse_than_good").cast(
                pl.Float64
            ),
            is_ever_inadequate=pl.col("is_ever_inadequate").cast(pl.Float64),
        )
    )
    unrated = (
        histories.ratings.filter(
            (pl.col("key_question") == OVERALL)
            & (pl.col("rating") == Rating.NOT_RATED.value)
            & (pl.col("publication_date") <= cutoff)
        )
        .join(history.select("location_id", "last_date"), on="location_id", how="left")
        .filter(pl.col("last_date").is_null() | (pl.col("publication_date") > pl.col("last_date")))
        .group_by("location_id")
        .agg(num_unrated_inspections=pl.len().cast(pl.Float64))
    )
    questions = (
        histories.questions.filter(pl.col("publication_date") <= cutoff)
        .group_by("location_id", "key_question")
        .agg(pl.col("score").last())
    )
    by_question = (
        questions.group_by("location_id")
        .agg(num_key_questions_worse_than_good=(pl.col("score") >= 2).sum().cast(pl.Float64))
        .join(
            questions.filter(pl.col("key_question") == "safe").select("location_id", safe="score"),
            on="location_id",
            how="left",
        )
        .join(
            questions.filter(pl.col("key_question") == "well_led").select(
                "location_id", well_led="score"
            ),
            on="location_id",
            how="left",
        )
    )
    intervals = {k: float(v) for k, v in parameters.reinspection_months.items()}
    frame = (
        places.select(
            "location_id",
            "provider_id",
            "registration_date",
            "beds",
            "sectors",
            "client_groups",
            "registered_manager_absent",
            "registered_manager_absent_date",
            "re_registered_date",
            "is_ownership_change",
        )
        .join(history, on="location_id", how="left")
        .join(unrated, on="location_id", how="left")
        .join(by_question, on="location_id", how="left")
    )
    age = _months(cutoff, pl.col("last_date"))
    since_registration = _months(cutoff, pl.col("registration_date")).clip(lower_bound=0)
    interval = (
        pl.col("last_rating")
        .fill_null(Rating.NOT_RATED.value)
        .replace_strict(intervals, default=None, return_dtype=pl.Float64)
    )
    due_from = pl.when(pl.col("last_date").is_null()).then(since_registration).otherwise(age)
    never = pl.col("last_score").is_null()
    frame = frame.with_columns(
        *[
            (pl.col("last_score") == v).fill_null(False).cast(pl.Float64).alias(name)
            for name, v in _LAST_FLAGS.items()
        ],
        is_never_rated=never.cast(pl.Float64),
        rating_age_months=age,
        overdue_months=(due_from - interval).clip(lower_bound=0),
        months_since_registration=since_registration,
        num_ratings=pl.col("num_ratings").fill_null(0.0),
        num_downgrades=pl.col("num_downgrades").fill_null(0.0),
        num_successive_worse_than_good=pl.col("num_successive_worse_than_good").fill_null(0.0),
        is_ever_inadequate=pl.col("is_ever_inadequate").fill_null(0.0),
        is_improved_last_time=(pl.col("prev_score") > pl.col("last_score"))
        .fill_null(False)
        .cast(pl.Float64),
        is_safe_weaker=(pl.col("safe") > pl.col("last_score")).fill_null(False).cast(pl.Float64),
        is_well_led_weaker=(pl.col("well_led") > pl.col("last_score"))
        .fill_null(False)
        .cast(pl.Float64),
        num_key_questions_worse_than_good=pl.col("num_key_questions_worse_than_good").fill_null(
            0.0
        ),
        num_unrated_inspections=pl.col("num_unrated_inspections").fill_null(0.0),
        is_inherited_rating=pl.col("is_inherited_rating").fill_null(0.0),
        beds=pl.col("beds").cast(pl.Float64),
        is_nursing=pl.col("sectors")
        .list.contains(Sector.CARE_HOME_NURSING.value)
        .fill_null(False)
        .cast(pl.Float64),
        is_dementia=pl.col("client_groups")
        .list.contains(ClientGroup.DEMENTIA.value)
        .fill_null(False)
        .cast(pl.Float64),
        is_learning_disability=pl.col("client_groups")
        .list.contains(ClientGroup.LEARNING_DISABILITY_AUTISM.value)
        .fill_null(False)
        .cast(pl.Float64),
        is_mental_health=pl.col("client_groups")
        .list.contains(ClientGroup.MENTAL_HEALTH.value)
        .fill_null(False)
        .cast(pl.Float64),
    )
    frame = _registration_features(frame, cutoff, parameters)
    frame = _provider_features(frame, cutoff)
    frame = _local_features(frame, histories.assessments, cutoff)
    return frame.select("location_id", *[pl.col(n).cast(pl.Float64) for n in FEATURE_NAMES]).sort(
        "location_id"
    )


def _registration_features(
    frame: pl.DataFrame, cutoff: date, parameters: WarningParameters
) -> pl.DataFrame:
    """Registered manager absence and re-registration, as known at the cut-off.

    A release says only whether the manager is absent when it was made, and since when: an
    absence dated after the cut-off is not known then (0). Unknown when the release does not say.
    """
    absent_since = pl.col("registered_manager_absent_date")
    said = pl.col("registered_manager_absent")
    absent_then = said & absent_since.is_not_null() & (absent_since <= cutoff)
    known = said.is_not_null() & ~(said & absent_since.is_null())
    successor = pl.col("re_registered_date")
    months_since = _months(cutoff, successor)
    return frame.with_columns(
        is_registered_manager_absent=pl.when(known).then(absent_then.cast(pl.Float64)),
        registered_manager_absent_months=pl.when(known).then(
            pl.when(absent_then).then(_months(cutoff, absent_since)).otherwise(0.0)
        ),
        is_re_registered=(successor <= cutoff).fill_null(False).cast(pl.Float64),
        is_recent_ownership_change=(
            pl.col("is_ownership_change").fill_null(False)
            & (successor <= cutoff).fill_null(False)
            & (months_since <= parameters.recent_ownership_change_months).fill_null(False)
        ).cast(pl.Float64),
    )


def _provider_features(frame: pl.DataFrame, cutoff: date) -> pl.DataFrame:
    """The provider's other locations: how many, share below Good, recent downgrades."""
    year_ago = cutoff - timedelta(days=365)
    flags = frame.with_columns(
        _rated=pl.col("last_score").is_not_null().cast(pl.Int64),
        _worse=(pl.col("last_score") >= 2).fill_null(False).cast(pl.Int64),
        _down=((pl.col("last_score") > pl.col("prev_score")) & (pl.col("last_date") > year_ago))
        .fill_null(False)
        .cast(pl.Int64),
    )
    provider = pl.col("provider_id")
    totals = flags.with_columns(
        _n=pl.len().over(provider),
        _n_rated=pl.col("_rated").sum().over(provider),
        _n_worse=pl.col("_worse").sum().over(provider),
        _n_down=pl.col("_down").sum().over(provider),
    )
    others_rated = pl.col("_n_rated") - pl.col("_rated")
    has_provider = provider.is_not_null()
    return totals.with_columns(
        provider_other_locations=pl.when(has_provider).then(pl.col("_n") - 1),
        provider_share_worse_than_good=pl.when(has_provider & (others_rated > 0)).then(
            (pl.col("_n_worse") - pl.col("_worse")) / others_rated
        ),
        provider_recent_downgrades=pl.when(has_provider).then(pl.col("_n_down") - pl.col("_down")),
    )


def _local_features(frame: pl.DataFrame, assessments: pl.DataFrame, cutoff: date) -> pl.DataFrame:
    """The latest local assessment on or before the cut-off, and whether it is worse than CQC's."""
    latest = (
        assessments.filter(
            (pl.col("assessment_date") <= cutoff) & pl.col("rating").is_in(list(RATING_SCORE))
        )
        .sort("assessment_date")
        .group_by("location_id")
        .agg(pl.col("rating").last())
        .select(
            "location_id",
            local_assessment_score=pl.col("rating").replace_strict(
                RATING_SCORE, default=None, return_dtype=pl.Float64
            ),
        )
    )
    joined = frame.join(latest, on="location_id", how="left")
    return joined.with_columns(
        is_local_worse_than_cqc=(pl.col("local_assessment_score") > pl.col("last_score"))
        .fill_null(False)
        .cast(pl.Float64)
    )


def outcomes_after(
    histories: Histories, cutoff: date, known_by: date | None = None
) -> pl.DataFrame:
    """Each location's next published overall rating after the cut-off (on or before `known_by`).

    Columns: location_id, next_rating, next_date, is_worse_than_good (1.0 or 0.0).
    Not-rated reports are no outcome: the next rating on the four-point scale is.
    """
    later = histories.ratings.filter(
        (pl.col("key_question") == OVERALL)
        & (pl.col("publication_date") > cutoff)
        & pl.col("rating").is_in(list(RATING_SCORE))
    )
    if known_by is not None:
        later = later.filter(pl.col("publication_date") <= known_by)
    return (
        later.sort("publication_date")
        .group_by("location_id")
        .agg(next_rating=pl.col("rating").first(), next_date=pl.col("publication_date").first())
        .with_columns(
            is_worse_than_good=pl.col("next_rating")
            .is_in([Rating.REQUIRES_IMPROVEMENT.value, Rating.INADEQUATE.value])
            .cast(pl.Float64)
        )
    )
