"""A request's lifecycle as a declared state machine: states, actions, who may act.

draft -> open -> offered -> awarded -> started; withdrawn; handed back -> reopened
(open again). Every change is a `Transition` saying who, when and why; an action
the state does not allow is an `InvalidTransition` naming both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from caremarket.brokerage.workflow.refusal import WorkflowError


class State(StrEnum):
    """Where a request stands."""

    DRAFT = "draft"
    OPEN = "open"
    OFFERED = "offered"
    AWARDED = "awarded"
    STARTED = "started"
    WITHDRAWN = "withdrawn"
    HANDED_BACK = "handed_back"


class Action(StrEnum):
    """What someone does to a request."""

    PUBLISH = "publish"
    OFFER = "offer"
    AWARD = "award"
    START = "start"
    WITHDRAW = "withdraw"
    HAND_BACK = "hand_back"
    REOPEN = "reopen"


class Party(StrEnum):
    """Who acts: the council's brokers or a provider."""

    BROKER = "broker"
    PROVIDER = "provider"


@dataclass(frozen=True, slots=True)
class Rule:
    """One allowed change: from a state, by an action, to a state, by whom."""

    source: State
    action: Action
    target: State
    parties: frozenset[Party]


_B: Final = frozenset({Party.BROKER})
_P: Final = frozenset({Party.PROVIDER})
_BP: Final = frozenset({Party.BROKER, Party.PROVIDER})

RULES: Final[tuple[Rule, ...]] = (
    Rule(State.DRAFT, Action.PUBLISH, State.OPEN, _B),
    Rule(State.OPEN, Action.OFFER, State.OFFERED, _P),
    Rule(State.OFFERED, Action.OFFER, State.OFFERED, _P),
    Rule(State.OFFERED, Action.AWARD, State.AWARDED, _B),
    Rule(State.AWARDED, Action.START, State.STARTED, _BP),
    Rule(State.DRAFT, Action.WITHDRAW, State.WITHDRAWN, _B),
    Rule(State.OPEN, Action.WITHDRAW, State.WITHDRAWN, _B),
    Rule(State.OFFERED, Action.WITHDRAW, State.WITHDRAWN, _B),
    Rule(State.AWARDED, Action.HAND_BACK, State.HANDED_BACK, _P),
    Rule(State.STARTED, Action.HAND_BACK, State.HANDED_BACK, _P),
    Rule(State.HANDED_BACK, Action.REOPEN, State.OPEN, _B),
)
"""Every allowed change; anything else is refused."""

_BY_SOURCE: Final[dict[tuple[State, Action], Rule]] = {(r.source, r.action): r for r in RULES}

_WHY: Final[dict[State, str]] = {
    State.DRAFT: "it is still a draft: publish it first",
    State.OPEN: "it has no offer yet",
    State.OFFERED: "it is waiting for the broker to award one of its offers",
    State.AWARDED: "it is already awarded",
    State.STARTED: "its care has already started",
    State.WITHDRAWN: "it was withdrawn",
    State.HANDED_BACK: "it was handed back: reopen it first",
}


class InvalidTransition(WorkflowError):
    """An action the request's state (or the actor's party) does not allow."""

    def __init__(self, request_id: int | None, state: State, action: Action, why: str) -> None:
        self.request_id = request_id
        self.state = state
        self.action = action
        which = f"request {request_id}" if request_id is not None else "the request"
        super().__init__(f"cannot {action.value.replace('_', ' ')} {which}: {why}")


@dataclass(frozen=True, slots=True)
class Actor:
    """Someone acting: a broker, or a provider (with its CQC provider id)."""

    name: str
    party: Party
    provider_id: str | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """One change of a request's state: who, when, why."""

    request_id: int | None
    source: State
    action: Action
    target: State
    actor: Actor
    at: datetime
    why: str


def allowed(state: State) -> tuple[Action, ...]:
    """The actions a request in this state allows."""
    return tuple(r.action for r in RULES if r.source is state)


def transition(
    request_id: int | None,
    state: State,
    action: Action,
    actor: Actor,
    at: datetime,
    why: str = "",
) -> Transition:
    """The change `action` makes to a request in `state`, or InvalidTransition saying why not."""
    rule = _BY_SOURCE.get((state, action))
    if rule is None:
        raise InvalidTransition(request_id, state, action, _WHY[state])
    if actor.party not in rule.parties:
        only = " or ".join(sorted(p.value + "s" for p in rule.parties))
        raise InvalidTransition(request_id, state, action, f"only {only} may do that")
    return Transition(request_id, state, action, rule.target, actor, at, why)
