"""Disclosure control for figures leaving the council: which metrics, and small numbers."""

from __future__ import annotations

import polars as pl

from caremarket.metrics import METRICS, Metric
from caremarket.web.viewer import Viewer


def visible_metrics(viewer: Viewer) -> dict[str, Metric]:
    """The metrics a viewer may see: personal ones are for the council only."""
    return {n: m for n, m in METRICS.items() if viewer.is_council or not m.personal}


def suppress(frame: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Hide `value` (and `n`) where 0 < n < threshold; add a `suppressed` flag."""
    small = pl.col("n").is_not_null() & (pl.col("n") > 0) & (pl.col("n") < threshold)
    return frame.with_columns(
        value=pl.when(small).then(None).otherwise(pl.col("value")),
        n=pl.when(small).then(None).otherwise(pl.col("n")),
        suppressed=small.fill_null(False),
    )


def for_viewer(frame: pl.DataFrame, viewer: Viewer, threshold: int) -> pl.DataFrame:
    """A metric frame as the viewer may see it."""
    if viewer.suppressed:
        return suppress(frame, threshold)
    return frame.with_columns(suppressed=pl.lit(False))
