"""The backtest in rows and words: the table people read, baselines first, and a plain verdict."""

from __future__ import annotations

from caremarket.quality.backtest import BASELINE, MODEL, BacktestResult
from caremarket.quality.evaluation import Estimate

MEASURE_LABELS = {
    "roc_auc": "ROC AUC",
    "average_precision": "Average precision",
    "precision_top_10pct": "Precision, top 10%",
    "brier": "Brier score",
}


def measure_rows(
    measures: dict[str, dict[str, Estimate]],
    gains: dict[str, Estimate] | None = None,
    gains_over_age: dict[str, Estimate] | None = None,
) -> list[dict[str, object]]:
    """One row per scorer: each measure as 'value (low-high)', and its AP gains on the baselines
    (paired: both scored on the same resampled services)."""
    rows: list[dict[str, object]] = []
    for name, found in measures.items():
        row: dict[str, object] = {"scorer": name}
        for key, label in MEASURE_LABELS.items():
            row[label] = found[key].text()
        if gains is not None:
            gain = gains.get(name)
            row["AP minus last rating"] = gain.text() if gain is not None else "-"
        if gains_over_age is not None:
            over = gains_over_age.get(name)
            row["AP minus last rating + age"] = over.text() if over is not None else "-"
        rows.append(row)
    return rows


def reliability_rows(result: BacktestResult) -> list[dict[str, object]]:
    """Predicted against observed per probability band, for every scorer side by side."""
    names = list(result.reliability)
    bands = result.reliability[names[0]]
    rows: list[dict[str, object]] = []
    for index, band in enumerate(bands):
        row: dict[str, object] = {"band": f"{band.low:.1f}-{band.high:.1f}"}
        for name in names:
            b = result.reliability[name][index]
            shown = (
                f"{b.mean_predicted:.2f} / {b.observed:.2f} (n={b.n})"
                if b.mean_predicted is not None and b.observed is not None
                else "-"
            )
            row[name] = shown
        rows.append(row)
    return rows


def cutoff_rows(result: BacktestResult) -> list[dict[str, object]]:
    """Per cut-off: services registered, scored, still awaiting a rating, training rows."""
    return [
        {
            "cutoff": c.cutoff.isoformat(),
            "registered": c.registered,
            "scored": c.scored,
            "awaiting_next_rating": c.awaiting,
            "next_worse_than_good": c.worse_than_good,
            "training_rows": c.training_rows,
        }
        for c in result.cutoffs
    ]


def verdict(result: BacktestResult) -> str:
    """Whether the model beats both baselines on average precision, said plainly."""
    mine = result.measures[MODEL]["average_precision"]
    base = result.measures[BASELINE]["average_precision"]
    gain = result.gains.get(MODEL)
    if result.beats_baselines:
        return (
            f"The warning beats both baselines: its average precision {mine.text()} lies above "
            f"the 95% intervals of the last rating ({base.text()}) and of the last rating "
            "plus its age."
        )
    paired = ""
    if gain is not None and gain.low > 0:
        paired = (
            f" Paired on the same resampled services, its gain over the last rating is "
            f"{gain.text()}, an interval above zero, but the target asks for intervals that "
            "do not overlap, and they do."
        )
    over_age = result.gains_over_age.get(MODEL)
    if over_age is not None:
        clear = "above zero" if round(over_age.low, 3) > 0 else "not clear of zero"
        paired += (
            f" Its paired gain over the last rating plus its age is {over_age.text()}, {clear}."
        )
    return (
        f"The warning does NOT beat the baselines with non-overlapping intervals: its average "
        f"precision is {mine.text()} against {base.text()} for the last rating alone."
        f"{paired} What the data allow: the CQC records of a service (its rating history, key "
        "questions, provider, registered manager and re-registrations) say little about its "
        "next rating beyond the last rating and its age."
    )
