"""`caremarket history`: a council's market at every CQC release loaded, and change since."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from caremarket.cli.options import DbOption, LaOption
from caremarket.cli.render import OutputFormat, write_records
from caremarket.history import market_change, market_history
from caremarket.pipeline import council
from caremarket.store.versions import reading

_HEADERS = {
    "release_date": "release",
    "care_homes": "homes",
    "beds_gained": "beds +",
    "beds_lost": "beds -",
}
_CHANGE = ("opened", "closed", "beds_gained", "beds_lost")


def history(
    la: LaOption,
    db: DbOption = Path("caremarket.duckdb"),
    between: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--between",
            help="Two dates (2018-01-01 2026-06-01): openings, closures and beds gained or "
            "lost between the releases in force on them.",
        ),
    ] = None,
    until: Annotated[str | None, typer.Option(help="Releases up to this date.")] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
) -> None:
    """Locations, care homes and beds at every CQC release loaded, with openings,
    closures and beds gained or lost since the release before.

    Beds are unknown (not 0) for a release that does not give them.
    """
    area = council(la)
    with reading(db) as store:
        if between is not None:
            start, end = (_day(text, "--between") for text in between)
            try:
                change = market_change(store, area, start, end)
            except LookupError as error:
                raise typer.BadParameter(str(error), param_hint="--between") from None
            record: dict[str, object] = {
                "la_code": area.code,
                "from": change.start,
                "to": change.end,
                "opened": change.opened,
                "closed": change.closed,
                "beds_gained": change.beds_gained,
                "beds_lost": change.beds_lost,
                "from_release": change.start_release,
                "to_release": change.end_release,
            }
            if output is OutputFormat.TABLE:
                rows = [
                    {"": _HEADERS.get(k, k.replace("_", " ")), "value": v}
                    for k, v in record.items()
                ]
                write_records(rows, output, title=f"{area.name}: change", unknown="?")
            else:
                write_records([record], output)
            if change.beds_note:
                Console(stderr=True).print(change.beds_note)
            return
        table = market_history(store, area, _day(until, "--until") if until else None)
    if table.is_empty():
        Console(stderr=True).print(
            f"No CQC directory release covering {area.name} is loaded (load one with "
            "`caremarket fetch cqc-hsca` or `caremarket ingest FILE`)."
        )
        raise typer.Exit(code=1)
    if output is not OutputFormat.TABLE:
        write_records(table.to_dicts(), output)
        return
    records = table.drop("release_id").to_dicts()
    for record in records[:1]:
        record.update({k: "-" for k in _CHANGE})  # nothing before the first release to compare
    title = f"{area.name} ({area.code})"
    write_records(records, output, title=title, headers=_HEADERS, unknown="?")
    if any(r["beds"] is None for r in records):
        Console(stderr=True).print("? beds not known: that release does not give beds")


def _day(text: str, option: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(
            f"expected a date such as 2026-06-01, got `{text}`", param_hint=option
        ) from None
