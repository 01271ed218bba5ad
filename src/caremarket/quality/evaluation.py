"""Scoring a warning against what happened: discrimination, precision, calibration, with CIs.

Confidence intervals come from a cluster bootstrap over locations: a location
scored at several cut-offs is resampled as a whole, so its repeated outcomes
do not make the intervals look narrower than the data allow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from caremarket.quality.model import FloatArray

Measure = Callable[[FloatArray, FloatArray], float]


def roc_auc(outcome: FloatArray, score: FloatArray) -> float:
    """Area under the ROC curve (ties count one half), from average ranks."""
    from scipy.stats import rankdata

    positives = float(outcome.sum())
    negatives = len(outcome) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(score)
    return float(
        (ranks[outcome == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    )


def average_precision(outcome: FloatArray, score: FloatArray) -> float:
    """Average precision: precision at each distinct threshold weighted by the recall gained.

    The same step-wise definition as scikit-learn's `average_precision_score`.
    """
    positives = float(outcome.sum())
    if positives == 0:
        return float("nan")
    order = np.argsort(-score, kind="stable")
    ranked, hits = score[order], outcome[order]
    last = np.r_[np.flatnonzero(np.diff(ranked)), len(ranked) - 1]
    true_positives = np.cumsum(hits)[last]
    precision = true_positives / (last + 1)
    recall = true_positives / positives
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def precision_top_tenth(outcome: FloatArray, score: FloatArray) -> float:
    """The share worse than Good among the tenth of rows scored highest (ties by order)."""
    k = max(1, int(np.ceil(0.1 * len(score))))
    top = np.argsort(-score, kind="stable")[:k]
    return float(outcome[top].mean())


def brier(outcome: FloatArray, score: FloatArray) -> float:
    """Mean squared difference between probability and outcome (lower is better)."""
    return float(np.mean((score - outcome) ** 2))


MEASURES: Mapping[str, Measure] = {
    "roc_auc": roc_auc,
    "average_precision": average_precision,
    "precision_top_10pct": precision_top_tenth,
    "brier": brier,
}


@dataclass(frozen=True, slots=True)
class Estimate:
    """A measure's value on the whole sample and its bootstrap 95% interval."""

    value: float
    low: float
    high: float

    def text(self) -> str:
        """'0.712 (0.680-0.744)'."""
        return f"{self.value:.3f} ({self.low:.3f}-{self.high:.3f})"

    def overlaps(self, other: Estimate) -> bool:
        """Whether the two intervals share any value."""
        return not (self.low > other.high or other.low > self.high)


def bootstrap(
    outcome: FloatArray,
    scores: Mapping[str, FloatArray],
    groups: np.ndarray[tuple[int], np.dtype[np.str_]] | list[str],
    *,
    replicates: int = 1000,
    seed: int = 0,
) -> tuple[dict[str, dict[str, Estimate]], dict[str, Estimate]]:
    """Every measure of every scorer with percentile CIs, and each scorer's AP gain on the first.

    Returns ({scorer: {measure: Estimate}}, {scorer: Estimate of its average
    precision minus the first scorer's, paired within each replicate}).
    """
    rng = np.random.default_rng(seed)
    labels, index = np.unique(np.asarray(groups), return_inverse=True)
    rows_of = [np.flatnonzero(index == g) for g in range(len(labels))]
    names = list(scores)
    draws: dict[str, dict[str, list[float]]] = {n: {m: [] for m in MEASURES} for n in names}
    for _ in range(replicates):
        chosen = rng.integers(0, len(labels), len(labels))
        rows = np.concatenate([rows_of[g] for g in chosen])
        y = outcome[rows]
        for name in names:
            for measure, fn in MEASURES.items():
                draws[name][measure].append(fn(y, scores[name][rows]))
    found: dict[str, dict[str, Estimate]] = {}
    for name in names:
        found[name] = {}
        for measure, fn in MEASURES.items():
            values = np.array(draws[name][measure])
            low, high = np.nanpercentile(values, [2.5, 97.5])
            found[name][measure] = Estimate(fn(outcome, scores[name]), float(low), float(high))
    base = names[0]
    gains: dict[str, Estimate] = {}
    for name in names[1:]:
        diff = np.array(draws[name]["average_precision"]) - np.array(
            draws[base]["average_precision"]
        )
        low, high = np.nanpercentile(diff, [2.5, 97.5])
        whole = found[name]["average_precision"].value - found[base]["average_precision"].value
        gains[name] = Estimate(whole, float(low), float(high))
    return found, gains


def paired_gain(
    outcome: FloatArray,
    score: FloatArray,
    reference: FloatArray,
    groups: np.ndarray[tuple[int], np.dtype[np.str_]] | list[str],
    *,
    replicates: int = 1000,
    seed: int = 0,
) -> Estimate:
    """Average precision of `score` minus that of `reference`, resampled together by location."""
    rng = np.random.default_rng(seed)
    labels, index = np.unique(np.asarray(groups), return_inverse=True)
    rows_of = [np.flatnonzero(index == g) for g in range(len(labels))]
    diffs = []
    for _ in range(replicates):
        chosen = rng.integers(0, len(labels), len(labels))
        rows = np.concatenate([rows_of[g] for g in chosen])
        y = outcome[rows]
        diffs.append(average_precision(y, score[rows]) - average_precision(y, reference[rows]))
    low, high = np.nanpercentile(np.array(diffs), [2.5, 97.5])
    whole = average_precision(outcome, score) - average_precision(outcome, reference)
    return Estimate(whole, float(low), float(high))


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """One band of predicted probability: how many, mean predicted, share observed."""

    low: float
    high: float
    n: int
    mean_predicted: float | None
    observed: float | None


def reliability(outcome: FloatArray, score: FloatArray, bins: int = 10) -> list[ReliabilityBin]:
    """Predicted against observed in equal-width probability bands (empty bands: unknown)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(score, edges[1:-1]), 0, bins - 1)
    found = []
    for b in range(bins):
        chosen = which == b
        n = int(chosen.sum())
        found.append(
            ReliabilityBin(
                float(edges[b]),
                float(edges[b + 1]),
                n,
                float(score[chosen].mean()) if n else None,
                float(outcome[chosen].mean()) if n else None,
            )
        )
    return found
