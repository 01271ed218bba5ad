"""Who is asked: the principal first and alone, then the district's providers, then everyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from caremarket.brokerage.workflow.need import Urgency
from caremarket.brokerage.workflow.who_is_asked import (
    Opening,
    Reach,
    Tier,
    asking_policy,
    is_asked,
    principal_within_share,
)

OPENED = datetime(2026, 11, 2, 9, tzinfo=UTC)
POLICY = asking_policy()
PRINCIPAL = Reach("1-1", True, frozenset({"NR1"}), {})
LOCAL = Reach("1-2", True, frozenset({"NR1"}), {"NR1": 10.0})
LOCAL_FULL = Reach("1-3", True, frozenset({"NR1"}), {"NR1": 0.0})
FAR = Reach("1-4", True, frozenset({"PE30"}), {"PE30": 20.0})
OFF_FRAMEWORK = Reach("1-5", False, frozenset({"NR1"}), {"NR1": 5.0})


def _opening(urgency: Urgency = Urgency.ROUTINE, within: bool = True) -> Opening:
    return Opening("NR1", urgency, OPENED, "1-1", within)


def test_principal_alone_during_first_refusal() -> None:
    """For the first 48 hours of a routine request only the zone's principal is asked."""
    at = OPENED + timedelta(hours=47)
    assert is_asked(PRINCIPAL, _opening(), at, POLICY) is Tier.PRINCIPAL
    assert [is_asked(r, _opening(), at, POLICY) for r in (LOCAL, FAR, OFF_FRAMEWORK)] == [None] * 3


def test_then_district_with_capacity_then_framework() -> None:
    """After 48 h providers serving the district with spare hours; after 72 h all the framework."""
    at = OPENED + timedelta(hours=48)
    assert is_asked(LOCAL, _opening(), at, POLICY) is Tier.DISTRICT
    assert is_asked(LOCAL_FULL, _opening(), at, POLICY) is None
    later = OPENED + timedelta(hours=72)
    assert is_asked(FAR, _opening(), later, POLICY) is Tier.FRAMEWORK
    assert is_asked(LOCAL_FULL, _opening(), later, POLICY) is Tier.FRAMEWORK
    assert is_asked(OFF_FRAMEWORK, _opening(), later + timedelta(days=30), POLICY) is None


def test_hospital_discharge_waits_hours_not_days() -> None:
    """A hospital discharge reaches the district's providers after 4 hours."""
    at = OPENED + timedelta(hours=4)
    assert is_asked(LOCAL, _opening(Urgency.HOSPITAL_DISCHARGE), at, POLICY) is Tier.DISTRICT


def test_principal_over_its_share_has_no_first_refusal() -> None:
    """A principal already over its share of the zone is not asked first: the district is."""
    assert not principal_within_share(80, 100, 0.7)
    assert principal_within_share(60, 100, 0.7)
    opening = _opening(within=False)
    assert is_asked(LOCAL, opening, OPENED, POLICY) is Tier.DISTRICT
    assert is_asked(PRINCIPAL, opening, OPENED, POLICY) is None


def test_last_resort_only_after_the_whole_framework_had_its_window() -> None:
    """The council's own service is asked only once first refusal, district and framework
    windows have all passed (routine 48 + 24 + 72 hours; a hospital discharge 4 + 2 + 8)."""
    council_service = Reach("council", False, frozenset({"NR1"}), {"NR1": 50.0}, last_resort=True)
    routine = OPENED + timedelta(hours=48 + 24 + 72)
    assert is_asked(council_service, _opening(), routine - timedelta(minutes=1), POLICY) is None
    assert is_asked(council_service, _opening(), routine, POLICY) is Tier.LAST_RESORT
    discharge = _opening(Urgency.HOSPITAL_DISCHARGE)
    assert is_asked(council_service, discharge, OPENED + timedelta(hours=13), POLICY) is None
    assert is_asked(council_service, discharge, OPENED + timedelta(hours=14), POLICY) is (
        Tier.LAST_RESORT
    )
    no_principal = _opening(within=False)
    assert is_asked(council_service, no_principal, OPENED + timedelta(hours=96), POLICY) is (
        Tier.LAST_RESORT
    )
