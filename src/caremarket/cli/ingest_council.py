"""`caremarket ingest-council`: load a council's own extract folder into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from caremarket.cli.options import WAITING, NewDbOption, OptionalLaOption, date_option
from caremarket.ingest.cells import DateOrder
from caremarket.ingest.council.folder import council_files
from caremarket.ingest.council.manifest import NoCouncilError
from caremarket.ingest.problem import DataProblemError, problem_summary, write_problem_report
from caremarket.pipeline import CouncilIngestResult, ingest_council
from caremarket.store.versions import writing


def ingest_council_command(
    directory: Annotated[
        Path,
        typer.Argument(
            help="The council's extract folder: council.yaml, template CSVs, narrative/.",
            exists=True,
            file_okay=False,
            metavar="DIR",
        ),
    ],
    la: OptionalLaOption = None,
    db: NewDbOption = Path("caremarket.duckdb"),
    extract_date: Annotated[
        str | None,
        typer.Option(
            help="The day the files were extracted (YYYY-MM-DD), if council.yaml lacks it."
        ),
    ] = None,
    date_order: Annotated[
        DateOrder | None,
        typer.Option(help="How the files write slashed dates, when their dates cannot tell."),
    ] = None,
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient", help="Load the good rows and write the problems to a CSV report."
        ),
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(help="Where the problem report goes (default: DIR.problems.csv beside DIR)."),
    ] = None,
) -> None:
    """Load a council's extract folder (documented templates) in one go: all files or none.

    Each file is recognised by its name or header (see docs/council-templates.md);
    any data problem in any file stops the whole load unless --lenient. Loading
    the same files again changes nothing; a newer extract is a new release.
    """
    console = Console(stderr=True)
    target = report or directory.resolve().with_name(directory.resolve().name + ".problems.csv")
    total = len(council_files(directory)[0])
    extracted = date_option(extract_date)
    if not db.exists():
        console.print(f"No store at {escape(str(db))} yet: making a new one.", soft_wrap=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with writing(db, waiting=lambda: console.print(WAITING)) as store, Progress(
            *columns, TimeElapsedColumn(), console=console, transient=True
        ) as progress:  # fmt: skip
            task = progress.add_task("council extract", total=total)
            seen: set[str] = set()

            def say(file: str, stage: str) -> None:
                if stage == "hashing" and file not in seen:
                    seen.add(file)
                    progress.update(task, completed=len(seen) - 1)
                progress.update(task, description=f"{file}: {stage}")

            result = ingest_council(
                store,
                directory,
                la=la,
                extract_date=extracted,
                date_order=date_order,
                lenient=lenient,
                progress=say,
            )
            progress.update(task, completed=total)
    except NoCouncilError as error:
        raise typer.BadParameter(str(error), param_hint="--la") from None
    except DataProblemError as error:
        count = write_problem_report(error.problems, target)
        console.print(
            f"[red]nothing loaded[/red] from {escape(str(directory))}: {escape(str(error))}"
        )
        console.print(f"{count} problem(s) written to {target}")
        raise typer.Exit(code=1) from None
    _show(console, result, directory)
    for missing in result.missing:
        console.print(f"[yellow]missing[/yellow] {escape(missing.message)}", highlight=False)
    if result.problems or result.missing:
        count = write_problem_report(result.problems + result.missing, target)
        rows = len({(p.file, p.row) for p in result.problems if p.row is not None})
        console.print(
            f"[yellow]{rows} row(s) left out[/yellow], {count} problem(s) written to {target}:"
        )
        for line in problem_summary(result.problems):
            console.print(f"  {line}", markup=False, highlight=False)


def _show(console: Console, result: CouncilIngestResult, directory: Path) -> None:
    table = Table(title=f"{result.la_name} ({result.la_code}): {directory}")
    for heading in ("file", "outcome", "source", "release date", "rows", "left out"):
        table.add_column(heading, justify="right" if heading in ("rows", "left out") else "left")
    for file in result.files:
        colour = "green" if file.outcome.value == "loaded" else "yellow"
        table.add_row(
            file.file,
            f"[{colour}]{file.outcome.value}[/{colour}]",
            file.source_id,
            file.release_date.isoformat() if file.release_date else "",
            str(file.rows),
            str(len(file.problems)),
        )
    Console(stderr=True, width=max(console.width, 120)).print(table)
    if result.ignored:
        console.print("Left alone (not a council template): " + ", ".join(result.ignored))
