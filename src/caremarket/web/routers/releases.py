"""/api/v1/releases: what is loaded, with dates and licences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from caremarket.web.deps import StateDep
from caremarket.web.params import Limit, Offset
from caremarket.web.responses import JSON, Body, cached, json_bytes, page, records
from caremarket.web.schemas import ReleasePage

router = APIRouter(prefix="/api/v1/releases", tags=["releases"])

_COLUMNS = "release_id, source_id, source_title, publisher, licence, release_date, file_name, rows"


@router.get("", response_model=ReleasePage, summary="Loaded releases")
async def list_releases(
    request: Request,
    state: StateDep,
    source_id: Annotated[str | None, Query(max_length=100, description="Only this source.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Every loaded release, newest first: source, publisher, date, licence, file and rows."""

    def build() -> Body:
        frame = state.market.query(
            f"SELECT {_COLUMNS} FROM release WHERE ? IS NULL OR source_id = ? "
            "ORDER BY release_date DESC, source_id",
            [source_id, source_id],
        )
        return Body(json_bytes(page(records(frame), limit, offset)), JSON)

    return await cached(request, state.cache, ("releases", source_id, limit, offset), build)
