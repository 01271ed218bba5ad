"""`caremarket releases`: what is loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from caremarket.cli.options import DbOption
from caremarket.cli.render import OutputFormat, write_records
from caremarket.pipeline import releases as loaded_releases
from caremarket.store.duckdb_store import DuckDBStore


def releases(
    db: DbOption = Path("caremarket.duckdb"),
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
) -> None:
    """List loaded releases: source, release date, rows, licence, councils covered."""
    with DuckDBStore(db) as store:
        frame = loaded_releases(store).select(
            "source_id", "release_date", "rows", "councils", "licence", "file_name", "release_id"
        )
    write_records(frame.to_dicts(), output, title="Loaded releases")
