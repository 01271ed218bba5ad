"""`caremarket figures`: supply and quality for one council."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from caremarket.cli.options import DbOption
from caremarket.cli.render import OutputFormat, write_records
from caremarket.figures import Breakdown, council_figures
from caremarket.pipeline import council
from caremarket.store.versions import reading

_HEADERS = {
    "client_group": "client group",
    "locations": "locations",
    "providers": "providers",
    "outstanding": "outst.",
    "requires_improvement": "req. impr.",
    "inadequate": "inadeq.",
    "not_rated": "not rated",
    "pct_good_or_outstanding": "% good/outst.",
    "median_rating_age_months": "rating age (months)",
}


def figures(
    la: Annotated[
        str, typer.Option("--la", help="Council name (Lincolnshire) or GSS code (E10000019).")
    ],
    db: DbOption = Path("caremarket.duckdb"),
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Figures as at this date (YYYY-MM-DD); default today."),
    ] = None,
    by: Annotated[
        Breakdown, typer.Option("--by", help="council, district or locality.")
    ] = Breakdown.COUNCIL,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
) -> None:
    """Supply and quality by sector x client group: locations, providers, beds, ratings.

    For each source the latest release on or before --as-of is used; the
    releases used are listed under the table.
    """
    try:
        when = datetime.strptime(as_of, "%Y-%m-%d").date() if as_of else date.today()
    except ValueError:
        raise typer.BadParameter(f"expected a date such as 2026-06-01, got `{as_of}`") from None
    try:
        area = council(la)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    with reading(db) as store:
        try:
            result = council_figures(store, area, when, by)
        except LookupError as error:
            Console(stderr=True).print(f"[red]{error}[/red]")
            raise typer.Exit(code=1) from None
    records = result.records()
    if output is OutputFormat.TABLE:
        console = Console(width=max(Console().width, 150))
        shown = [
            {k: v for k, v in r.items() if k not in ("la_code", "la_name", "as_of")}
            for r in records
        ]
        write_records(
            shown, output, console=console,
            title=f"{area.name} ({area.code}) as at {when.isoformat()}", headers=_HEADERS,
            unknown="?",
        )  # fmt: skip
        for used in result.releases:
            console.print(
                f"[dim]{used.purpose}: {used.source_title}, released {used.release_date}, "
                f"{used.file_name} ({used.licence})[/dim]"
            )
        return
    write_records(records, output)
