"""`caremarket zones`: design home-care zones for a principal-provider model."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from caremarket.brokerage.zones.adjacency import components, neighbours
from caremarket.brokerage.zones.baselines import spopt_designs
from caremarket.brokerage.zones.blocks import BlockLevel
from caremarket.brokerage.zones.design import ZoningError, design_zones
from caremarket.brokerage.zones.output import design_geojson, sweep_chart, sweep_row, write_sweep
from caremarket.brokerage.zones.parameters import zone_parameters
from caremarket.cli.options import DbOption, LaOption
from caremarket.cli.render import OutputFormat, write_records
from caremarket.cli.user_error import UserError
from caremarket.pipeline import council
from caremarket.report.charts import to_svg
from caremarket.store.versions import reading
from caremarket.zone_blocks import council_blocks, council_outline

zones_app = typer.Typer(help="Home-care zones: design, compare, evaluate.", no_args_is_help=True)


@zones_app.command("design")
def design(
    la: LaOption,
    zones: Annotated[
        str, typer.Option("--zones", help="A number of zones (12) or a range (8..16).")
    ] = "8..16",
    blocks: Annotated[
        BlockLevel, typer.Option("--blocks", help="postcode-sector or postcode-district.")
    ] = BlockLevel.SECTOR,
    out: Annotated[Path, typer.Option("--out", help="Folder for the designs.")] = Path("zones"),
    db: DbOption = Path("caremarket.duckdb"),
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Demand on this date (default: the latest).")
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for each number of zones.")
    ] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same designs.")] = 0,
    baselines: Annotated[
        bool,
        typer.Option("--baselines", help="Also run spopt's max-p, AZP and SKATER, scored alike."),
    ] = False,
) -> None:
    """Design contiguous zones balanced in workload (contact hours plus travel), for each
    number of zones asked; write each as GeoJSON, and the sweep as CSV and a chart."""
    counts = _zone_counts(zones)
    area = council(la)
    day = _day(as_of)
    console = Console(stderr=True)
    with reading(db) as store:
        found, when = council_blocks(store, area, blocks, day)
        outline = council_outline(store, area)
    frame = found.frame
    if frame.is_empty():
        raise typer.BadParameter(
            f"no postcodes of {area.name} found to build blocks from", param_hint="--la"
        )
    if not frame["workload_hours_per_week"].sum():
        raise UserError(
            f"no home-care demand for {area.name} at {when.isoformat()}",
            "load the council's service agreements or interim care list with "
            "`caremarket ingest-council`",
        )
    if found.unplaced_districts:
        console.print(
            f"{found.unplaced_hours_per_week:,.0f} hours a week in postcode districts outside "
            f"{area.name} were left out: {', '.join(found.unplaced_districts)}"
        )
    if found.postcodes_without_position:
        console.print(
            f"{found.postcodes_without_position} postcodes without a position were left out"
        )
    if outline is None:
        console.print(
            "No boundary of the council is loaded: blocks are joined by distance alone "
            f"(up to {zone_parameters().max_neighbour_km:g} km)."
        )
    east, north = frame["east"].to_list(), frame["north"].to_list()
    workload = frame["workload_hours_per_week"].to_list()
    adjacency = neighbours(east, north, zone_parameters().max_neighbour_km, outline)
    areas = components(adjacency)
    if len(areas) > 1:
        console.print(f"The blocks form {len(areas)} separate areas; each is zoned on its own.")
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:  # fmt: skip
        task = progress.add_task("designing", total=len(counts))
        for k in counts:
            progress.update(task, description=f"{k} zones")
            try:
                made = design_zones(
                    workload, east, north, adjacency, k, seed=seed, time_limit_s=time_limit
                )
            except ZoningError as error:
                raise typer.BadParameter(str(error), param_hint="--zones") from None
            document = design_geojson(
                frame, made, outline, council=area.name, as_of=when, level=blocks.value
            )
            (out / f"design-{k}.geojson").write_text(json.dumps(document), encoding="utf-8")
            rows.append(sweep_row(made))
            if baselines:
                rows += [
                    sweep_row(b.design)
                    for b in spopt_designs(workload, east, north, adjacency, k, seed)
                    if b.design is not None
                ]
            progress.advance(task)
    write_sweep(rows, out / "sweep.csv")
    chart = sweep_chart(rows, area.name)
    alt = f"{area.name}: largest workload gap and compactness by number of zones"
    (out / "sweep.svg").write_text(to_svg(chart, "sweep", alt), encoding="utf-8")
    shown = [
        {
            k: r[k]
            for k in ("zones", "method", "balanced", "max_deviation_pct", "compactness", "seconds")
        }
        for r in rows
    ]
    write_records(
        shown,
        OutputFormat.TABLE,
        title=f"{area.name}: {frame.height} {blocks.value} blocks, demand at {when.isoformat()}",
        headers={
            "max_deviation_pct": "largest gap %",
            "balanced": f"within {zone_parameters().balance_tolerance:.0%}",
        },
    )
    console.print(f"Designs, sweep.csv and sweep.svg written to {out}")


def _zone_counts(text: str) -> list[int]:
    match = re.fullmatch(r"\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?", text)
    if match is None:
        raise typer.BadParameter(
            f"expected a number (12) or a range (8..16), got `{text}`", param_hint="--zones"
        )
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first < 1 or last < first or last - first > 50:
        raise typer.BadParameter(
            f"expected a range from 1 up, at most 50 long, got `{text}`", param_hint="--zones"
        )
    return list(range(first, last + 1))


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(
            f"expected a date such as 2026-06-01, got `{text}`", param_hint="--as-of"
        ) from None
