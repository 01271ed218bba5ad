"""Statistical disclosure control for public editions: small numbers and personal metrics.

The threshold and the rules are declared, dated and referenced in
`caremarket/metrics/data/disclosure.yaml`; nothing here hard-codes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import polars as pl
import yaml

from caremarket.metrics import Metric


@dataclass(frozen=True, slots=True)
class DisclosurePolicy:
    """How a public edition hides figures: the threshold, the marker, and its references."""

    threshold: int
    withhold_personal: bool
    marker: str
    source_date: date
    reference: str
    url: str
    note: str

    def publishable(self, metric: Metric) -> bool:
        """Whether the metric may appear in a public edition at all."""
        return not (self.withhold_personal and metric.personal)

    def hides(self, n: int | None) -> bool:
        """Whether a figure resting on `n` records is suppressed (zero is shown)."""
        return n is not None and 0 < n < self.threshold

    def suppress(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Null the value of every row whose `n` is below the threshold; add `suppressed`."""
        small = pl.col("n").is_not_null() & (pl.col("n") > 0) & (pl.col("n") < self.threshold)
        return frame.with_columns(
            suppressed=small.fill_null(False),
            value=pl.when(small).then(None).otherwise(pl.col("value")),
        )

    def cover_note(self) -> str:
        """What the cover of a public edition says about suppression."""
        return (
            f"Public edition: figures resting on fewer than {self.threshold} people, locations "
            f"or records are suppressed and shown as {self.marker}; figures drawn from the "
            "council's person-level records (spend, people funded, placements, the interim "
            f"care list) are left out. Method: {self.reference}."
        )


@cache
def disclosure_policy() -> DisclosurePolicy:
    """The shipped disclosure policy."""
    text = resources.files("caremarket.metrics").joinpath("data/disclosure.yaml").read_text()
    document: dict[str, Any] = yaml.safe_load(text)
    threshold = document["small_number_threshold"]
    return DisclosurePolicy(
        threshold=int(threshold["value"]),
        withhold_personal=bool(document["withhold_personal_metrics"]["value"]),
        marker=str(document["suppressed_marker"]["value"]),
        source_date=threshold["source_date"],
        reference=threshold["reference"]["title"],
        url=threshold["reference"]["url"],
        note=threshold.get("note", ""),
    )
