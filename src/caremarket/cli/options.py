"""Options every command shares, declared once."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from caremarket.domain.council_name import council_named
from caremarket.store.versions import NoStore

DEFAULT_DB = Path("caremarket.duckdb")

WAITING = "[yellow]Another load is writing this store: waiting for it to finish...[/yellow]"

_DB_HELP = "The store: a DuckDB file (default ./caremarket.duckdb, or $CAREMARKET_DB)."


def _existing_store(path: Path) -> Path:
    """Only loads make a store: a path with none is a mistake (a typo), never a new store."""
    if not path.is_file():
        raise NoStore(path)
    return path


DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="CAREMARKET_DB",
        help=_DB_HELP + " It must exist: `caremarket ingest` or `caremarket demo` makes one.",
        show_default=False,
        callback=_existing_store,
    ),
]
"""The store a command reads or changes; NoStore when there is none."""

GroupDbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="CAREMARKET_DB",
        help=_DB_HELP + " It must exist: `caremarket ingest` or `caremarket demo` makes one.",
        show_default=False,
    ),
]
"""A command group's own store option: checked when the group itself runs (`reading`
raises NoStore), not when one of its sub-commands is asked for."""

NewDbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="CAREMARKET_DB",
        help=_DB_HELP + " Made if it does not exist.",
        show_default=False,
    ),
]
"""The store a load writes into, made when there is none yet."""


def _a_council(text: str | None) -> str | None:
    """A name that is not a council's is refused before anything else is looked at."""
    if text is not None:
        council_named(text)
    return text


_LA_HELP = (
    'The council, as you write it ("Devon County Council", "Devon CC", devon) '
    "or its GSS code (E10000008)."
)

LaOption = Annotated[str, typer.Option("--la", help=_LA_HELP, callback=_a_council, is_eager=True)]
"""The council a command is about."""

OptionalLaOption = Annotated[
    str | None,
    typer.Option(
        "--la",
        help=_LA_HELP + " Needed when the folder's council.yaml does not say.",
        callback=_a_council,
        is_eager=True,
        show_default=False,
    ),
]
"""The council, when the command can also learn it elsewhere."""


def date_option(text: str | None) -> date | None:
    """A YYYY-MM-DD option's date, or a usage error saying what was expected."""
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"expected a date such as 2026-06-01, got `{text}`") from None


WideOption = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="Print tables at their full width, every column (for a wide terminal or `less -S`).",
    ),
]
"""Tables at full width instead of fitted to the terminal."""
