"""Disclosure control for figures leaving the council: which metrics, and small numbers."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from caremarket.metrics import METRICS, Metric
from caremarket.report.disclosure import disclosure_policy
from caremarket.web.viewer import Viewer


def visible_metrics(viewer: Viewer) -> dict[str, Metric]:
    """The metrics a viewer may see: personal ones are for the council only."""
    return {n: m for n, m in METRICS.items() if viewer.is_council or not m.personal}


def suppress(frame: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """The published report's suppression (0 < n < threshold), hiding `n` as well as `value`."""
    policy = replace(disclosure_policy(), threshold=threshold)
    return policy.suppress(frame).with_columns(
        n=pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("n"))
    )


def cell(frame: pl.DataFrame, sector: str, client_group: str) -> pl.DataFrame:
    """A metric's rows for one sector and client group.

    A metric that is not broken down by sector (or client group), such as the
    population, gives its totals for any sector (or client group) asked for.
    """
    sectors = set(frame["sector"].unique().to_list())
    groups = set(frame["client_group"].unique().to_list())
    chosen_sector = "all" if sectors == {"all"} else sector
    chosen_group = "all" if groups == {"all"} else client_group
    return frame.filter(
        (pl.col("sector") == chosen_sector) & (pl.col("client_group") == chosen_group)
    )


def for_viewer(frame: pl.DataFrame, viewer: Viewer, threshold: int) -> pl.DataFrame:
    """A metric frame as the viewer may see it."""
    if viewer.suppressed:
        return suppress(frame, threshold)
    return frame.with_columns(suppressed=pl.lit(False))
