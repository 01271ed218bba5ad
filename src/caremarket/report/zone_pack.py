"""The tender pack for a zone design: one HTML document (a page per zone, with its map)
and the same as a tagged A4 PDF (WeasyPrint's PDF/UA-1 variant, as the MPS)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2

from caremarket.brokerage.zones.pack import ZoneSheet, pack_parameters
from caremarket.brokerage.zones.rurality import rurality_rule
from caremarket.domain.palette import RATING_SWATCHES
from caremarket.domain.rating import Rating
from caremarket.report import maps
from caremarket.report.charts import RATING_WORDS
from caremarket.report.formatting import long_date
from caremarket.report.model import MapArea, MapPoint, MapSpec, Table
from caremarket.report.pdf import PDF_VARIANT


@dataclass(frozen=True)
class PackDocument:
    """What the pack is about: the council, the design, the date of the demand, the sheets."""

    council: str
    zones: int
    as_of: date
    level: str
    method: str
    max_deviation_pct: float
    sheets: tuple[ZoneSheet, ...]
    branch_positions: dict[str, tuple[float, float]]
    """CQC location id -> (latitude, longitude) of its office."""


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("caremarket.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment


def rating_words(value: str | None) -> str:
    """A rating as CQC writes it; `not known` when the branch has none in the releases."""
    if not value:
        return "not known"
    try:
        return RATING_WORDS[Rating(value)]
    except ValueError:
        return value


def _zone_map(document: PackDocument, sheet: ZoneSheet) -> str:
    """The zone and the zones around it, with the offices of its branches that lie there."""
    from shapely.geometry import box, mapping, shape

    if not sheet.geometry:
        return ""
    here = shape(sheet.geometry)
    minx, miny, maxx, maxy = here.bounds
    # The map frames the zone with a margin; the zones around it are cut to that frame.
    margin = 0.25 * max(maxx - minx, maxy - miny, 0.02)
    minx, miny, maxx, maxy = minx - margin, miny - margin, maxx + margin, maxy + margin
    frame = box(minx, miny, maxx, maxy)
    areas = tuple(
        MapArea(
            code=str(s.zone),
            name=f"Zone {s.zone}",
            geometry=mapping(shape(s.geometry).intersection(frame)),
            value=None,
            text=f"{s.hours_per_week:,.0f} hours a week",
            highlighted=s.zone == sheet.zone,
        )
        for s in document.sheets
        if s.geometry and shape(s.geometry).intersects(frame)
    )
    points = tuple(
        MapPoint(lat, lon, line.name, rating_words(line.rating))
        for line in sheet.providers
        if (position := document.branch_positions.get(line.location_id)) is not None
        for lat, lon in [position]
        if minx <= lon <= maxx and miny <= lat <= maxy
    )
    words = {p.category for p in points}
    categories = tuple(
        (RATING_WORDS[r], RATING_SWATCHES[r].fill) for r in RATING_WORDS if RATING_WORDS[r] in words
    )
    alt = (
        f"Map of zone {sheet.zone} (shaded) and the edges of the zones around it, with the "
        f"offices of {len(points)} of the {len(sheet.providers)} branches serving people "
        "there today that lie on the map, coloured by CQC rating."
    )
    spec = MapSpec(
        key=f"zone-{sheet.zone}",
        title=f"Zone {sheet.zone}",
        alt=alt,
        legend="Branch offices by CQC rating",
        areas=areas,
        points=points,
        categories=categories,
        table=Table(caption="", columns=(), rows=()),
    )
    return maps.to_svg(spec)


def _key_map(document: PackDocument) -> str:
    """Every zone, numbered, shaded by the hours a week people there wait for (the zones are
    balanced in workload, so this is what differs)."""
    areas = tuple(
        MapArea(
            code=str(s.zone),
            name=f"Zone {s.zone}",
            geometry=s.geometry,
            value=s.waiting_hours_per_week,
            text=f"{s.waiting_hours_per_week:,.0f} hours a week waited for",
        )
        for s in document.sheets
        if s.geometry
    )
    spec = MapSpec(
        key="zones",
        title="The zones",
        alt=(
            f"Map of {document.council}'s {document.zones} home-care zones, each shaded by the "
            "hours a week of care people there wait for; the table above gives the same figures."
        ),
        legend="Hours a week waited for",
        areas=areas,
        points=(),
        categories=(),
        table=Table(caption="", columns=(), rows=()),
    )
    return maps.to_svg(spec)


def render_pack_html(document: PackDocument) -> str:
    """The pack as one self-contained HTML document."""
    css = resources.files("caremarket.report").joinpath("templates/zone_pack.css").read_text()
    template = _environment().get_template("zone_pack.html.j2")
    swatches = {
        RATING_WORDS[r]: (RATING_SWATCHES[r].fill, RATING_SWATCHES[r].ink) for r in RATING_WORDS
    }
    return template.render(
        doc=document,
        css=css,
        as_of=long_date(document.as_of),
        maps={s.zone: _zone_map(document, s) for s in document.sheets},
        key_map=_key_map(document),
        rating_words=rating_words,
        swatches=swatches,
        carer_hours=pack_parameters().carer_hours_per_week,
        rurality_radius=rurality_rule().radius_km,
        num=_number,
    )


def _number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "not known"
    return f"{value:,.{digits}f}"


def write_pack_pdf(document: PackDocument, path: Path) -> Path:
    """Write the pack as a tagged (PDF/UA-1) A4 PDF."""
    from weasyprint import HTML

    HTML(string=render_pack_html(document), base_url=str(path.parent)).write_pdf(
        path, pdf_variant=PDF_VARIANT, pdf_tags=True
    )
    return path


def summary_rows(sheets: Sequence[ZoneSheet]) -> list[dict[str, object]]:
    """One row per zone: the figures of the pack's summary table and its CSV."""
    return [
        {
            "zone": s.zone,
            "postcode_sectors": len(s.sectors),
            "hours_per_week": round(s.hours_per_week, 1),
            "waiting_hours_per_week": round(s.waiting_hours_per_week, 1),
            "people": round(s.people),
            "area_km2": None if s.area_km2 is None else round(s.area_km2, 1),
            "postcodes_per_km2": (
                None if s.postcodes_per_km2 is None else round(s.postcodes_per_km2, 1)
            ),
            "rurality": s.rurality,
            "estimated_travel_hours_per_week": round(s.travel_hours_per_week, 1),
            "estimated_travel_minutes_per_contact_hour": (
                None
                if s.travel_minutes_per_contact_hour is None
                else round(s.travel_minutes_per_contact_hour, 1)
            ),
            "estimated_carers": round(s.carers_estimate, 1),
            "branches_serving_today": len(s.providers),
        }
        for s in sheets
    ]
