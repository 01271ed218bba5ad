"""Options every command shares, declared once."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_DB = Path("caremarket.duckdb")

WAITING = "[yellow]Another load is writing this store: waiting for it to finish...[/yellow]"

DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="CAREMARKET_DB",
        help="The store: a DuckDB file (default ./caremarket.duckdb, or $CAREMARKET_DB).",
        show_default=False,
    ),
]


def date_option(text: str | None) -> date | None:
    """A YYYY-MM-DD option's date, or a usage error saying what was expected."""
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"expected a date such as 2026-06-01, got `{text}`") from None
