"""`caremarket ingest`: load releases into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from caremarket.cli.options import WAITING, NewDbOption, date_option
from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.cells import DateOrder
from caremarket.ingest.problem import DataProblemError, problem_summary, write_problem_report
from caremarket.pipeline import IngestResult, Outcome, ingest_file
from caremarket.store.versions import writing


def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Release files (.ods, .xlsx, .xls, .csv, .json).", exists=True, dir_okay=False
        ),
    ],
    db: NewDbOption = Path("caremarket.duckdb"),
    release_date: Annotated[
        str | None, typer.Option(help="The release's date (YYYY-MM-DD) when the file does not say.")
    ] = None,
    date_order: Annotated[
        DateOrder | None,
        typer.Option(help="How the file writes text dates, when its dates cannot tell."),
    ] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of CSV files.")] = "utf-8",
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient", help="Load the good rows and write the problems to a CSV report."
        ),
    ] = False,
    accept_shrink: Annotated[
        bool,
        typer.Option(
            "--accept-shrink",
            help="Load a release even if it looks cut short: far fewer rows than the previous "
            "release of the same source and councils, or no newline at the end of a CSV.",
        ),
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(help="Where --lenient writes its problem report (default: beside each file)."),
    ] = None,
) -> None:
    """Load releases into the store; the format is found from each file.

    Each file loads all or nothing, and loading a file again changes nothing.
    """
    console = Console(stderr=True)
    options = ReadOptions(
        release_date=date_option(release_date), date_order=date_order, encoding=encoding
    )
    failed = 0
    if not db.exists():
        console.print(f"No store at {escape(str(db))} yet: making a new one.", soft_wrap=True)
    with writing(db, waiting=lambda: console.print(WAITING)) as store, Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        overall = progress.add_task("ingest", total=len(paths))
        for path in paths:
            progress.update(overall, description=f"{path.name}")

            def say(stage: str, name: str = path.name) -> None:
                progress.update(overall, description=f"{name}: {stage}")

            try:
                result = ingest_file(
                    store, path, options, lenient=lenient, accept_shrink=accept_shrink, progress=say
                )
            except DataProblemError as error:
                failed += 1
                console.print(f"[red]not loaded[/red] {escape(str(path))}: {escape(str(error))}")
                progress.advance(overall)
                continue
            _report(console, result, path, report if len(paths) == 1 else None)
            progress.advance(overall)
    if failed:
        raise typer.Exit(code=1)


def _report(console: Console, result: IngestResult, path: Path, report: Path | None) -> None:
    if result.outcome is Outcome.ALREADY_LOADED:
        console.print(
            f"[yellow]already loaded[/yellow] {path.name} as {result.release_id} (nothing changed)"
        )
        return
    console.print(
        f"[green]loaded[/green] {path.name}: {result.source_id} released "
        f"{result.release_date}, {result.rows} rows, as {result.release_id}"
    )
    if result.note:
        console.print(f"  [dim]{escape(result.note)}[/dim]")
    if result.problems:
        target = report or Path.cwd() / (path.name + ".problems.csv")
        count = write_problem_report(result.problems, target)
        rows = len({(p.file, p.row) for p in result.problems if p.row is not None})
        console.print(
            f"[yellow]{rows} row(s) left out[/yellow], {count} problem(s) written to {target}:"
        )
        for line in problem_summary(result.problems):
            console.print(f"  {line}", markup=False, highlight=False)
