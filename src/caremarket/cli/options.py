"""Options every command shares, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DEFAULT_DB = Path("caremarket.duckdb")

DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="CAREMARKET_DB",
        help="The store: a DuckDB file (default ./caremarket.duckdb, or $CAREMARKET_DB).",
        show_default=False,
    ),
]
