"""The brokerage desk the web tool serves: the workflow store and the fit ranking it asks."""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.brokerage.workflow.fit_seam import FitRanker, no_fit_ranking
from caremarket.brokerage.workflow.postgres import WorkflowStore


@dataclass(slots=True)
class Desk:
    """What the brokerage pages and API need: the store, and where a package fits."""

    store: WorkflowStore
    fit: FitRanker = no_fit_ranking

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()
