"""The brokerage desk's fit ranking: branch rounds planned once, each request ranked against them.

Planning every home-care branch's typical day from its running service
agreements takes tens of seconds, so the web tool does it once, in the
background, when it starts; until it is ready, a request's page says the ranking
is being prepared (never a ranking made up meanwhile). A request's visit pattern
becomes the calls the ranking fits into those rounds; a request without a pattern
is read as calls every day in the declared bands (brokerage/data/fit.yaml).
Providers are ranked by their best branch.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from caremarket.brokerage.fit import (
    Fit,
    FitParameters,
    FitRequest,
    ProviderRounds,
    RequestCall,
    daily_calls,
    fit_parameters,
    hard_to_serve,
    rank,
)
from caremarket.brokerage.workflow.fit_seam import FitAnswer, FitQuestion, ProviderFit
from caremarket.brokerage.workflow.need import DAYS
from caremarket.package_fit import CouncilFit, council_rounds

_LOG = logging.getLogger(__name__)

ANSWERS_KEPT = 10_000
"""Requests whose ranking is kept (a request's ranking changes only with its need)."""


@dataclass(frozen=True)
class PreparedRounds:
    """What every ranking reads: the council's branches, their rounds, travel between districts."""

    found: CouncilFit
    rounds: tuple[ProviderRounds, ...]
    parameters: FitParameters
    planned_at: datetime


def skill_of(word: str) -> str:
    """A request's skill in the planner's words ("Dementia care" -> "dementia_care")."""
    return "_".join(word.strip().lower().replace("-", " ").split())


def request_calls(
    question: FitQuestion, parameters: FitParameters
) -> tuple[tuple[RequestCall, ...], list[str]]:
    """The request's calls in a week, and notes on what the ranking could not take into account."""
    known = parameters.branch_skills
    wanted = {skill_of(s) for s in question.skills}
    skills = frozenset({"personal_care"} | (wanted & known))
    notes = []
    if wanted - known:
        notes.append(
            "skills no branch record states were not checked: "
            + ", ".join(sorted(s.replace("_", " ") for s in wanted - known))
        )
    if not question.visits:
        notes.append(
            "no visit pattern given: read as calls every day in the usual bands for "
            f"{question.hours_per_week:g} hours a week"
        )
        return daily_calls(question.hours_per_week, parameters, skills), notes
    calls = []
    named: dict[str, int] = {}
    for visit in question.visits:
        band = visit.time_of_day.value
        if band not in parameters.call_bands:
            notes.append(f"{band} visits are not part of home-care rounds and were left out")
            continue
        named[band] = named.get(band, 0) + 1
        earliest, latest = parameters.call_bands[band]
        calls.append(
            RequestCall(
                band if named[band] == 1 else f"{band}-{named[band]}",
                earliest,
                latest,
                float(visit.minutes),
                frozenset(DAYS.index(d) for d in visit.days),
                2 if visit.double_handed else 1,
                skills,
            )
        )
    return tuple(calls), notes


def _provider_fit(fit: Fit) -> ProviderFit:
    if fit.extra_travel_minutes_per_week is None:
        note = fit.uncovered[0].reason if fit.uncovered else "not tried"
    elif fit.uncovered:
        calls = "1 call does" if len(fit.uncovered) == 1 else f"{len(fit.uncovered)} calls do"
        note = f"{calls} not fit: {fit.uncovered[0].reason}"
    elif not fit.within_threshold:
        note = "fits, at more travel per contact hour than the hard-to-serve threshold"
    else:
        note = "fits"
    return ProviderFit(
        fit.provider_id,
        fit.extra_travel_minutes_per_week,
        fit.extra_minutes_per_week,
        note,
        name=fit.name,
        within_threshold=fit.within_threshold,
        extra_travel_minutes_per_contact_hour=fit.extra_travel_minutes_per_contact_hour,
    )


def answer(question: FitQuestion, prepared: PreparedRounds) -> FitAnswer:
    """Providers best fit first (each by its best branch); whether the request is hard to serve."""
    district = question.postcode_district.upper()
    as_of = prepared.found.as_of.isoformat()
    if not prepared.rounds:
        return FitAnswer(
            (),
            None,
            f"no home-care branch runs packages from the council's service agreements on "
            f"{as_of}: load them with `caremarket ingest-council` to rank providers",
        )
    if not prepared.found.travel.knows(district):
        return FitAnswer(
            (), None, f"postcode district {district} has no postcodes of the council's area"
        )
    calls, notes = request_calls(question, prepared.parameters)
    if not calls:
        return FitAnswer((), None, "; ".join(notes))
    wanted = set(question.provider_ids)
    rounds = [
        r
        for r in prepared.rounds
        if not wanted or r.provider_id in wanted or r.branch.location_id in wanted
    ]
    if not rounds:
        return FitAnswer(
            (), None, f"none of the providers asked runs home-care packages on {as_of}"
        )
    request = FitRequest(str(question.request_id), district, calls)
    fits = rank(request, rounds, prepared.found.travel, prepared.parameters)
    best: dict[str, Fit] = {}
    for fit in fits:  # best first: a provider's first fit is its best branch
        best.setdefault(fit.provider_id, fit)
    threshold = prepared.parameters.hard_to_serve_minutes_per_contact_hour
    reason = (
        f"{len(rounds)} branches' rounds on {as_of}, planned from their running service "
        f"agreements at {prepared.planned_at:%H:%M}; hard to serve when no branch takes the "
        f"whole week within {threshold:g} travel minutes per contact hour"
    )
    return FitAnswer(
        tuple(_provider_fit(f) for f in best.values()),
        hard_to_serve(fits),
        "; ".join([reason, *notes]),
    )


class BackgroundFitRanker:
    """A `FitRanker` whose rounds are planned in a background thread by `prepare`.

    Rankings asked for by `peek` and not yet known are worked out one at a time by
    another background thread, so a page listing many requests never waits for them.
    """

    def __init__(self, prepare: Callable[[], PreparedRounds]) -> None:
        self._prepare = prepare
        self._lock = threading.Lock()
        self._prepared: PreparedRounds | None = None
        self._failed: str | None = None
        self._started = datetime.now()
        self._answers: OrderedDict[FitQuestion, FitAnswer] = OrderedDict()
        self._asked: queue.SimpleQueue[FitQuestion] = queue.SimpleQueue()
        self._pending: set[FitQuestion] = set()
        self._thread = threading.Thread(target=self._run, name="fit-rounds", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            prepared = self._prepare()
        except Exception as error:
            _LOG.exception("planning the branches' rounds for the fit ranking failed")
            with self._lock:
                self._failed = f"the branches' rounds could not be planned ({type(error).__name__})"
            return
        with self._lock:
            self._prepared = prepared
        while True:  # then work out what pages peeked at
            question = self._asked.get()
            try:
                self(question)
            except Exception:
                _LOG.exception("ranking request %s failed", question.request_id)
            with self._lock:
                self._pending.discard(question)

    def wait(self, seconds: float | None = None) -> bool:
        """Wait for the rounds to be planned (or to fail); whether they are."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while True:
            with self._lock:
                if self._prepared is not None or self._failed is not None:
                    return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def _known(self, question: FitQuestion) -> FitAnswer | None:
        with self._lock:
            if self._failed is not None:
                return FitAnswer((), None, self._failed)
            if self._prepared is None:
                return FitAnswer(
                    (),
                    None,
                    "the branches' rounds are being planned from their running service "
                    f"agreements (started {self._started:%H:%M}, about a minute): reload the "
                    "page shortly",
                )
            kept = self._answers.get(question)
            if kept is not None:
                self._answers.move_to_end(question)
            return kept

    def peek(self, question: FitQuestion) -> FitAnswer | None:
        """The ranking if known (or why there is none yet); else None, and it is worked out."""
        known = self._known(question)
        if known is None:
            with self._lock:
                if question not in self._pending:
                    self._pending.add(question)
                    self._asked.put(question)
        return known

    def __call__(self, question: FitQuestion) -> FitAnswer:
        """The ranking for one request, or why there is none yet."""
        known = self._known(question)
        if known is not None:
            return known
        with self._lock:
            prepared = self._prepared
        assert prepared is not None  # _known answered otherwise
        found = answer(question, prepared)
        with self._lock:
            self._answers[question] = found
            while len(self._answers) > ANSWERS_KEPT:
                self._answers.popitem(last=False)
        return found


def prepare_rounds(
    read: Callable[[], CouncilFit], parameters: FitParameters | None = None, seed: int = 0
) -> PreparedRounds:
    """Read the council's branches and plan their rounds (the slow part)."""
    p = parameters or fit_parameters()
    found = read()
    rounds: Sequence[ProviderRounds] = council_rounds(found, p, seed)
    return PreparedRounds(found, tuple(rounds), p, datetime.now())
