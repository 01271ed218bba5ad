"""Pure analytics: registered metrics computed from tables, never from the store.

Importing the package registers every metric (see `registry.METRICS`).
"""

from caremarket.metrics import (
    change,
    demand,
    finance,
    outcomes,
    quality,
    supply,
    waiting,
    workforce,
)
from caremarket.metrics.registry import METRICS, Input, Level, Metric, Theme, Unit, get_metric

__all__ = [
    "METRICS",
    "Input",
    "Level",
    "Metric",
    "Theme",
    "Unit",
    "change",
    "demand",
    "finance",
    "get_metric",
    "outcomes",
    "quality",
    "supply",
    "waiting",
    "workforce",
]
