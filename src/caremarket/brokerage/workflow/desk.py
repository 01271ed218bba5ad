"""The brokerage desk the web tool serves: the workflow store and the fit ranking it asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caremarket.brokerage.workflow.fit_seam import FitAnswer, FitQuestion, FitRanker, no_fit_ranking
from caremarket.brokerage.workflow.lifecycle import Actor, Party
from caremarket.brokerage.workflow.postgres import WorkflowStore

_FIT = Actor("fit", Party.BROKER)


@dataclass(slots=True)
class Desk:
    """What the brokerage pages and API need: the store, and where a package fits."""

    store: WorkflowStore
    fit: FitRanker = no_fit_ranking

    def question(self, request_id: int) -> FitQuestion:
        """What the fit ranking is asked about a request: its need at district level, and
        the providers to rank (those on the framework and those who offered)."""
        row = self.store.request(request_id, _FIT)
        offered = {o["provider_id"] for o in self.store.offers(request_id, _FIT)}
        framework = {p["provider_id"] for p in self.store.providers() if p["on_framework"]}
        return FitQuestion(
            request_id=request_id,
            postcode_district=row["postcode_district"],
            hours_per_week=float(row["hours_per_week"]),
            visits=tuple(self.store.visits(request_id)),
            skills=tuple(row["skills"]),
            start_by=date.fromisoformat(row["start_by"]) if row["start_by"] else None,
            provider_ids=tuple(sorted(offered | framework)),
        )

    def ranking(self, request_id: int) -> FitAnswer:
        """Where the request's package fits (worked out now if need be); a verdict on
        whether it is hard to serve is recorded on the request."""
        answer = self.fit(self.question(request_id))
        self._record(request_id, answer)
        return answer

    def known_ranking(self, request_id: int) -> FitAnswer | None:
        """Where the request's package fits if already worked out; else None, at once."""
        answer = self.fit.peek(self.question(request_id))
        self._record(request_id, answer)
        return answer

    def _record(self, request_id: int, answer: FitAnswer | None) -> None:
        if answer is not None and answer.hard_to_serve is not None:
            self.store.record_fit(request_id, answer.hard_to_serve)

    def warm(self) -> int:
        """Once the ranker is ready, work out every request in the queue; how many."""
        self.fit.wait(None)
        queue = self.store.queue(limit=100_000)
        for row in queue:
            self.ranking(int(row["request_id"]))
        return len(queue)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()
