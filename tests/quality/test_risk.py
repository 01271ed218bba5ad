"""The warning as at a date: probabilities, three reasons, watch lists by their declared rules."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from caremarket.quality import Histories, NotEnoughHistory, warn, warning_parameters
from caremarket.quality.risk import REASONS

from .conftest import synthetic_rows


def test_warning_ranks_with_reasons(synthetic: Histories) -> None:
    """Every service gets a probability in (0, 1), at most three reasons, ranked highest first."""
    found = warn(synthetic, date(2020, 1, 1), warning_parameters())
    scored = found.scored
    assert scored.height > 100
    assert scored["probability"].is_between(0, 1, closed="none").all()
    assert scored["probability"].to_list() == sorted(scored["probability"].to_list(), reverse=True)
    assert scored["reasons"].list.len().max() <= REASONS  # type: ignore[operator]
    assert scored["reasons"].list.len().min() >= 1  # type: ignore[operator]
    assert found.training_worse_than_good > 0


def test_watch_lists_follow_their_rules(synthetic: Histories) -> None:
    """At most risk is the top tenth; borderline Good are Good; awaiting are overdue."""
    parameters = warning_parameters()
    found = warn(synthetic, date(2020, 1, 1), parameters)
    scored = found.scored
    top = found.watch_list("is_at_most_risk")
    assert top.height == -(-scored.height // 10)
    assert top["probability"].min() >= scored["probability"].sort(descending=True)[top.height]
    good = found.watch_list("is_borderline_good")
    assert (good["current_rating"] == "good").all()
    assert (good["probability"] >= parameters.borderline_good_probability).all()
    assert (found.watch_list("is_awaiting_inspection")["overdue_months"] > 0).all()
    inadequate = found.watch_list("is_borderline_inadequate")
    assert (inadequate["current_rating"] == "requires_improvement").all()


def test_future_ratings_change_no_probability(synthetic: Histories) -> None:
    """A rating and a registered manager's absence dated after the as-of date change no
    probability or reason."""
    ratings, locations = synthetic_rows()
    plant = ratings.with_columns(
        publication_date=pl.lit(date(2020, 1, 2)), rating=pl.lit("inadequate")
    ).unique(["location_id", "key_question"])
    present = locations.with_columns(registered_manager_absent=pl.lit(False))
    absent = locations.with_columns(
        registered_manager_absent=pl.lit(True),
        registered_manager_absent_date=pl.lit(date(2020, 1, 2)),
    )
    from caremarket.quality import prepare

    clean = prepare(ratings, present, None, gap_months=42)
    planted = prepare(pl.concat([ratings, plant]), absent, None, gap_months=42)
    day = date(2020, 1, 1)
    before = warn(clean, day, warning_parameters()).scored.sort("location_id")
    after = warn(planted, day, warning_parameters()).scored.sort("location_id")
    assert before["probability"].to_list() == after["probability"].to_list()
    assert before["reasons"].to_list() == after["reasons"].to_list()


def test_too_little_history_is_said(synthetic: Histories) -> None:
    """Before any outcome is known, the warning says what to load instead of guessing."""
    with pytest.raises(NotEnoughHistory, match="load releases with historic ratings"):
        warn(synthetic, date(2013, 1, 1), warning_parameters())


def test_reasons_read_in_the_councils_words() -> None:
    """Reasons name the feature and its value as a person reads it; unknowns say so."""
    from caremarket.quality.model import reason_text

    assert reason_text("local_assessment_score", 3.0) == "Council's own assessment: Inadequate"
    assert reason_text("is_last_good", 0.0) == "Not last rated Good"
    assert reason_text("is_safe_weaker", 1.0) == "Safe rated below overall"
    assert reason_text("provider_share_worse_than_good", 0.5).endswith(": 50%")
    assert reason_text("beds", float("nan")) == "Beds: unknown"
