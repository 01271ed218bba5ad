"""The backtest: would the warning have worked? Cut-offs in the past, only what was known then.

For each cut-off date C in the span asked for:
- the services scored are those registered at C that have a next published
  rating after C (those with none yet are counted as awaiting, not scored);
- the model learns from earlier training cut-offs T < C (every few months, back
  over the declared window), each with the features as at T and the next rating
  after T, kept only when that rating was published on or before C: so every
  outcome it learns from was known at C;
- the scored services are split in five groups by location; each group is
  scored by models that never saw any row of those locations, so train and
  score never share a location's past or future.
The model and both baselines are fitted on exactly the same rows.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from caremarket.quality.evaluation import (
    Estimate,
    ReliabilityBin,
    bootstrap,
    paired_gain,
    reliability,
)
from caremarket.quality.features import features_at, outcomes_after
from caremarket.quality.history import Histories
from caremarket.quality.model import (
    BoostedWarning,
    LastRatingBaseline,
    LogisticWarning,
    Scorer,
    last_rating_age_baseline,
)
from caremarket.quality.parameters import WarningParameters

FOLDS = 5
MODEL = "logistic"
BASELINE = "last rating"
AGE_BASELINE = "last rating + age"


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (clipped to the month's end)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def month_steps(start: date, end: date, months: int) -> list[date]:
    """Dates from start to end (inclusive) every `months` months."""
    found = []
    day = start
    while day <= end:
        found.append(day)
        day = add_months(day, months)
    return found


def training_rows(
    histories: Histories,
    known_by: date,
    parameters: WarningParameters,
    cache: dict[date, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Features at past training cut-offs with the next rating known by `known_by`."""
    step = parameters.training_cutoff_step_months
    first = add_months(known_by, -parameters.training_window_months)
    cutoffs = [add_months(known_by, -step * k) for k in range(1, 1000)]
    cutoffs = [c for c in cutoffs if c >= first]
    frames = []
    memo = cache if cache is not None else {}
    for cutoff in cutoffs:
        if cutoff not in memo:
            memo[cutoff] = features_at(histories, cutoff, parameters)
        outcome = outcomes_after(histories, cutoff, known_by)
        rows = memo[cutoff].join(outcome, on="location_id", how="inner").sort("location_id")
        frames.append(rows.with_columns(cutoff=pl.lit(cutoff)))
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="diagonal_relaxed")


def fold_of(location_id: str) -> int:
    """A location's fold: stable across runs and machines."""
    return zlib.crc32(location_id.encode()) % FOLDS


Factory = Callable[[], Scorer]


def scorers(parameters: WarningParameters, seed: int, boosted: bool) -> dict[str, Factory]:
    """The baselines first, then the model (and the boosted trees if asked)."""
    found: dict[str, Factory] = {
        BASELINE: LastRatingBaseline,
        AGE_BASELINE: lambda: last_rating_age_baseline(seed),
        MODEL: lambda: LogisticWarning(c=parameters.regularisation_c, seed=seed),
    }
    if boosted:
        found["gradient boosting"] = lambda: BoostedWarning(seed=seed)
    return found


@dataclass(frozen=True, slots=True)
class CutoffCount:
    """One cut-off: services registered, scored, awaiting a next rating, training rows."""

    cutoff: date
    registered: int
    scored: int
    awaiting: int
    training_rows: int
    worse_than_good: int


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """Every scored row, the measures with CIs, gains over the last-rating baseline."""

    predictions: pl.DataFrame
    measures: dict[str, dict[str, Estimate]]
    gains: dict[str, Estimate]
    reliability: dict[str, list[ReliabilityBin]]
    cutoffs: tuple[CutoffCount, ...]
    good_only: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    gains_over_age: dict[str, Estimate] = field(default_factory=dict)

    @property
    def beats_baselines(self) -> bool:
        """Whether the model's average precision interval lies above both baselines'."""
        mine = self.measures[MODEL]["average_precision"]
        return all(
            mine.low > self.measures[b]["average_precision"].high for b in (BASELINE, AGE_BASELINE)
        )


def run_backtest(
    histories: Histories,
    cutoffs: list[date],
    parameters: WarningParameters,
    *,
    seed: int = 0,
    replicates: int = 1000,
    boosted: bool = False,
) -> BacktestResult:
    """Score every cut-off as described in the module docstring, then measure with CIs."""
    factories = scorers(parameters, seed, boosted)
    memo: dict[date, pl.DataFrame] = {}
    scored_frames = []
    counts = []
    for cutoff in cutoffs:
        if cutoff not in memo:
            memo[cutoff] = features_at(histories, cutoff, parameters)
        now = memo[cutoff]
        outcome = outcomes_after(histories, cutoff)
        test = (
            now.join(outcome, on="location_id", how="inner")
            .sort("location_id")
            .with_columns(fold=pl.col("location_id").map_elements(fold_of, return_dtype=pl.Int64))
        )
        train = training_rows(histories, cutoff, parameters, memo)
        counts.append(
            CutoffCount(
                cutoff,
                now.height,
                test.height,
                now.height - test.height,
                train.height,
                int(test["is_worse_than_good"].sum()) if test.height else 0,
            )
        )
        if not test.height or not train.height:
            continue
        train = train.with_columns(
            fold=pl.col("location_id").map_elements(fold_of, return_dtype=pl.Int64)
        )
        for fold in range(FOLDS):
            scored = test.filter(pl.col("fold") == fold)
            learn = train.filter(pl.col("fold") != fold)
            y = learn["is_worse_than_good"].to_numpy().astype(np.float64)
            if not scored.height or y.min() == y.max():
                continue
            columns = {}
            for name, make in factories.items():
                columns[name] = make().fit(learn, y).predict(scored)
            scored_frames.append(
                scored.select(
                    "location_id",
                    "next_rating",
                    "next_date",
                    "is_worse_than_good",
                    "is_last_good",
                    "is_last_outstanding",
                )
                .with_columns(cutoff=pl.lit(cutoff))
                .with_columns(pl.Series(n, v) for n, v in columns.items())
            )
    predictions = pl.concat(scored_frames) if scored_frames else pl.DataFrame()
    return _measure(predictions, list(factories), tuple(counts), replicates, seed)


def _measure(
    predictions: pl.DataFrame,
    names: list[str],
    counts: tuple[CutoffCount, ...],
    replicates: int,
    seed: int,
) -> BacktestResult:
    if predictions.is_empty():
        raise ValueError("no cut-off had both services to score and outcomes to learn from")
    y = predictions["is_worse_than_good"].to_numpy().astype(np.float64)
    scores = {n: predictions[n].to_numpy().astype(np.float64) for n in names}
    groups = predictions["location_id"].to_list()
    measures, gains = bootstrap(y, scores, groups, replicates=replicates, seed=seed)
    over_age = {
        n: paired_gain(y, scores[n], scores[AGE_BASELINE], groups, replicates=replicates, seed=seed)
        for n in names[names.index(AGE_BASELINE) + 1 :]
    }
    good = predictions.filter(pl.col("is_last_good") == 1.0)
    good_measures: dict[str, dict[str, Estimate]] = {}
    if good.height and good["is_worse_than_good"].sum() > 0:
        good_measures, _ = bootstrap(
            good["is_worse_than_good"].to_numpy().astype(np.float64),
            {n: good[n].to_numpy().astype(np.float64) for n in names},
            good["location_id"].to_list(),
            replicates=replicates,
            seed=seed,
        )
    return BacktestResult(
        predictions=predictions,
        measures=measures,
        gains=gains,
        reliability={n: reliability(y, scores[n]) for n in names},
        cutoffs=counts,
        good_only=good_measures,
        gains_over_age=over_age,
    )
