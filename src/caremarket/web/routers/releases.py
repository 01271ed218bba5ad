"""/api/v1/releases: what is loaded, with dates and licences.

The council's restricted files (person-level: service agreements, the interim
care list) are listed to council users only: the public and providers never
learn their names or row counts. A demo's synthetic extracts of those templates
are hidden the same way.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from caremarket.domain.release import Licence
from caremarket.domain.tables import PERSONAL_TABLES
from caremarket.ingest.council.templates import TEMPLATES
from caremarket.web.deps import StateDep, ViewerDep
from caremarket.web.params import Limit, Offset
from caremarket.web.responses import JSON, Body, cached, json_bytes, page, records
from caremarket.web.schemas import ReleasePage

router = APIRouter(prefix="/api/v1/releases", tags=["releases"])

_COLUMNS = "release_id, source_id, source_title, publisher, licence, release_date, file_name, rows"
RESTRICTED_LICENCES = [Licence.COUNCIL_RESTRICTED.value]
RESTRICTED_SOURCES = sorted({t.source.id for t in TEMPLATES if t.table in PERSONAL_TABLES})


@router.get("", response_model=ReleasePage, summary="Loaded releases")
async def list_releases(
    request: Request,
    state: StateDep,
    viewer: ViewerDep,
    source_id: Annotated[str | None, Query(max_length=100, description="Only this source.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Every loaded release, newest first: source, publisher, date, licence, file and rows.

    The council's restricted (person-level) files are listed to council users only.
    """
    council = viewer.is_council

    def build() -> Body:
        frame = state.market.query(
            f"SELECT {_COLUMNS} FROM release WHERE (? IS NULL OR source_id = ?) "
            "AND (? OR (licence NOT IN (SELECT unnest(?)) "
            "AND source_id NOT IN (SELECT unnest(?)))) "
            "ORDER BY release_date DESC, source_id",
            [source_id, source_id, council, RESTRICTED_LICENCES, RESTRICTED_SOURCES],
        )
        return Body(json_bytes(page(records(frame), limit, offset)), JSON)

    key = ("releases", council, source_id, limit, offset)
    return await cached(request, state.cache, key, build, private=council)
