"""Dashboards per sector and per locality: MPS figures as charts, the tables behind them,
trends over releases and comparison with the region's councils."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from caremarket.domain.freshness import long_date
from caremarket.domain.sector import Sector
from caremarket.metrics import METRICS, Input, Level
from caremarket.metrics.supply_quality import shown_sectors
from caremarket.web import charts
from caremarket.web.deps import StateDep, ViewerDep
from caremarket.web.disclosure import for_viewer, visible_metrics
from caremarket.web.pages import SECTOR_LABELS, render
from caremarket.web.params import AsOf
from caremarket.web.routers.locations import snapshot
from caremarket.web.routers.metrics import audit_personal
from caremarket.web.state import AppState
from caremarket.web.viewer import Viewer

router = APIRouter(tags=["dashboards"])

# The MPS table columns, in order; a column shows when the viewer may see it and it is loaded.
TABLE_METRICS = (
    "locations",
    "providers",
    "beds",
    "pct_good_or_outstanding",
    "rated_inadequate",
    "openings",
    "closures",
    "beds_gained",
    "beds_lost",
    "beds_per_1000_aged_75_plus",
    "accredited_beds",
    "hours_commissioned_per_week",
    "people_funded",
    "people_waiting",
    "hours_waiting",
    "jobs",
)
TREND_METRICS = ("locations", "beds", "pct_good_or_outstanding")
RATING_METRICS = {
    "outstanding": "rated_outstanding",
    "good": "rated_good",
    "requires_improvement": "rated_requires_improvement",
    "inadequate": "rated_inadequate",
    "not_rated": "not_rated",
}
COMPARATOR_COLUMNS = ("locations", "beds", "pct_good_or_outstanding")


def _cells(
    state: AppState, viewer: Viewer, name: str, level: Level, day: date, keep: pl.Expr
) -> pl.DataFrame | None:
    metric = METRICS[name]
    if name not in visible_metrics(viewer) or level not in metric.levels:
        return None
    result = state.market.result(name, level, day)
    if result.missing:
        return None
    frame = for_viewer(result.frame, viewer, state.settings.small_number_threshold)
    return frame.filter(keep & (pl.col("client_group") == "all")).sort("period")


def _shown(state: AppState, name: str, day: date, sector: str | None) -> bool:
    """Whether a sector's dashboard offers a metric: it describes the sector, and the loaded
    release can tell it there (every metric on a locality's dashboard)."""
    if sector is None:
        return True
    metric = METRICS[name]
    facts = state.market.snapshot(day).gathered.inputs.facts
    return metric.applies_to(sector) and metric.unknown_in(facts, sector) is None


def table(
    state: AppState,
    viewer: Viewer,
    level: Level,
    day: date,
    keep: pl.Expr,
    by: str,
    sector: str | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows by `by` (area_name or sector) with a column per visible, loaded table metric that
    applies to the sector."""
    columns: list[dict[str, Any]] = []
    rows: dict[str, dict[str, Any]] = {}
    for name in TABLE_METRICS:
        if not _shown(state, name, day, sector):
            continue
        cells = _cells(state, viewer, name, level, day, keep)
        if cells is None:
            continue
        metric = METRICS[name]
        columns.append(
            {
                "name": name,
                "label": metric.label,
                "unit": metric.unit.value,
                "personal": metric.personal,
            }
        )
        for cell in cells.unique(by, keep="last").to_dicts():
            row = rows.setdefault(cell[by], {by: cell[by], "area_code": cell["area_code"]})
            row[name] = {"value": cell["value"], "suppressed": cell["suppressed"]}
    return columns, sorted(rows.values(), key=lambda r: str(r[by]))


def dashboard(
    state: AppState,
    viewer: Viewer,
    *,
    sector: str | None,
    locality: str | None,
    as_of: date | None,
) -> dict[str, Any]:
    """Everything a sector's (or a locality's) dashboard shows."""
    day = snapshot(state, as_of).as_of
    if sector is not None:
        keep = pl.col("sector") == sector
        by, level = "area_name", Level.LOCALITY
    else:
        keep = pl.col("area_code") == locality
        by, level = "sector", Level.LOCALITY
    columns, rows = table(state, viewer, level, day, keep, by, sector)
    if locality is not None:
        for row in rows:
            row["label"] = SECTOR_LABELS.get(row["sector"], row["sector"])
    else:
        for row in rows:
            row["label"] = row["area_name"]
    named = {c["name"] for c in columns}
    along = "locality" if sector is not None else "sector"
    bar_charts = [
        charts.bars(
            [{"label": r["label"], "value": r.get(name, {}).get("value")} for r in rows],
            "label",
            METRICS[name],
            f"{METRICS[name].label} by {along}",
        )
        for name in ("beds", "locations", "pct_good_or_outstanding")
        if name in named
    ]
    facts = snapshot(state, day).gathered.inputs.facts
    untold = partial = None
    if sector is not None and sector in Sector.__members__.values() and facts is not None:
        untold = Sector(sector).unknown_in(facts)
        partial = Sector(sector).partial_in(facts)
    context: dict[str, Any] = {
        "as_of": day.isoformat(),
        "as_of_label": long_date(day),
        "untold": untold,
        "partial": partial,
        "columns": columns,
        "rows": rows,
        "bar_charts": bar_charts,
    }
    if sector is not None:
        council = {}
        for rating, name in RATING_METRICS.items():
            cells = _cells(state, viewer, name, Level.COUNCIL, day, keep)
            council[rating] = None if cells is None or cells.is_empty() else cells["value"][-1]
        context["rating_chart"] = charts.ratings(council, "Locations by CQC overall rating")
        context["comparators"] = comparators(state, sector, day)
    where = "" if locality is None else f" in {locality}"
    context["trends"] = [
        charts.trend(
            _trend(state, viewer, name, sector or "all", locality),
            METRICS[name],
            f"{METRICS[name].label}{where} at each release",
        )
        for name in TREND_METRICS
        if _shown(state, name, day, sector)
    ]
    return context


def _trend(
    state: AppState, viewer: Viewer, name: str, sector: str, locality: str | None
) -> list[dict[str, Any]]:
    level = Level.COUNCIL if locality is None else Level.LOCALITY
    points = pl.DataFrame(
        state.market.trend(name, sector, "all", level, locality),
        schema={"as_of": pl.String, "value": pl.Float64, "n": pl.Int64},
    )
    return for_viewer(points, viewer, state.settings.small_number_threshold).to_dicts()


def comparators(state: AppState, sector: str, day: date) -> dict[str, Any]:
    """The sector's figures in every council of the region (when a national release is loaded)."""
    gathered = state.market.snapshot(day).gathered
    national = gathered.inputs.national
    if national is None:
        return {
            "missing": gathered.reasons.get(
                Input.NATIONAL,
                "load a national CQC release to compare with the region's councils",
            ),
            "rows": [],
        }
    wanted = [c for c in COMPARATOR_COLUMNS if c in national.columns]
    rows = (
        national.filter((pl.col("sector") == sector) & (pl.col("client_group") == "all"))
        .select("la_code", "la_name", *wanted)
        .sort("pct_good_or_outstanding", descending=True, nulls_last=True)
        .to_dicts()
    )
    return {
        "missing": None,
        "rows": rows,
        "columns": wanted,
        "labels": {c: METRICS[c].label for c in wanted},
        "council": state.market.council.code,
    }


def _audit_if_personal(state: AppState, viewer: Viewer, data: dict[str, Any], **page: str) -> None:
    """Record the view when the dashboard shows figures drawn from person-level records."""
    if any(c["personal"] for c in data["columns"]):
        audit_personal(state, viewer, "dashboard", **page)


@router.get("/dashboards", response_class=HTMLResponse, include_in_schema=False)
def dashboards_index(request: Request, state: StateDep, viewer: ViewerDep) -> Response:
    """The list of dashboards: one per sector and one per locality."""
    inputs = snapshot(state, None).gathered.inputs
    localities = inputs.districts["locality"].drop_nulls()
    shown = list(Sector) if inputs.facts is None else list(shown_sectors(inputs.facts))
    return render(
        request,
        state,
        viewer,
        "dashboards.html",
        title="Dashboards",
        sectors=shown,
        localities=sorted(localities.unique().to_list()),
    )


@router.get("/dashboards/sector/{sector}", response_class=HTMLResponse, include_in_schema=False)
def sector_dashboard(
    request: Request, state: StateDep, viewer: ViewerDep, sector: str, as_of: AsOf = None
) -> Response:
    """One sector's figures by locality, its ratings, trends and comparators."""
    if sector not in SECTOR_LABELS:
        raise HTTPException(404, f"no sector {sector!r}")
    data = dashboard(state, viewer, sector=sector, locality=None, as_of=as_of)
    _audit_if_personal(state, viewer, data, sector=sector)
    return render(
        request,
        state,
        viewer,
        "dashboard.html",
        title=SECTOR_LABELS[sector],
        data=data,
        sector=sector,
        locality=None,
    )


# `:path`: a locality's name may hold "/" (sent as %2F, which arrives decoded).
@router.get(
    "/dashboards/locality/{locality:path}", response_class=HTMLResponse, include_in_schema=False
)
def locality_dashboard(
    request: Request, state: StateDep, viewer: ViewerDep, locality: str, as_of: AsOf = None
) -> Response:
    """One locality's figures by sector."""
    districts = snapshot(state, as_of).gathered.inputs.districts
    if locality not in districts["locality"].to_list():
        raise HTTPException(404, f"no locality {locality!r}")
    data = dashboard(state, viewer, sector=None, locality=locality, as_of=as_of)
    _audit_if_personal(state, viewer, data, locality=locality)
    return render(
        request,
        state,
        viewer,
        "dashboard.html",
        title=f"{locality} locality",
        data=data,
        sector=None,
        locality=locality,
    )
