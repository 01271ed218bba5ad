"""The request lifecycle: declared changes only, by the right party, with who/when/why."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caremarket.brokerage.workflow.lifecycle import (
    RULES,
    Action,
    Actor,
    InvalidTransition,
    Party,
    State,
    allowed,
    transition,
)

AT = datetime(2026, 11, 2, 9, tzinfo=UTC)
BROKER = Actor("b", Party.BROKER)
PROVIDER = Actor("p", Party.PROVIDER, "1-100")


def test_happy_path_reaches_started_and_back() -> None:
    """draft -> open -> offered -> awarded -> handed back -> open -> ... -> started is allowed."""
    steps = [
        (Action.PUBLISH, BROKER, State.OPEN),
        (Action.OFFER, PROVIDER, State.OFFERED),
        (Action.AWARD, BROKER, State.AWARDED),
        (Action.HAND_BACK, PROVIDER, State.HANDED_BACK),
        (Action.REOPEN, BROKER, State.OPEN),
        (Action.OFFER, PROVIDER, State.OFFERED),
        (Action.AWARD, BROKER, State.AWARDED),
        (Action.START, PROVIDER, State.STARTED),
    ]
    state = State.DRAFT
    for action, actor, expected in steps:
        change = transition(7, state, action, actor, AT, "why")
        assert (change.target, change.actor, change.at, change.why) == (expected, actor, AT, "why")
        state = change.target


def test_offer_on_withdrawn_request_says_so() -> None:
    """An offer on a withdrawn request is refused, naming the request and why."""
    with pytest.raises(InvalidTransition, match="cannot offer request 3: it was withdrawn"):
        transition(3, State.WITHDRAWN, Action.OFFER, PROVIDER, AT)


def test_award_twice_is_refused() -> None:
    """An awarded request cannot be awarded again."""
    with pytest.raises(InvalidTransition, match="already awarded"):
        transition(3, State.AWARDED, Action.AWARD, BROKER, AT)


def test_wrong_party_is_refused() -> None:
    """A provider cannot award, and a broker cannot offer."""
    with pytest.raises(InvalidTransition, match="only brokers"):
        transition(1, State.OFFERED, Action.AWARD, PROVIDER, AT)
    with pytest.raises(InvalidTransition, match="only providers"):
        transition(1, State.OPEN, Action.OFFER, BROKER, AT)


@pytest.mark.parametrize("state", list(State))
def test_every_state_refuses_what_it_does_not_allow(state: State) -> None:
    """Every (state, action) pair not declared is refused; every declared one is allowed."""
    for action in Action:
        rule = next((r for r in RULES if r.source is state and r.action is action), None)
        actor = BROKER if rule is None or Party.BROKER in rule.parties else PROVIDER
        if rule is None:
            with pytest.raises(InvalidTransition):
                transition(1, state, action, actor, AT)
        else:
            assert transition(1, state, action, actor, AT).target is rule.target
            assert action in allowed(state)


def test_withdrawn_and_started_end_the_line() -> None:
    """Nothing leaves withdrawn; only a hand-back leaves started."""
    assert allowed(State.WITHDRAWN) == ()
    assert allowed(State.STARTED) == (Action.HAND_BACK,)
