"""The backtest: learns only from outcomes known at each cut-off, never from a scored location."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from caremarket.quality import Histories, run_backtest, warning_parameters
from caremarket.quality.backtest import FOLDS, add_months, fold_of, month_steps, training_rows
from caremarket.quality.summary import measure_rows, reliability_rows, verdict


def test_training_rows_were_known_at_the_cutoff(synthetic: Histories) -> None:
    """Every training outcome was published on or before the cut-off, after its own cut-off."""
    cutoff = date(2018, 1, 1)
    rows = training_rows(synthetic, cutoff, warning_parameters())
    assert rows.height > 100
    assert rows["next_date"].max() <= cutoff  # type: ignore[operator]
    assert (rows["next_date"] > rows["cutoff"]).all()
    assert rows["cutoff"].max() < cutoff  # type: ignore[operator]


def test_folds_are_stable_and_spread() -> None:
    """A location's fold never changes, and ids spread over every fold."""
    ids = [f"1-{n}" for n in range(500)]
    assert [fold_of(i) for i in ids] == [fold_of(i) for i in ids]
    assert {fold_of(i) for i in ids} == set(range(FOLDS))


def test_backtest_scores_each_service_once_per_cutoff(synthetic: Histories) -> None:
    """Each scored (location, cut-off) appears once, all scorers side by side, baselines first."""
    cutoffs = [date(2017, 1, 1), date(2018, 1, 1)]
    result = run_backtest(synthetic, cutoffs, warning_parameters(), replicates=50)
    predictions = result.predictions
    assert predictions.height == predictions.unique(["location_id", "cutoff"]).height
    assert list(result.measures) == ["last rating", "last rating + age", "logistic"]
    scored = sum(c.scored for c in result.cutoffs)
    assert predictions.height == scored
    for c in result.cutoffs:
        assert c.scored + c.awaiting == c.registered
    for found in result.measures.values():
        auc = found["roc_auc"]
        assert auc.low <= auc.value <= auc.high
    assert result.measures["logistic"]["roc_auc"].value > 0.55  # the planted pattern is found
    assert len(measure_rows(result.measures, result.gains)) == 3
    assert len(reliability_rows(result)) == 10
    assert "baselines" in verdict(result)


def test_no_outcome_to_learn_from_is_a_clear_error(synthetic: Histories) -> None:
    """Cut-offs before any outcome was known give a ValueError saying so."""
    with pytest.raises(ValueError, match="no cut-off"):
        run_backtest(synthetic, [date(2013, 1, 1)], warning_parameters(), replicates=10)


def test_month_arithmetic() -> None:
    """Months step to the same day, clipped to the month's end."""
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert month_steps(date(2017, 1, 1), date(2018, 1, 1), 6) == [
        date(2017, 1, 1),
        date(2017, 7, 1),
        date(2018, 1, 1),
    ]
    assert pl.Series(month_steps(date(2017, 1, 1), date(2016, 1, 1), 6)).is_empty()


def test_measures_match_scikit_learn() -> None:
    """The fast ROC AUC and average precision equal scikit-learn's on tied scores."""
    import numpy as np
    from sklearn.metrics import average_precision_score, roc_auc_score

    from caremarket.quality.evaluation import average_precision, roc_auc

    rng = np.random.default_rng(3)
    y = (rng.random(300) < 0.3).astype(np.float64)
    score = np.round(rng.random(300) + 0.3 * y, 1)
    assert roc_auc(y, score) == pytest.approx(roc_auc_score(y, score))
    assert average_precision(y, score) == pytest.approx(average_precision_score(y, score))
