"""The warning as at a date: each service's probability of a next rating worse than Good,
the three reasons weighing most, and the lists a quality team works from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from caremarket.domain.rating import Rating
from caremarket.quality.assessments import AssessedQuality, beside_cqc
from caremarket.quality.backtest import training_rows
from caremarket.quality.features import active_at, features_at
from caremarket.quality.history import OVERALL, RATING_SCORE, Histories, InputRule
from caremarket.quality.model import LogisticWarning, reason_text
from caremarket.quality.parameters import WarningParameters

REASONS = 3


@dataclass(frozen=True, slots=True)
class WatchList:
    """A named list of services, and the rule that puts a service on it."""

    column: str
    title: str
    rule: str


WATCH_LISTS = (
    WatchList(
        "is_at_most_risk",
        "At most risk",
        "the declared share of services with the highest probability of a next rating "
        "worse than Good",
    ),
    WatchList(
        "is_borderline_good",
        "Borderline Good",
        "rated Good, with a probability at or above the declared borderline",
    ),
    WatchList(
        "is_borderline_inadequate",
        "Borderline Inadequate",
        "rated Requires improvement with at least one key question rated Inadequate",
    ),
    WatchList(
        "is_awaiting_inspection",
        "Awaiting inspection",
        "past CQC's usual re-inspection interval for its rating (or, never rated, for a "
        "new service)",
    ),
)


@dataclass(frozen=True, slots=True)
class Warning:
    """The warning as at a date for the services scored, with what it learnt from."""

    as_of: date
    scored: pl.DataFrame
    counts: dict[InputRule, int]
    training_rows: int
    training_worse_than_good: int
    weights: dict[str, float]
    assessed: AssessedQuality | None = None

    def watch_list(self, column: str) -> pl.DataFrame:
        """The services on one watch list, highest probability first."""
        return self.scored.filter(pl.col(column)).sort("probability", descending=True)


class NotEnoughHistory(ValueError):
    """The loaded ratings hold too few past outcomes to learn from."""


def _current(histories: Histories, as_of: date) -> pl.DataFrame:
    """Each location's last overall rating on or before the date, and its inadequate questions."""
    known = histories.ratings.filter(pl.col("publication_date") <= as_of)
    overall = (
        known.filter(
            (pl.col("key_question") == OVERALL) & pl.col("rating").is_in(list(RATING_SCORE))
        )
        .sort("publication_date")
        .group_by("location_id")
        .agg(current_rating=pl.col("rating").last(), rating_date=pl.col("publication_date").last())
    )
    inadequate = (
        known.filter(
            (pl.col("key_question") != OVERALL) & pl.col("rating").is_in(list(RATING_SCORE))
        )
        .sort("publication_date")
        .group_by("location_id", "key_question")
        .agg(pl.col("rating").last())
        .group_by("location_id")
        .agg(
            num_inadequate_questions=(pl.col("rating") == Rating.INADEQUATE.value)
            .sum()
            .cast(pl.Int64)
        )
    )
    return overall.join(inadequate, on="location_id", how="left")


def warn(
    histories: Histories,
    as_of: date,
    parameters: WarningParameters,
    *,
    scope: list[str] | None = None,
    seed: int = 0,
) -> Warning:
    """Learn from every outcome known at `as_of`, then score the services in scope.

    `scope`: the location ids to score (default: every location registered at the date).
    Raises NotEnoughHistory when no past outcome of either kind is loaded.
    """
    train = training_rows(histories, as_of, parameters)
    y = (
        train["is_worse_than_good"].to_numpy().astype(np.float64)
        if train.height
        else np.array([], dtype=np.float64)
    )
    if not len(y) or y.min() == y.max():
        raise NotEnoughHistory(
            f"the loaded ratings hold {len(y)} past outcomes before {as_of}, not both better "
            "and worse than Good: load releases with historic ratings (the CQC API extract "
            "or several HSCA / Latest ratings releases)"
        )
    model = LogisticWarning(c=parameters.regularisation_c, seed=seed).fit(train, y)
    now = features_at(histories, as_of, parameters)
    if scope is not None:
        now = now.filter(pl.col("location_id").is_in(scope))
    now = now.sort("location_id")
    probability = model.predict(now) if now.height else np.array([], dtype=np.float64)
    reasons = _reasons(model, now)
    places = active_at(histories, as_of).select("location_id", "name", "provider_id", "la_code")
    scored = (
        now.with_columns(
            probability=pl.Series(probability, dtype=pl.Float64),
            reasons=reasons,
        )
        .join(places, on="location_id", how="left")
        .join(_current(histories, as_of), on="location_id", how="left")
        .with_columns(current_rating=pl.col("current_rating").fill_null(Rating.NOT_RATED.value))
    )
    scored = _lists(scored, parameters).sort("probability", "location_id", descending=[True, False])
    return Warning(
        as_of=as_of,
        scored=scored,
        counts=histories.counts,
        training_rows=train.height,
        training_worse_than_good=int(y.sum()),
        weights=model.weights(),
        assessed=beside_cqc(histories, as_of, scope),
    )


def _reasons(model: LogisticWarning, now: pl.DataFrame) -> pl.Series:
    """Each row's (at most) three features raising its log-odds most, in words."""
    if not now.height:
        return pl.Series("reasons", [], dtype=pl.List(pl.String))
    parts, names = model.contributions(now)
    values = now.select(names).to_numpy()
    top = np.argsort(-parts, axis=1, kind="stable")[:, :REASONS]
    rows = np.arange(now.height)[:, None]
    raising = parts[rows, top] > 0
    words: dict[tuple[int, float], str] = {}
    columns = {}
    for k in range(top.shape[1]):
        texts: list[str | None] = []
        for row in range(now.height):
            if not raising[row, k]:
                texts.append(None)
                continue
            index, value = int(top[row, k]), float(values[row, top[row, k]])
            key = (index, value)
            if key not in words:
                words[key] = reason_text(names[index], value)
            texts.append(words[key])
        columns[f"r{k}"] = pl.Series(texts, dtype=pl.String)
    frame = pl.DataFrame(columns)
    return frame.select(reasons=pl.concat_list(list(columns)).list.drop_nulls()).to_series()


def _lists(scored: pl.DataFrame, parameters: WarningParameters) -> pl.DataFrame:
    """Mark each service's membership of every watch list."""
    top = (
        max(1, int(np.ceil(parameters.at_most_risk_share * scored.height))) if scored.height else 0
    )
    rank = pl.col("probability").rank(method="ordinal", descending=True)
    return scored.with_columns(
        is_at_most_risk=rank <= top,
        is_borderline_good=(pl.col("current_rating") == Rating.GOOD.value)
        & (pl.col("probability") >= parameters.borderline_good_probability),
        is_borderline_inadequate=(pl.col("current_rating") == Rating.REQUIRES_IMPROVEMENT.value)
        & (pl.col("num_inadequate_questions").fill_null(0) > 0),
        is_awaiting_inspection=pl.col("overdue_months") > 0,
    )
