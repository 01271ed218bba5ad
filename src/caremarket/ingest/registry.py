"""Every adapter caremarket has, in the order they are asked to recognise a file."""

from __future__ import annotations

from caremarket.ingest.adapter import Adapter, JsonAdapter
from caremarket.ingest.cqc.api import CqcApiAdapter
from caremarket.ingest.cqc.directory import CqcDirectoryAdapter
from caremarket.ingest.cqc.hsca import HscaActiveLocationsAdapter
from caremarket.ingest.cqc.ratings import LatestRatingsAdapter
from caremarket.ingest.geo.boundaries import BoundariesAdapter
from caremarket.ingest.geo.localities import LocalitiesAdapter
from caremarket.ingest.geo.postcodes import PostcodeLookupAdapter
from caremarket.ingest.nhs.ascfr_activity import AscfrActivityAdapter
from caremarket.ingest.nhs.ascfr_coded import AscfrCodedAdapter
from caremarket.ingest.nhs.ascof_open_data import AscofOpenDataAdapter
from caremarket.ingest.nhs.ascof_tables import AscofTablesAdapter
from caremarket.ingest.ons.mid_year_estimates import (
    MidYearEstimatesAdapter,
    NomisPopulationAdapter,
)
from caremarket.ingest.ons.snpp import SnppAdapter

TABULAR_ADAPTERS: list[Adapter] = [
    HscaActiveLocationsAdapter(),
    LatestRatingsAdapter(),
    CqcApiAdapter(),
    CqcDirectoryAdapter(),
    MidYearEstimatesAdapter(),
    NomisPopulationAdapter(),
    SnppAdapter(),
    PostcodeLookupAdapter(),
    LocalitiesAdapter(),
    AscofOpenDataAdapter(),
    AscofTablesAdapter(),
    AscfrActivityAdapter(),
    AscfrCodedAdapter(),
]
JSON_ADAPTERS: list[JsonAdapter] = [CqcApiAdapter(), BoundariesAdapter()]
