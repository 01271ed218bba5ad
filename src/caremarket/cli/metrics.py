"""`caremarket metrics list` and `caremarket metrics show`: the registered metrics, their values."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from caremarket.cli.options import DbOption, LaOption, WideOption, date_option
from caremarket.cli.render import Fit, OutputFormat, write_records
from caremarket.domain.freshness import Freshness
from caremarket.metrics import METRICS, Level
from caremarket.pipeline import council
from caremarket.store.versions import reading

metrics_app = typer.Typer(
    help="The registered metrics: list them, or show one for a council.", no_args_is_help=True
)


@metrics_app.command("list")
def list_metrics(
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
    wide: WideOption = False,
) -> None:
    """Every registered metric: name, label, unit, theme, levels and the inputs it needs."""
    records: list[dict[str, object]] = [
        {
            "name": m.name,
            "label": m.label,
            "unit": m.unit.value,
            "theme": m.theme.value,
            "levels": ", ".join(m.levels),
            "inputs": ", ".join(m.inputs),
            "personal": m.personal,
        }
        for m in METRICS.values()
    ]
    fit = Fit(optional=("label", "personal", "inputs", "levels", "theme"), whole=("name",))
    write_records(records, output, title="Registered metrics", fit=fit, wide=wide)


@metrics_app.command("show")
def show(
    la: LaOption,
    metric: Annotated[str, typer.Option("--metric", help="A metric's name (see metrics list).")],
    db: DbOption = Path("caremarket.duckdb"),
    by: Annotated[
        Level, typer.Option("--by", help="council, district, locality or location.")
    ] = Level.COUNCIL,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="As at this date (default: the latest CQC release)."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
    wide: WideOption = False,
) -> None:
    """One metric for a council by area, sector and client group, with the releases behind it.

    When an input is missing, says what to load instead of showing zeros.
    """
    from caremarket.analysis import evaluate, gather

    when = date_option(as_of)
    area = council(la)
    if metric not in METRICS:
        raise typer.BadParameter(f"no metric `{metric}`; `caremarket metrics list` names them")
    with reading(db) as store:
        gathered = gather(store, area, when)
    try:
        result = evaluate(gathered, metric, by)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    errors = Console(stderr=True)
    newest = gathered.newest_location_release()
    warning = None if newest is None else Freshness(newest, gathered.inputs.as_of).warning()
    if warning:
        errors.print(f"[yellow]{warning}[/yellow]")
    if result.missing:
        for hint in result.missing:
            errors.print(f"[yellow]{metric} cannot be computed: {hint}[/yellow]")
        raise typer.Exit(code=1)
    records = result.frame.to_dicts()
    if output is not OutputFormat.TABLE:
        write_records(records, output)
        return
    console = Console()
    title = (
        f"{result.metric.label} ({result.metric.unit}), {area.name} as at {gathered.inputs.as_of}"
    )
    fit = Fit(optional=("area_code", "period"))
    write_records(records, output, title=title, console=console, unknown="?", fit=fit, wide=wide)
    for used in result.releases:
        console.print(
            f"[dim]{used.purpose}: {used.source_title}, released {used.release_date}, "
            f"{used.file_name} ({used.licence})[/dim]"
        )
