"""The registry: every metric declared once, named after its function, computable."""

from __future__ import annotations

import pytest

from caremarket.metrics import METRICS, Input, Level, Theme, get_metric
from caremarket.metrics.inputs import INPUT_FIELDS


def test_the_issue_s_metrics_are_all_registered() -> None:
    """The figures an MPS shows each have a registered metric."""
    wanted = {
        "spend_in_year", "people_funded", "accredited_locations", "accredited_beds",
        "pct_good_or_outstanding", "pct_good_or_outstanding_local", "council_share_of_beds",
        "direct_payment_share_of_spend", "beds_per_1000_aged_75_plus", "providers",
        "locations", "beds", "hours_commissioned_per_week", "openings", "closures",
        "beds_gained", "beds_lost", "people_waiting", "hours_waiting", "median_days_waiting",
        "p90_days_waiting", "share_of_hours_waiting", "jobs", "leavers_per_year", "vacancies",
        "zero_hours_share", "may_retire_within_10_years", "self_funder_spend_estimate",
        "quality_rank_among_comparators", "population_aged_65_plus", "population_aged_85_plus",
        "growth_aged_65_plus", "growth_aged_85_plus", "people_with_dementia_65_plus",
        "people_needing_care_65_plus",
    }  # fmt: skip
    assert wanted <= set(METRICS)


def test_every_metric_is_fully_declared() -> None:
    """Each metric has a label, a description, at least one level and known inputs."""
    for name, metric in METRICS.items():
        assert metric.name == name
        assert metric.label and metric.description, name
        assert metric.levels and metric.inputs, name
        assert all(i.value in INPUT_FIELDS for i in metric.inputs)
        assert isinstance(metric.theme, Theme)


def test_personal_metrics_are_those_fed_by_person_level_tables() -> None:
    """A metric is personal exactly when an input holds rows about people."""
    assert get_metric("people_waiting").personal
    assert get_metric("spend_in_year").personal
    assert not get_metric("beds").personal
    assert not any(i.personal for i in get_metric("jobs").inputs)
    assert Input.INTERIM_CARE.personal and not Input.LOCATIONS.personal


def test_unknown_metric_names_the_known_ones() -> None:
    """Asking for a metric that does not exist lists those that do."""
    with pytest.raises(KeyError, match="pct_good_or_outstanding"):
        get_metric("pct_good")


def test_a_level_the_metric_lacks_is_refused(make_inputs) -> None:  # type: ignore[no-untyped-def]
    """Workforce figures come by council only; asking by district is an error."""
    with pytest.raises(ValueError, match="not by district"):
        get_metric("jobs")(make_inputs(), Level.DISTRICT)
