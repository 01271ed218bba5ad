"""The warning's model and the baselines it must beat, behind one small interface.

- `LogisticWarning`: regularised (L2) logistic regression on every feature,
  unknowns imputed with the training median plus an "unknown" indicator,
  features standardised. Logistic regression fits the log-loss, so its
  probabilities are calibrated by construction; the backtest's reliability
  table checks that they are. Its reasons are each feature's share of the
  log-odds (coefficient x standardised value).
- `BoostedWarning`: gradient-boosted trees, isotonic-calibrated, for comparison.
- `LastRatingBaseline`: the share of each last rating's services whose next
  rating was worse than Good, in the training data.
- The "last rating plus its age" baseline is `LogisticWarning` on those columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import polars as pl

from caremarket.quality.features import FEATURE_BY_NAME, FEATURE_NAMES

LAST_RATING_COLUMNS = (
    "is_last_outstanding",
    "is_last_good",
    "is_last_requires_improvement",
    "is_last_inadequate",
    "is_never_rated",
)
LAST_RATING_AGE_COLUMNS = (*LAST_RATING_COLUMNS, "rating_age_months")

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


class Scorer(Protocol):
    """Anything that learns from features and outcomes, then gives probabilities."""

    name: str

    def fit(self, features: pl.DataFrame, outcome: FloatArray) -> Scorer:
        """Learn from a feature frame (FEATURE_NAMES columns) and 0/1 outcomes."""
        ...

    def predict(self, features: pl.DataFrame) -> FloatArray:
        """The probability that each row's next rating is worse than Good."""
        ...


def matrix(features: pl.DataFrame, columns: Sequence[str]) -> FloatArray:
    """The columns as a float matrix, unknowns as NaN."""
    return (
        features.select([pl.col(c).cast(pl.Float64) for c in columns])
        .to_numpy(allow_copy=True)
        .astype(np.float64)
    )


@dataclass
class LogisticWarning:
    """Regularised logistic regression on declared features; explains each probability.

    Unknowns are filled with the training median, and each feature that had unknowns
    in training gets an "unknown" indicator column (done in Polars: fast on big stores).
    """

    name: str = "logistic"
    columns: tuple[str, ...] = FEATURE_NAMES
    c: float = 0.001
    seed: int = 0
    _pipeline: Any = field(default=None, repr=False)
    _medians: dict[str, float] = field(default_factory=dict, repr=False)
    _flagged: tuple[str, ...] = field(default=(), repr=False)

    def _design(self, features: pl.DataFrame) -> FloatArray:
        """Filled features, then one unknown-indicator per flagged feature."""
        filled = [pl.col(c).cast(pl.Float64).fill_null(self._medians[c]) for c in self.columns]
        flags = [pl.col(c).is_null().cast(pl.Float64).alias(f"_unknown_{c}") for c in self._flagged]
        return features.select(*filled, *flags).to_numpy().astype(np.float64)

    def fit(self, features: pl.DataFrame, outcome: FloatArray) -> LogisticWarning:
        """Fit the fill values, the scaler and the penalised regression."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        medians = features.select([pl.col(c).cast(pl.Float64).median() for c in self.columns])
        self._medians = {
            c: float(v) if v is not None else 0.0 for c, v in medians.row(0, named=True).items()
        }
        nulls = features.select([pl.col(c).null_count() for c in self.columns]).row(0, named=True)
        self._flagged = tuple(c for c in self.columns if nulls[c])
        self._pipeline = make_pipeline(
            StandardScaler(), LogisticRegression(C=self.c, max_iter=2000, random_state=self.seed)
        )
        self._pipeline.fit(self._design(features), outcome)
        return self

    def predict(self, features: pl.DataFrame) -> FloatArray:
        """Probabilities of a next rating worse than Good."""
        found: FloatArray = self._pipeline.predict_proba(self._design(features))[:, 1]
        return found

    def contributions(self, features: pl.DataFrame) -> tuple[FloatArray, list[str]]:
        """Each row's log-odds contributions per feature (unknown indicators added to theirs)."""
        scaler, regression = self._pipeline[0], self._pipeline[1]
        parts = scaler.transform(self._design(features)) * regression.coef_[0]
        names = list(self.columns)
        totals = parts[:, : len(names)].copy()
        for k, column in enumerate(self._flagged):
            totals[:, names.index(column)] += parts[:, len(names) + k]
        return totals, names

    def weights(self) -> dict[str, float]:
        """Each feature's coefficient on the standardised scale."""
        regression = self._pipeline[1]
        return {name: float(w) for name, w in zip(self.columns, regression.coef_[0], strict=False)}


@dataclass
class BoostedWarning:
    """Gradient-boosted trees with isotonic calibration (for comparison in the backtest)."""

    name: str = "gradient boosting"
    columns: tuple[str, ...] = FEATURE_NAMES
    seed: int = 0
    _model: Any = field(default=None, repr=False)

    def fit(self, features: pl.DataFrame, outcome: FloatArray) -> BoostedWarning:
        """Fit shallow boosted trees, calibrated on three folds."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.ensemble import HistGradientBoostingClassifier

        trees = HistGradientBoostingClassifier(
            max_depth=3,
            learning_rate=0.05,
            max_iter=150,
            l2_regularization=1.0,
            random_state=self.seed,
        )
        self._model = CalibratedClassifierCV(trees, method="isotonic", cv=3)
        self._model.fit(_filled(features, self.columns), outcome)
        return self

    def predict(self, features: pl.DataFrame) -> FloatArray:
        """Probabilities of a next rating worse than Good."""
        found: FloatArray = self._model.predict_proba(_filled(features, self.columns))[:, 1]
        return found


def _filled(features: pl.DataFrame, columns: Sequence[str]) -> FloatArray:
    """The matrix with unknowns as -1, below every feature's range (trees split them off).

    Left as NaN, scikit-learn 1.9's binning fails on a calibration fold in which a
    column's known values are all one.
    """
    return np.nan_to_num(matrix(features, columns), nan=-1.0)


@dataclass
class LastRatingBaseline:
    """The share worse than Good next time among training services with the same last rating."""

    name: str = "last rating"
    _rates: dict[str, float] = field(default_factory=dict)
    _overall: float = 0.0

    def fit(self, features: pl.DataFrame, outcome: FloatArray) -> LastRatingBaseline:
        """Count outcomes per last rating (with one imaginary success and failure each)."""
        self._overall = float(np.mean(outcome)) if len(outcome) else 0.0
        for column in LAST_RATING_COLUMNS:
            chosen = features[column].fill_null(0.0).to_numpy() == 1.0
            self._rates[column] = float((outcome[chosen].sum() + 1) / (chosen.sum() + 2))
        return self

    def predict(self, features: pl.DataFrame) -> FloatArray:
        """Each row's last-rating share."""
        found = np.full(features.height, self._overall, dtype=np.float64)
        for column, rate in self._rates.items():
            found[features[column].fill_null(0.0).to_numpy() == 1.0] = rate
        return found


def last_rating_age_baseline(seed: int = 0) -> LogisticWarning:
    """The baseline "last rating plus its age": logistic regression on those columns only."""
    return LogisticWarning(
        name="last rating + age", columns=LAST_RATING_AGE_COLUMNS, c=1.0, seed=seed
    )


def reason_text(name: str, value: float | None) -> str:
    """A feature and its value in words, e.g. 'Past downgrades: 2'."""
    feature = FEATURE_BY_NAME[name]
    if value is None or np.isnan(value):
        return f"{feature.label}: unknown"
    if feature.flag:
        return feature.label if value else f"Not {feature.label[0].lower()}{feature.label[1:]}"
    if name == "local_assessment_score":
        words = ("Outstanding", "Good", "Requires improvement", "Inadequate")
        return f"{feature.label}: {words[min(3, max(0, round(value)))]}"
    shown = f"{value:.0%}" if name.startswith("provider_share") else f"{value:,.0f}"
    return f"{feature.label}: {shown}"
