"""Every adapter caremarket has, in the order they are asked to recognise a file."""

from __future__ import annotations

from caremarket.ingest.adapter import Adapter, JsonAdapter
from caremarket.ingest.cqc.api import CqcApiAdapter
from caremarket.ingest.cqc.directory import CqcDirectoryAdapter
from caremarket.ingest.cqc.hsca import HscaActiveLocationsAdapter
from caremarket.ingest.cqc.ratings import LatestRatingsAdapter

TABULAR_ADAPTERS: list[Adapter] = [
    HscaActiveLocationsAdapter(),
    LatestRatingsAdapter(),
    CqcApiAdapter(),
    CqcDirectoryAdapter(),
]
JSON_ADAPTERS: list[JsonAdapter] = [CqcApiAdapter()]
