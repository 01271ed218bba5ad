"""/api/v1/providers: providers with locations in the council's area."""

from __future__ import annotations

import polars as pl
from fastapi import APIRouter, HTTPException, Request, Response

from caremarket.web.deps import StateDep
from caremarket.web.params import AsOf, Limit, Offset
from caremarket.web.responses import JSON, Body, cached, json_bytes, page, records
from caremarket.web.routers.locations import release_day
from caremarket.web.schemas import ProviderPage, ProviderProfile

router = APIRouter(prefix="/api/v1/providers", tags=["providers"])


def providers(locations: pl.DataFrame) -> pl.DataFrame:
    """One row per provider: id, name, locations and beds in the area."""
    return (
        locations.filter(pl.col("provider_id").is_not_null())
        .group_by("provider_id")
        .agg(
            provider_name=pl.col("provider_name").first(),
            locations=pl.len(),
            beds=pl.col("beds").fill_null(0).sum(),
        )
        .sort("locations", "provider_id", descending=[True, False])
    )


@router.get("", response_model=ProviderPage, summary="Providers, by locations in the area")
async def list_providers(
    request: Request, state: StateDep, as_of: AsOf = None, limit: Limit = 100, offset: Offset = 0
) -> Response:
    """Providers with active locations in the council's area, most locations first."""
    day = release_day(state, as_of)

    def build() -> Body:
        snap = state.market.snapshot(day)
        rows = records(providers(snap.locations))
        return Body(
            json_bytes({"as_of": snap.as_of.isoformat(), **page(rows, limit, offset)}), JSON
        )

    return await cached(request, state.cache, ("providers", day, limit, offset), build)


@router.get("/{provider_id}", response_model=ProviderProfile, summary="A provider's locations")
async def get_provider(
    request: Request, state: StateDep, provider_id: str, as_of: AsOf = None
) -> Response:
    """A provider and its active locations in the council's area."""
    day = release_day(state, as_of)

    def build() -> Body:
        snap = state.market.snapshot(day)
        mine = snap.locations.filter(pl.col("provider_id") == provider_id)
        if mine.is_empty():
            raise HTTPException(404, f"no provider {provider_id!r} with locations in the area")
        payload = {
            "as_of": snap.as_of.isoformat(),
            "provider": records(providers(mine))[0],
            "locations": records(mine),
        }
        return Body(json_bytes(payload), JSON)

    return await cached(request, state.cache, ("provider", provider_id, day), build)
