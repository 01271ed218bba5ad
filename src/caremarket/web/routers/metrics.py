"""/api/v1/metrics: the catalogue, one metric's rows by area/sector/client group/date, trends."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from caremarket.domain.sector import Sector
from caremarket.metrics import Metric
from caremarket.web.accounts.account_store import AuditEvent
from caremarket.web.deps import StateDep, ViewerDep
from caremarket.web.disclosure import for_viewer, visible_metrics
from caremarket.web.market import NoRelease
from caremarket.web.params import (
    ALL,
    AnyClientGroupQ,
    AnySectorQ,
    AreaLevel,
    AsOf,
    ClientGroupQ,
    LevelQ,
    Limit,
    Offset,
    SectorQ,
)
from caremarket.web.responses import (
    CSV,
    JSON,
    Body,
    cached,
    csv_bytes,
    json_bytes,
    page,
    records,
    send,
)
from caremarket.web.schemas import MetricList, MetricPage, Trend
from caremarket.web.state import AppState
from caremarket.web.viewer import Viewer

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])

ROW_COLUMNS = [
    "area_code",
    "area_name",
    "sector",
    "client_group",
    "period",
    "value",
    "n",
    "suppressed",
]


class Format(StrEnum):
    """Response formats for downloads."""

    JSON = "json"
    CSV = "csv"


def describe(metric: Metric) -> dict[str, Any]:
    """A metric's catalogue entry."""
    return {
        "name": metric.name,
        "label": metric.label,
        "unit": metric.unit.value,
        "theme": metric.theme.value,
        "levels": [lvl.value for lvl in metric.levels],
        "description": metric.description,
        "personal": metric.personal,
    }


def visible(viewer: Viewer, name: str) -> Metric:
    """The metric if the viewer may see it (404 if unknown, 403 if personal)."""
    from caremarket.metrics import METRICS

    found = METRICS.get(name)
    if found is None:
        raise HTTPException(404, f"no metric {name!r}: see /api/v1/metrics")
    if name not in visible_metrics(viewer):
        raise HTTPException(403, f"metric {name!r} describes individual people: council users only")
    return found


def audit_personal(state: AppState, viewer: Viewer, what: str, **detail: Any) -> None:
    """Record a view of personal data in the audit log."""
    if state.accounts is not None:
        state.accounts.audit(AuditEvent.PERSONAL_DATA_VIEWED, viewer, {"what": what, **detail})


def metric_frame(
    state: AppState,
    viewer: Viewer,
    metric: Metric,
    level: AreaLevel,
    as_of: date | None,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """A metric's rows at a level as the viewer may see them, with provenance."""
    if level.level not in metric.levels:
        offered = ", ".join(lvl.value for lvl in metric.levels)
        raise HTTPException(422, f"metric {metric.name!r} is given by {offered}, not {level}")
    try:
        result = state.market.result(metric.name, level.level, as_of)
    except NoRelease as error:
        raise HTTPException(404, str(error)) from None
    frame = for_viewer(result.frame, viewer, state.settings.small_number_threshold)
    facts = state.market.snapshot(as_of).gathered.inputs.facts
    untold = {
        sector.value: reason
        for sector in Sector
        if (reason := metric.unknown_in(facts, sector.value)) is not None
    }
    meta = {
        "metric": describe(metric),
        "level": level.value,
        "as_of": state.market.resolve(as_of).isoformat(),
        "missing": list(result.missing),
        "not_known": untold,
        "releases": [
            {
                k: getattr(r, k)
                for k in (
                    "purpose",
                    "release_id",
                    "source_title",
                    "release_date",
                    "licence",
                    "file_name",
                )
            }
            for r in result.releases
        ],
    }
    return frame, meta


@router.get("", response_model=MetricList, summary="The metrics you may see")
async def list_metrics(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    """Every metric the viewer may see, with label, unit, theme, levels and description."""
    key = ("metrics", viewer.is_council)
    body = state.cache.get(
        key,
        lambda: Body(
            json_bytes({"items": [describe(m) for m in visible_metrics(viewer).values()]}), JSON
        ),
    )
    return send(request, body)


@router.get(
    "/{name}",
    response_model=MetricPage,
    summary="One metric by area, sector, client group and date",
    responses={200: {"content": {"text/csv": {}}}},
)
async def metric_rows(
    request: Request,
    state: StateDep,
    viewer: ViewerDep,
    name: str,
    level: LevelQ = AreaLevel.COUNCIL,
    area: Annotated[str | None, Query(max_length=100, description="Only this area code.")] = None,
    sector: AnySectorQ = None,
    client_group: AnyClientGroupQ = None,
    as_of: AsOf = None,
    limit: Limit = 100,
    offset: Offset = 0,
    format: Annotated[Format, Query(description="json or csv (csv: every row)")] = Format.JSON,
) -> Response:
    """The rows of one metric: value, n (what it counts) and whether it is suppressed.

    Public and provider views hide values with 0 < n < the small-number threshold.
    """
    metric = visible(viewer, name)
    if metric.personal:
        await run_in_threadpool(
            audit_personal, state, viewer, "metric", metric=name, level=level.value
        )
    key = (
        "metric",
        viewer.suppressed,
        name,
        level,
        area,
        sector,
        client_group,
        _day(state, as_of),
        limit,
        offset,
        format,
    )

    def build() -> Body:
        frame, meta = metric_frame(state, viewer, metric, level, as_of)
        if area:
            frame = frame.filter(pl.col("area_code") == area)
        if sector is not None:
            frame = frame.filter(pl.col("sector") == sector)
        if client_group is not None:
            frame = frame.filter(pl.col("client_group") == client_group)
        rows = records(frame.select(ROW_COLUMNS))
        if format is Format.CSV:
            return Body(csv_bytes(rows, ROW_COLUMNS), CSV)
        return Body(json_bytes({**meta, **page(rows, limit, offset)}), JSON)

    filename = f"{name}_{level.value}.csv" if format is Format.CSV else None
    return await cached(
        request, state.cache, key, build, private=metric.personal, filename=filename
    )


@router.get("/{name}/trend", response_model=Trend, summary="A metric over every loaded release")
async def metric_trend(
    request: Request,
    state: StateDep,
    viewer: ViewerDep,
    name: str,
    sector: SectorQ = ALL,
    client_group: ClientGroupQ = ALL,
) -> Response:
    """The council-level value at each loaded CQC release date, oldest first."""
    metric = visible(viewer, name)
    if metric.personal:
        await run_in_threadpool(audit_personal, state, viewer, "metric trend", metric=name)
    key = ("trend", viewer.suppressed, name, sector, client_group)

    def build() -> Body:
        points = pl.DataFrame(
            state.market.trend(name, sector, client_group),
            schema={"as_of": pl.String, "value": pl.Float64, "n": pl.Int64},
        )
        shown = for_viewer(points, viewer, state.settings.small_number_threshold)
        payload = {
            "metric": describe(metric),
            "sector": sector,
            "client_group": client_group,
            "items": records(shown),
        }
        return Body(json_bytes(payload), JSON)

    return await cached(request, state.cache, key, build, private=metric.personal)


def _day(state: AppState, as_of: date | None) -> date | None:
    try:
        return state.market.resolve(as_of)
    except NoRelease:
        return None
