"""`caremarket zones pack`: the tender pack for a zone design."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

from caremarket.brokerage.zones.design import ZoningError
from caremarket.brokerage.zones.design_file import read_design
from caremarket.cli.options import DbOption
from caremarket.cli.user_error import UserError
from caremarket.pipeline import council
from caremarket.store.versions import reading
from caremarket.zone_blocks import council_blocks
from caremarket.zone_clients import council_clients

DesignArgument = Annotated[
    Path, typer.Argument(help="A design written by `caremarket zones design` (GeoJSON).")
]


def _as_of(text: object) -> date | None:
    """The design's demand date, when it gives one."""
    if not isinstance(text, str):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None


def pack(
    design_file: DesignArgument,
    out: Annotated[Path, typer.Option("--out", help="Folder for the tender pack.")] = Path(
        "tender"
    ),
    db: DbOption = Path("caremarket.duckdb"),
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the PDF.")] = True,
) -> None:
    """The tender pack: per zone a map page, its postcode sectors, hours now and waiting,
    people, rurality, estimated carers and travel, and the branches serving people there
    today with their CQC ratings; as GeoJSON, CSV, HTML and one tagged PDF."""
    from pyproj import Transformer

    from caremarket.brokerage.zones.pack import zone_sheets
    from caremarket.report.zone_pack import (
        PackDocument,
        render_pack_html,
        summary_rows,
        write_pack_pdf,
    )

    console = Console(stderr=True)
    try:
        design = read_design(design_file)
    except ZoningError as error:
        raise typer.BadParameter(str(error), param_hint="DESIGN") from None
    area = council(design.council)
    properties = design.document.get("properties") or {}
    day = _as_of(properties.get("as_of"))
    with reading(db) as store:
        found, when = council_blocks(store, area, design.level, day)
        read = council_clients(store, area, design.level, day)
    demand = found.frame.select(
        pl.col("hours_per_week").sum() + pl.col("waiting_hours_per_week").sum()
    ).item()
    if not demand:
        raise UserError(
            f"no home-care demand for {area.name} at {when.isoformat()}: a tender pack needs "
            "the hours of running service agreements or of people waiting",
            "load the council's service agreements or interim care list with "
            "`caremarket ingest-council`",
        )
    missing = sorted(set(design.zone_of_block) - set(found.frame["block"].to_list()))
    if missing:
        console.print(
            f"{len(missing)} blocks of the design have no postcodes in {area.name} "
            f"({', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}); they are left out"
        )
    sheets = zone_sheets(design.document, found.frame, read.clients, read.branches)
    to_lonlat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform
    positions = {}
    for branch in read.branches.values():
        lon, lat = to_lonlat(branch.east, branch.north)
        positions[branch.id] = (lat, lon)
    document = PackDocument(
        council=area.name,
        zones=len(sheets),
        as_of=when,
        level=design.level.value,
        method=str(properties.get("method", "")),
        max_deviation_pct=float(properties.get("max_deviation_pct") or 0.0),
        sheets=tuple(sheets),
        branch_positions=positions,
    )
    out.mkdir(parents=True, exist_ok=True)
    summary = summary_rows(sheets)
    _write_csv(out / "zones.csv", summary)
    _write_csv(
        out / "sectors.csv",
        [
            {"zone": s.zone, "postcode_sector": line.block, "postcodes": line.postcodes,
             "hours_per_week": round(line.hours_per_week, 2),
             "waiting_hours_per_week": round(line.waiting_hours_per_week, 2),
             "people": round(line.people, 2),
             "postcodes_per_km2": (None if line.postcodes_per_km2 is None
                                   else round(line.postcodes_per_km2, 1)),
             "rurality": line.rurality}
            for s in sheets for line in s.sectors
        ],
    )  # fmt: skip
    _write_csv(
        out / "providers.csv",
        [
            {"zone": s.zone, "cqc_location_id": line.location_id, "branch": line.name,
             "cqc_rating": line.rating, "people": line.people,
             "hours_per_week": round(line.hours_per_week, 2)}
            for s in sheets for line in s.providers
        ],
    )  # fmt: skip
    by_zone = {row["zone"]: row for row in summary}
    enriched = dict(design.document)
    enriched["features"] = [
        {**f, "properties": {**f["properties"], **by_zone.get(int(f["properties"]["zone"]), {})}}
        for f in design.document["features"]
    ]
    (out / "zones.geojson").write_text(json.dumps(enriched), encoding="utf-8")
    (out / "tender-pack.html").write_text(render_pack_html(document), encoding="utf-8")
    written = ["zones.geojson", "zones.csv", "sectors.csv", "providers.csv", "tender-pack.html"]
    if pdf:
        write_pack_pdf(document, out / "tender-pack.pdf")
        written.append("tender-pack.pdf")
    console.print(f"{area.name}: tender pack for {len(sheets)} zones written to {out}: "
                  f"{', '.join(written)}")  # fmt: skip


def _write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    """Rows as a CSV safe to open in a spreadsheet (formula cells neutralised)."""
    from caremarket.domain.csv_cell import csv_writer

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        columns = list(rows[0]) if rows else []
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
