"""`caremarket backtest demand`: how well demand projections did against what was recorded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

from caremarket.cli.options import DbOption, OptionalLaOption
from caremarket.cli.render import OutputFormat, write_records
from caremarket.domain.ascof import financial_year_starting
from caremarket.pipeline import council
from caremarket.store.versions import reading
from caremarket.track_record import demand_track_record

backtest_app = typer.Typer(
    help="Backtests: how well projections made in past years did.", no_args_is_help=True
)

_HEADERS = {
    "measure_code": "ASCOF",
    "base_year": "from",
    "target_year": "to",
    "horizon": "years",
    "projection": "projected",
    "projection_error_pct": "proj. %",
    "naive_error_pct": "naive %",
    "median_abs_error_pct": "median |err| %",
    "mean_abs_error_pct": "mean |err| %",
    "mean_error_pct": "bias %",
    "share_within": "% within 10%",
}


@backtest_app.command("demand")
def demand(
    db: DbOption = Path("caremarket.duckdb"),
    la: OptionalLaOption = None,
    since: Annotated[
        str | None,
        typer.Option("--from", help="The first base year, as a financial year (2015-16)."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
) -> None:
    """Score past demand projections against the counts the returns later recorded.

    For each council and ASCOF admissions measure loaded for two years 1 to 5
    years apart: the projection (the base year's count grown with a population
    projection ONS had released by then) and the naive forecast (the base
    year's rate per head held flat), each against the count recorded.
    """
    area = council(la) if la is not None else None
    first = None
    if since is not None:
        match = re.fullmatch(r"(\d{4})(?:-\d{2})?", since)
        if match is None:
            raise typer.BadParameter(
                f"expected a financial year such as 2015-16, got `{since}`", param_hint="--from"
            )
        first = int(match.group(1))
    with reading(db) as store:
        record = demand_track_record(store, area, first)
    console = Console(stderr=True)
    if record.scored.is_empty():
        console.print(
            "No two years of ASCOF admissions (2B, 2C) 1 to 5 years apart are loaded; load "
            "ASCOF releases of both years with `caremarket ingest` or `caremarket fetch nhs-ascof`."
        )
        raise typer.Exit(code=1)
    rows = record.scored if area is not None else record.summary
    if output is not OutputFormat.TABLE:
        write_records(rows.to_dicts(), output)
        return
    dropped = ("la_code", "projection_note", "mean_abs_error_pct")
    shown = _rounded(rows.drop(*dropped, strict=False))
    if area is not None:
        shown = shown.drop("horizon")
    if "method" in shown.columns:
        shown = shown.select("method", pl.exclude("method")).with_columns(
            pl.col("share_within") * 100
        )
    title = (
        f"{area.name}: demand projections against what was recorded"
        if area is not None
        else "Demand projections against what was recorded: every council"
    )
    write_records(shown.to_dicts(), output, title=title, headers=_HEADERS, unknown="?")
    for note in sorted(set(record.scored["projection_note"].drop_nulls().to_list())):
        console.print(f"? projection: {note}; load an ONS sub-national projection of that time.")
    console.print(
        "Error = (forecast - recorded) / recorded. Naive: the base year's rate per head held "
        "flat, on the population later recorded. Source: NHS England, ASCOF (2B, 2C)."
    )


def _rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Errors to one decimal, years as financial years (2020-21)."""
    floats = [c for c, t in frame.schema.items() if t == pl.Float64]
    years = [c for c in ("base_year", "target_year") if c in frame.columns]
    return frame.with_columns(
        *(pl.col(c).round(3 if c == "share_within" else 1) for c in floats),
        *(pl.col(c).map_elements(financial_year_starting, return_dtype=pl.String) for c in years),
    )
