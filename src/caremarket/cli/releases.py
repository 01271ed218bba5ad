"""`caremarket releases`: what is loaded, and taking releases out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from caremarket.cli.options import WAITING, DbOption, GroupDbOption, WideOption
from caremarket.cli.render import Fit, OutputFormat, write_records
from caremarket.pipeline import releases as loaded_releases
from caremarket.pipeline import releases_beyond, remove_release
from caremarket.store.versions import reading, writing

releases = typer.Typer(
    help="List loaded releases (no sub-command), or remove some.", no_args_is_help=False
)


@releases.callback(invoke_without_command=True)
def list_releases(
    context: typer.Context,
    db: GroupDbOption = Path("caremarket.duckdb"),
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
    wide: WideOption = False,
) -> None:
    """List loaded releases: source, release date, rows, licence, councils covered."""
    if context.invoked_subcommand is not None:
        return
    with reading(db) as store:
        frame = loaded_releases(store).select(
            "source_id", "release_date", "rows", "councils", "licence", "file_name", "release_id"
        )
    # The release id (source:hash) is what `releases remove` takes: it is never cut.
    fit = Fit(optional=("source_id", "file_name", "licence"))
    write_records(frame.to_dicts(), output, title="Loaded releases", fit=fit, wide=wide)


@releases.command("remove")
def remove(
    release_ids: Annotated[
        list[str] | None, typer.Argument(help="Release ids, as `caremarket releases` lists them.")
    ] = None,
    keep_last: Annotated[
        int | None,
        typer.Option(
            "--keep-last",
            min=1,
            help="Remove every release older than the newest N of its source, per council.",
        ),
    ] = None,
    db: DbOption = Path("caremarket.duckdb"),
) -> None:
    """Take releases out of the store: their rows in every table and their coverage.

    All named releases go in one new version of the store, or none does; the
    figures are then what they were before those releases were loaded.
    """
    if not release_ids and keep_last is None:
        raise typer.BadParameter("name release ids, or give --keep-last N")
    console = Console(stderr=True)
    removed: list[dict[str, object]] = []
    with writing(db, waiting=lambda: console.print(WAITING)) as store:
        chosen = list(release_ids or [])
        if keep_last is not None:
            chosen += [r for r in releases_beyond(store, keep_last) if r not in chosen]
        for release_id in chosen:
            removed.append(remove_release(store, release_id))  # none if one is not loaded
    for row in removed:
        console.print(
            f"[green]removed[/green] {row['release_id']}: {row['source_id']} released "
            f"{row['release_date']}, {row['rows']} rows ({row['file_name']})"
        )
    if not removed:
        console.print("Nothing to remove.")
