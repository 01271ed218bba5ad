"""`caremarket zones`: design home-care zones for a principal-provider model."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from caremarket.brokerage.zones.adjacency import components, neighbours
from caremarket.brokerage.zones.baselines import spopt_designs
from caremarket.brokerage.zones.blocks import BlockLevel
from caremarket.brokerage.zones.design import ZoningError, best_nested_gap, design_zones
from caremarket.brokerage.zones.design_file import DesignFile, read_design
from caremarket.brokerage.zones.evaluation import Evaluation, Figures, evaluate
from caremarket.brokerage.zones.output import design_geojson, sweep_chart, sweep_row, write_sweep
from caremarket.brokerage.zones.parameters import (
    EvaluationParameters,
    evaluation_parameters,
    zone_parameters,
)
from caremarket.brokerage.zones.scenario import COMPARISONS, in_design, scenario_named
from caremarket.brokerage.zones.simulation import Client, Day, simulate_days
from caremarket.cli.options import DbOption, LaOption
from caremarket.cli.render import OutputFormat, write_records
from caremarket.cli.user_error import UserError
from caremarket.cli.zones_pack import DesignArgument, pack
from caremarket.pipeline import council
from caremarket.report.charts import to_svg
from caremarket.store.versions import reading
from caremarket.zone_blocks import block_localities, council_blocks, council_outline
from caremarket.zone_clients import ClientsRead, council_clients

zones_app = typer.Typer(
    help="Home-care zones: design, evaluate, compare, tender pack.", no_args_is_help=True
)


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
    in_localities: Annotated[
        bool,
        typer.Option(
            "--in-localities",
            help="Nest the zones in the council's localities: no zone crosses a locality's edge.",
        ),
    ] = False,
) -> None:
    """Design contiguous zones balanced in workload (contact hours plus travel), for each
    number of zones asked; write each as GeoJSON, and the sweep as CSV and a chart."""
    counts = _zone_counts(zones)
    area = council(la)
    day = _day(as_of)
    console = Console(stderr=True)
    within: list[str] | None = None
    with reading(db) as store:
        found, when = council_blocks(store, area, blocks, day)
        outline = council_outline(store, area)
        if in_localities and not found.frame.is_empty():
            try:
                within, unnamed = block_localities(store, area, found, when)
            except LookupError as missing:
                raise UserError(str(missing), "or design without --in-localities") from None
            if unnamed:
                console.print(
                    f"{len(unnamed)} blocks lie in no locality and are zoned within their "
                    f"district: {', '.join(unnamed[:8])}{' ...' if len(unnamed) > 8 else ''}"
                )
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
    if within is not None:
        console.print(
            f"Zones nested in {len(set(within))} localities: each gets zones in proportion "
            "to its workload."
        )
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:  # fmt: skip
        task = progress.add_task("designing", total=len(counts))
        for k in counts:
            progress.update(task, description=f"{k} zones")
            try:
                made = design_zones(
                    workload, east, north, adjacency, k, seed=seed, time_limit_s=time_limit,
                    within=within,
                )  # fmt: skip
            except ZoningError as error:
                raise typer.BadParameter(str(error), param_hint="--zones") from None
            document = design_geojson(
                frame, made, outline, council=area.name, as_of=when, level=blocks.value
            )
            if within is not None:
                document["properties"]["nested_in"] = "localities"
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
    if within is not None:
        loads: dict[str, float] = {}
        for group, load in zip(within, workload, strict=True):
            loads[group] = loads.get(group, 0.0) + load
        bounds = ", ".join(
            f"{k}: {best_nested_gap(list(loads.values()), k):.1%}"
            for k in counts
            if k >= len(loads)
        )
        console.print(
            "Nested in localities, whole zones are shared out among the localities, so no "
            f"design can have a smaller largest workload gap than: {bounds}"
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


DaysOption = Annotated[int, typer.Option("--days", min=1, max=28, help="Days to simulate.")]
TimeLimitOption = Annotated[
    str,
    typer.Option(
        "--time-limit",
        help="Planning time a simulated day (60s, 2m): planning stops after days x this.",
    ),
]
IterationsOption = Annotated[
    int | None,
    typer.Option(
        "--iterations", min=0, help="Planner iterations per zone and day (default: declared)."
    ),
]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, max=16, help="Processes planning zones at once.")
]
SeedOption = Annotated[int, typer.Option(help="Seed: the same seed gives the same days.")]
RoadOption = Annotated[
    str | None,
    typer.Option(
        "--road-model",
        help="A road model declared in brokerage/data/travel_time.yaml (default: its default).",
    ),
]


def _road(name: str | None) -> EvaluationParameters:
    try:
        return evaluation_parameters(name)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--road-model") from None


@dataclass(frozen=True)
class _Simulated:
    """A design's council, its clients in the design, and the simulated days."""

    design: DesignFile
    area_name: str
    clients: list[Client]
    read: ClientsRead
    days: list[Day]


def _simulated(path: Path, db: Path, days: int, seed: int, console: Console) -> _Simulated:
    try:
        design = read_design(path)
    except ZoningError as error:
        raise typer.BadParameter(str(error), param_hint="DESIGN") from None
    area = council(design.council)
    with reading(db) as store:
        read = council_clients(store, area, design.level, seed=seed)
    if not read.clients:
        raise UserError(
            f"no running home-care agreements of {area.name} with a known home in the council",
            "load the council's service agreements with `caremarket ingest-council`",
        )
    if not read.branches:
        raise UserError(
            f"no home-care branch of {area.name} has a position",
            "load a CQC directory release with `caremarket ingest`",
        )
    if read.people_outside:
        console.print(
            f"{read.people_outside} people in postcode districts outside {area.name} were left "
            f"out: {', '.join(read.outside_districts)}"
        )
    if read.people_without_district:
        console.print(
            f"{read.people_without_district} people with no postcode district were left out"
        )
    if read.people_without_branch:
        console.print(
            f"{read.people_without_branch} people whose agreement names no home-care branch "
            "with a known position are served today from the nearest one"
        )
    if read.people_waiting:
        console.print(
            f"{read.people_waiting} people waiting on the interim care list get calls too: "
            "from their zone's providers, and in today's pattern from the nearest branch"
        )
    kept, left = in_design(read.clients, design.zone_of_block)
    if left:
        blocks = sorted({c.block for c in left})
        shown = ", ".join(blocks[:8]) + (" ..." if len(blocks) > 8 else "")
        console.print(
            f"{len(left)} people live in {len(blocks)} blocks the design does not cover "
            f"({shown}); they are left out of every scenario"
        )
    if not kept:
        raise typer.BadParameter(
            f"none of {area.name}'s people live in the design's blocks", param_hint="DESIGN"
        )
    simulated = simulate_days(kept, days, seed)
    return _Simulated(design, area.name, kept, read, simulated)


def _seconds(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|m|min)?\s*", text)
    if match is None:
        raise typer.BadParameter(
            f"expected seconds (60, 60s) or minutes (2m), got `{text}`", param_hint="--time-limit"
        )
    value = float(match.group(1))
    return value * 60 if match.group(2) in ("m", "min") else value


def _run(
    names: list[str],
    simulated: _Simulated,
    *,
    seconds_per_day: float,
    iterations: int | None,
    seed: int,
    workers: int,
    console: Console,
    parameters: EvaluationParameters | None = None,
) -> list[Evaluation]:
    made = [
        scenario_named(name, simulated.clients, simulated.read.branches,
                       simulated.design.zone_of_block, simulated.read.district_names)
        for name in names
    ]  # fmt: skip
    total = sum(
        len({s.zone_of[c.client] for c in day.calls}) for s in made for day in simulated.days
    )
    found = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:  # fmt: skip
        task = progress.add_task("planning", total=total)
        for scenario in made:
            progress.update(task, description=f"planning {scenario.name}")
            found.append(
                evaluate(
                    scenario, simulated.clients, simulated.days, simulated.read.branches,
                    seconds_per_day=seconds_per_day, iterations=iterations, seed=seed,
                    workers=workers, progress=lambda _z: progress.advance(task),
                    parameters=parameters,
                )
            )  # fmt: skip
    return found


def _figures_row(label: str, figures: Figures) -> dict[str, object]:
    per_hour = figures.travel_minutes_per_contact_hour
    road = figures.road_hours_per_shift
    return {
        "zone": label,
        "calls": figures.calls,
        "contact_hours": round(figures.contact_hours, 1),
        "travel_min_per_contact_hour": None if per_hour is None else round(per_hour, 1),
        "carers_needed": round(figures.carers_needed, 1),
        "carers_per_day": round(figures.carers_per_day, 1),
        "unplaced": figures.unplaced,
        "road_hours_per_shift": None if road is None else round(road, 2),
        "waiting_calls": figures.waiting_calls,
        "waiting_unplaced": figures.waiting_unplaced,
    }


_HEADERS = {
    "travel_min_per_contact_hour": "travel min / contact h",
    "carers_needed": "carers needed",
    "carers_per_day": "rounds a day",
    "road_hours_per_shift": "road h / shift",
    "contact_hours": "contact h",
    "waiting_calls": "calls of people waiting",
    "waiting_unplaced": "of which unplaced",
}


@zones_app.command("evaluate")
def evaluate_design(
    design_file: DesignArgument,
    days: DaysOption = 5,
    time_limit: TimeLimitOption = "60s",
    iterations: IterationsOption = None,
    workers: WorkersOption = 2,
    seed: SeedOption = 0,
    db: DbOption = Path("caremarket.duckdb"),
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.TABLE,
    road_model: RoadOption = None,
) -> None:
    """Simulate days of calls from the people served today and waiting, and plan each zone's
    rounds: travel per contact hour, carers needed, calls unplaced, road hours a shift."""
    console = Console(stderr=True)
    limit = _seconds(time_limit)
    parameters = _road(road_model)
    simulated = _simulated(design_file, db, days, seed, console)
    (found,) = _run(["design"], simulated, seconds_per_day=limit, iterations=iterations,
                    seed=seed, workers=workers, console=console,
                    parameters=parameters)  # fmt: skip
    rows = [_figures_row(f.zone, f) for f in found.per_zone()]
    rows.append(_figures_row("all", found.total()))
    calls = sum(len(d.calls) for d in simulated.days)
    write_records(
        rows,
        output,
        title=(
            f"{simulated.area_name}: {simulated.design.zones} zones, {days} simulated days, "
            f"{calls:,} calls, planned in {found.seconds:.0f} s"
        ),
        headers=_HEADERS,
    )
    _time_note(found, console)


def _time_note(found: Evaluation, console: Console) -> None:
    if found.stopped_by_time:
        console.print(
            f"{found.scenario}: the time limit cut {found.stopped_by_time} zone-days short of "
            "their iterations; those plans depend on the machine's speed"
        )


def compare_rows(found: list[Evaluation]) -> list[dict[str, object]]:
    """Each scenario's totals, the first one's travel set beside each."""
    base = found[0].total().travel_minutes_per_contact_hour
    rows = []
    for evaluation in found:
        total = evaluation.total()
        per_hour = total.travel_minutes_per_contact_hour
        figures = _figures_row(evaluation.scenario, total)
        del figures["zone"]
        rows.append(
            {
                "scenario": evaluation.scenario,
                "zones": len({z.zone for z in evaluation.zone_days}),
                **figures,
                "design_travel_vs_this_pct": (
                    None if base is None or not per_hour else round((base / per_hour - 1) * 100, 1)
                ),
                "seconds": round(evaluation.seconds, 1),
            }
        )
    return rows


@zones_app.command("compare")
def compare_design(
    design_file: DesignArgument,
    against: Annotated[
        list[str] | None,
        typer.Argument(help="today, localities and/or districts (default: today localities)."),
    ] = None,
    days: DaysOption = 5,
    time_limit: TimeLimitOption = "60s",
    iterations: IterationsOption = None,
    workers: WorkersOption = 2,
    seed: SeedOption = 0,
    db: DbOption = Path("caremarket.duckdb"),
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.TABLE,
    road_model: RoadOption = None,
) -> None:
    """Evaluate a design beside today's pattern (each branch serves its own clients) and
    zones equal to the council's localities or districts, on the same simulated days."""
    names = against or ["today", "localities"]
    for name in names:
        if name not in COMPARISONS:
            raise typer.BadParameter(
                f"expected one of {', '.join(COMPARISONS)}, got `{name}`", param_hint="AGAINST"
            )
    console = Console(stderr=True)
    limit = _seconds(time_limit)
    parameters = _road(road_model)
    simulated = _simulated(design_file, db, days, seed, console)
    found = _run(["design", *dict.fromkeys(names)], simulated, seconds_per_day=limit,
                 iterations=iterations, seed=seed, workers=workers, console=console,
                 parameters=parameters)  # fmt: skip
    rows = compare_rows(found)
    if output is OutputFormat.TABLE:
        keep = ("scenario", "zones", "travel_min_per_contact_hour", "design_travel_vs_this_pct",
                "carers_needed", "unplaced", "waiting_unplaced", "road_hours_per_shift",
                "seconds")  # fmt: skip
        rows = [{k: r[k] for k in keep} for r in rows]
    write_records(
        rows,
        output,
        title=(
            f"{simulated.area_name}: design of {simulated.design.zones} zones against "
            f"{', '.join(names)} on the same {days} simulated days"
        ),
        headers={**_HEADERS, "design_travel_vs_this_pct": "design vs this %"},
    )
    for evaluation in found:
        _time_note(evaluation, console)


zones_app.command("pack")(pack)
