"""Every adapter caremarket has, in the order they are asked to recognise a file."""

from __future__ import annotations

from caremarket.ingest.adapter import Adapter, JsonAdapter
from caremarket.ingest.cqc.ratings import LatestRatingsAdapter

TABULAR_ADAPTERS: list[Adapter] = [
    LatestRatingsAdapter(),
]
JSON_ADAPTERS: list[JsonAdapter] = []
