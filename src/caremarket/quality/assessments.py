"""The council's own (PAMMS-style) assessments beside CQC's ratings, and the combined share.

"% good or outstanding by CQC or local assessment" (as councils publish it):
each service counts once, by its CQC overall rating where CQC has rated it,
else by the council's latest assessment; services with neither are left out
of the denominator, as not-yet-rated services are from CQC's own share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from caremarket.domain.rating import Rating
from caremarket.quality.features import active_at
from caremarket.quality.history import OVERALL, RATING_SCORE, Histories

GOOD_OR_BETTER = (Rating.OUTSTANDING.value, Rating.GOOD.value)


@dataclass(frozen=True, slots=True)
class AssessedQuality:
    """Each service's CQC rating and local assessment, and the three shares good or better."""

    as_of: date
    services: pl.DataFrame
    pct_good_or_outstanding_cqc: float | None
    pct_good_or_outstanding_local: float | None
    pct_good_or_outstanding_combined: float | None
    rated_cqc: int
    assessed_local: int
    counted_combined: int


def _share(column: pl.Series) -> tuple[float | None, int]:
    known = column.drop_nulls()
    if not known.len():
        return None, 0
    good = int(known.is_in(GOOD_OR_BETTER).sum())
    return round(100 * good / known.len(), 1), known.len()


def beside_cqc(
    histories: Histories, as_of: date, scope: list[str] | None = None
) -> AssessedQuality:
    """CQC's last overall rating and the latest local assessment of every service in scope."""
    places = active_at(histories, as_of).select("location_id", "name", "provider_id")
    if scope is not None:
        places = places.filter(pl.col("location_id").is_in(scope))
    cqc = (
        histories.ratings.filter(
            (pl.col("key_question") == OVERALL)
            & (pl.col("publication_date") <= as_of)
            & pl.col("rating").is_in(list(RATING_SCORE))
        )
        .sort("publication_date")
        .group_by("location_id")
        .agg(cqc_rating=pl.col("rating").last(), cqc_date=pl.col("publication_date").last())
    )
    local = (
        histories.assessments.filter(pl.col("assessment_date") <= as_of)
        .sort("assessment_date")
        .group_by("location_id")
        .agg(local_rating=pl.col("rating").last(), local_date=pl.col("assessment_date").last())
    )
    services = (
        places.join(cqc, on="location_id", how="left")
        .join(local, on="location_id", how="left")
        .with_columns(
            counted_rating=pl.coalesce(
                "cqc_rating",
                pl.when(pl.col("local_rating").is_in(list(RATING_SCORE))).then("local_rating"),
            ),
            counted_by=pl.when(pl.col("cqc_rating").is_not_null())
            .then(pl.lit("cqc"))
            .when(pl.col("local_rating").is_in(list(RATING_SCORE)))
            .then(pl.lit("local assessment")),
        )
        .sort("name", "location_id")
    )
    pct_cqc, n_cqc = _share(services["cqc_rating"])
    pct_local, n_local = _share(
        services["local_rating"].filter(services["local_rating"].is_in(list(RATING_SCORE)))
    )
    pct_both, n_both = _share(services["counted_rating"])
    return AssessedQuality(as_of, services, pct_cqc, pct_local, pct_both, n_cqc, n_local, n_both)
