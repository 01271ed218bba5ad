"""`caremarket rounds`: plan home-care rounds from CSV templates, check a plan, benchmark."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from caremarket.brokerage.rounds import benchmark
from caremarket.brokerage.rounds.check import check as check_plan
from caremarket.brokerage.rounds.map import geojson, svg
from caremarket.brokerage.rounds.output import plan_from_json, plan_to_json, write_csv
from caremarket.brokerage.rounds.problem import Problem
from caremarket.brokerage.rounds.solve import solve
from caremarket.brokerage.rounds.stop import MaxRuntime
from caremarket.brokerage.rounds.templates import read_problem, write_templates
from caremarket.brokerage.rounds.travel import Matrix, StraightLine, TravelTime
from caremarket.ingest.problem import DataProblemError

rounds_app = typer.Typer(
    name="rounds",
    help="Plan home-care rounds: who visits whom, when and in what order.",
    no_args_is_help=True,
    add_completion=False,
)

VisitsArg = Annotated[
    Path,
    typer.Argument(
        help="Visits CSV (see `caremarket rounds templates`).", exists=True, dir_okay=False
    ),
]
CarersArg = Annotated[
    Path,
    typer.Argument(
        help="Carers CSV (see `caremarket rounds templates`).", exists=True, dir_okay=False
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option("--date", help="Plan this day (YYYY-MM-DD): rows of other days are left out."),
]
MatrixOption = Annotated[
    Path | None,
    typer.Option(
        "--travel-matrix",
        exists=True,
        dir_okay=False,
        help="CSV of router minutes (from,to,minutes by postcode or 'lat,lon'); "
        "pairs it lacks use the calibrated straight-line default.",
    ),
]


def seconds(text: str) -> float:
    """Parse a time limit: `60`, `60s`, `2m` or `1m30s`."""
    match = re.fullmatch(r"\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s?)?\s*", text)
    if not match or not any(match.groups()):
        raise typer.BadParameter(f"expected a time like 60s or 2m, got {text!r}")
    minutes, secs = match.groups()
    return 60 * float(minutes or 0) + float(secs or 0)


def _locate(postcodes: Sequence[str]) -> dict[str, tuple[float, float]]:
    from caremarket.ingest.geo.postcodes import bundled_postcodes

    frame = bundled_postcodes(postcodes)
    return {
        str(p): (float(lat), float(lon))
        for p, lat, lon in frame.select("postcode", "latitude", "longitude").iter_rows()
    }


def _problem(visits: Path, carers: Path, day: str | None, matrix: Path | None) -> Problem:
    travel: TravelTime = StraightLine.calibrated()
    if matrix is not None:
        travel = Matrix.from_csv(matrix, fallback=travel)
    try:
        return read_problem(visits, carers, travel, _locate, day)
    except DataProblemError as error:
        console = Console(stderr=True)
        for problem in error.problems:
            console.print(f"[red]{problem.code.value}[/red] {problem.message}", highlight=False)
        raise typer.Exit(code=2) from None


@rounds_app.command()
def plan(
    visits: VisitsArg,
    carers: CarersArg,
    out: Annotated[
        Path, typer.Option("--out", help="Plan JSON; CSV, GeoJSON and SVG go beside it.")
    ],
    date: DateOption = None,
    time_limit: Annotated[str, typer.Option("--time-limit", help="e.g. 60s or 2m.")] = "60s",
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    travel_matrix: MatrixOption = None,
) -> None:
    """Plan rounds and write them as JSON, CSV, GeoJSON and an SVG map."""
    problem = _problem(visits, carers, date, travel_matrix)
    result = solve(problem, MaxRuntime(seconds(time_limit)), seed=seed)
    report = check_plan(problem, result)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(plan_to_json(problem, result, report), indent=1) + "\n")
    write_csv(out.with_suffix(".csv"), problem, result)
    out.with_suffix(".geojson").write_text(json.dumps(geojson(problem, result)) + "\n")
    out.with_suffix(".svg").write_text(svg(problem, result, title=f"Rounds {date or ''}".strip()))
    console = Console()
    used = sum(1 for r in result.routes if r.calls)
    console.print(
        f"{report.num_calls} calls in {used} rounds; {report.num_unplaced} visit(s) unplaced; "
        f"travel {report.travel_minutes:.0f} min ({report.travel_per_placed_hour:.1f} per hour "
        f"placed); lateness {report.lateness_minutes:.0f} min; "
        f"{'feasible' if report.is_feasible else 'NOT feasible'}",
        highlight=False,
    )
    for item in result.unplaced:
        console.print(f"  unplaced {item.visit}: {item.reason}", highlight=False)
    console.print(f"Wrote {out} (+ .csv, .geojson, .svg)", highlight=False)


@rounds_app.command()
def check(
    visits: VisitsArg,
    carers: CarersArg,
    plan_json: Annotated[
        Path, typer.Argument(help="A plan written by `rounds plan`.", exists=True, dir_okay=False)
    ],
    date: DateOption = None,
    travel_matrix: MatrixOption = None,
) -> None:
    """Check a plan independently: every start time, skill, window, gap and shift; print costs."""
    problem = _problem(visits, carers, date, travel_matrix)
    result = plan_from_json(json.loads(plan_json.read_text()))
    report = check_plan(problem, result)
    console = Console()
    for line in report.violations:
        console.print(f"[red]violation[/red] {line}", highlight=False)
    console.print(
        f"{'feasible' if report.is_feasible else 'NOT feasible'}: travel "
        f"{report.travel_minutes:.1f} min, lateness {report.lateness_minutes:.1f} min "
        f"(max {report.max_lateness_minutes:.1f}), hours placed {report.hours_placed:.2f}, "
        f"travel per placed hour {report.travel_per_placed_hour:.2f}, "
        f"unplaced {report.num_unplaced}, objective {report.objective:.2f}",
        highlight=False,
    )
    if not report.is_feasible:
        raise typer.Exit(code=1)


@rounds_app.command()
def replan(
    plan_json: Annotated[
        Path, typer.Argument(help="A plan written by `rounds plan`.", exists=True, dir_okay=False)
    ],
    absent: Annotated[str, typer.Option("--absent", help="The carer who cannot work, e.g. C07.")],
    from_: Annotated[
        str, typer.Option("--from", help="Re-plan from this time (HH:MM): earlier calls stay.")
    ],
    visits: Annotated[
        Path | None,
        typer.Option("--visits", help="Visits CSV (default: visits.csv beside the plan)."),
    ] = None,
    carers: Annotated[
        Path | None,
        typer.Option("--carers", help="Carers CSV (default: carers.csv beside the plan)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Re-planned JSON (default: PLAN-replan.json); CSV beside."),
    ] = None,
    date: DateOption = None,
    travel_matrix: MatrixOption = None,
) -> None:
    """Re-plan the rest of the day without a carer: calls started before --from stay, the
    carer's other calls move with the fewest changes to other rounds; say what cannot be covered."""
    from caremarket.brokerage.rounds.output import clock
    from caremarket.brokerage.rounds.replan import parse_clock
    from caremarket.brokerage.rounds.replan import replan as replan_day

    try:
        cutoff = parse_clock(from_)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--from") from None
    visits = visits or plan_json.parent / "visits.csv"
    carers = carers or plan_json.parent / "carers.csv"
    for path, option in ((visits, "--visits"), (carers, "--carers")):
        if not path.is_file():
            raise typer.BadParameter(f"no file {path}", param_hint=option)
    problem = _problem(visits, carers, date, travel_matrix)
    before = plan_from_json(json.loads(plan_json.read_text()))
    try:
        result = replan_day(problem, before, absent, cutoff)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--absent") from None
    out = out or plan_json.with_name(f"{plan_json.stem}-replan.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(plan_to_json(problem, result.plan, result.report), indent=1) + "\n")
    write_csv(out.with_suffix(".csv"), problem, result.plan)
    console = Console()

    def say(text: str) -> None:
        console.print(text, highlight=False, soft_wrap=True)

    say(
        f"{absent} absent from {clock(cutoff)}: {result.kept} call(s) already started kept; "
        f"{len(result.moved)} of {absent}'s call(s) moved to other carers; "
        f"{result.changed_calls} other call(s) changed carer to make room; "
        f"{result.retimed} call(s) re-timed; {len(result.rounds_changed)} round(s) changed"
    )
    for move in result.moved:
        say(f"  {move.visit} -> {move.to_carer}")
    for move in result.others_moved:
        say(f"  {move.visit} {move.from_carer} -> {move.to_carer} (to make room)")
    for item in result.uncovered:
        say(f"  [red]not covered[/red] {item.visit}: {item.reason}")
    report = result.report
    say(
        f"checked: {'feasible' if report.is_feasible else 'NOT feasible'}; "
        f"travel {report.travel_minutes:.0f} min, lateness {report.lateness_minutes:.0f} min, "
        f"{report.num_unplaced} visit(s) unplaced in all"
    )
    for line in report.violations:
        say(f"[red]violation[/red] {line}")
    say(f"Wrote {out} (+ .csv)")
    if not report.is_feasible:
        raise typer.Exit(code=1)


@rounds_app.command()
def templates(
    folder: Annotated[
        Path, typer.Argument(help="Folder to write visits.csv, carers.csv, README.md.")
    ],
) -> None:
    """Write the visits and carers CSV templates with one example row each, and their docs."""
    for path in write_templates(folder):
        Console().print(f"Wrote {path}", highlight=False)


@rounds_app.command("interim-list")
def interim_list(
    care_list: Annotated[
        Path,
        typer.Argument(
            help="interim_care_list.csv from `caremarket demo`.", exists=True, dir_okay=False
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for visits.csv and carers.csv.")],
    date: Annotated[str, typer.Option("--date", help="The day to plan, YYYY-MM-DD.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 2026,
) -> None:
    """Turn the demo county's interim care list into a day's visits and carers to plan."""
    from datetime import date as Date

    from caremarket.demo.rounds_day import write_day

    visits, carers = write_day(care_list, out, Date.fromisoformat(date), seed)
    console = Console()
    console.print(f"Wrote {visits} and {carers}. Next:", highlight=False)
    console.print(
        f"  caremarket rounds plan {visits} {carers} --date {date} --out {out / 'plan.json'}",
        highlight=False,
        soft_wrap=True,  # copyable: never cut
    )


@rounds_app.command()
def bench(
    benchmark_name: Annotated[
        str, typer.Argument(metavar="mankowska", help="The benchmark: mankowska.")
    ],
    set_: Annotated[
        str, typer.Option("--set", help="Instance sets, e.g. A or ABC (A=10 ... G=300 patients).")
    ] = "ABCDEFG",
    time_limit: Annotated[
        str, typer.Option("--time-limit", help="Per instance and seed, e.g. 60s.")
    ] = "60s",
    out: Annotated[
        Path, typer.Option("--out", help="Folder for one plan JSON per instance and seed.")
    ] = Path("bench-out"),
    instances: Annotated[
        Path | None,
        typer.Option(
            "--instances",
            exists=True,
            file_okay=False,
            help=f"Folder of the instance files (default: ${benchmark.ENV_VAR}).",
        ),
    ] = None,
    seeds: Annotated[
        str, typer.Option("--seeds", help="Random seeds, e.g. 0,1,2: median and spread per set.")
    ] = "0",
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Processes searching in parallel per run.")
    ] = 1,
) -> None:
    """Run the Mankowska et al. (2014) benchmark; write each plan, re-score it, print gaps."""
    if benchmark_name != "mankowska":
        raise typer.BadParameter("the only benchmark is `mankowska`")
    folder = benchmark.instance_folder(instances)
    if folder is None:
        typer.echo(
            f"No instances: give --instances DIR or set {benchmark.ENV_VAR}; {benchmark.WHERE}",
            err=True,
        )
        raise typer.Exit(code=2)
    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError:
        raise typer.BadParameter(f"expected seeds like 0,1,2, got {seeds!r}") from None
    chosen = benchmark.entries(folder, set_)
    if not seed_list or not chosen or not all(e.file.exists() for e in chosen):
        missing = next((e.file.name for e in chosen if not e.file.exists()), "any instance")
        typer.echo(f"No {missing} in {folder}; {benchmark.WHERE}", err=True)
        raise typer.Exit(code=2)
    limit = seconds(time_limit)
    console = Console()
    results = []
    for entry in chosen:
        for seed in seed_list:
            result, _ = benchmark.run(
                entry,
                lambda p, s, r: solve(p, MaxRuntime(s), seed=r, workers=workers),
                "caremarket",
                limit,
                seed,
                out,
            )
            results.append(result)
            state = (
                "feasible" if result.feasible else "INFEASIBLE: " + "; ".join(result.violations[:2])
            )
            console.print(
                f"{entry.label:>4} seed {seed} {result.objective:9.2f}  "
                f"best_2026 {entry.best_known:9.2f} gap {result.gap_pct:6.2f}%  "
                f"(bks_2021 {entry.bks_2021:9.2f} gap {result.gap_2021_pct:6.2f}%)  "
                f"{result.seconds:5.1f}s load {result.load_1min:.1f}  {state}",
                highlight=False,
                soft_wrap=True,
            )
    for row in benchmark.summarise(results):
        console.print(
            f"set {row.group}: mean gap to best_2026 {row.median_gap_pct:.2f}% "
            f"(median of {row.num_seeds} seed(s); min {row.min_gap_pct:.2f}%, "
            f"max {row.max_gap_pct:.2f}%) over {row.num_instances}; "
            f"feasible {row.num_feasible}/{row.num_runs}; new best {row.num_new_best}",
            highlight=False,
            soft_wrap=True,
        )
