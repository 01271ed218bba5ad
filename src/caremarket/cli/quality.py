"""`caremarket quality risk|backtest|assessments`: the quality early warning, its backtest,
and the council's own assessments beside CQC's ratings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from caremarket.cli.options import DbOption, LaOption, WideOption, date_option
from caremarket.cli.render import Fit, OutputFormat, write_records
from caremarket.cli.user_error import UserError
from caremarket.pipeline import council
from caremarket.store.versions import reading

quality_app = typer.Typer(
    help=(
        "Quality early warning: services at risk of a worse CQC rating, with reasons; "
        "how well it would have worked; local assessments beside CQC."
    ),
    no_args_is_help=True,
)

AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="As at this date (default: the latest rating loaded)."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table, csv or json.")]


@quality_app.command()
def risk(
    la: LaOption,
    db: DbOption = Path("caremarket.duckdb"),
    as_of: AsOfOption = None,
    output: FormatOption = OutputFormat.TABLE,
    top: Annotated[
        int | None, typer.Option("--top", help="Show only the N services most at risk.")
    ] = None,
    wide: WideOption = False,
) -> None:
    """Services ranked by the probability that their next CQC rating is worse than Good,
    with the three reasons weighing most, the watch lists they are on, and the input rules'
    counts."""
    from caremarket.early_warning import council_warning
    from caremarket.quality import WATCH_LISTS

    area = council(la)
    when = date_option(as_of)
    with reading(db) as store:
        warning = council_warning(store, area, when)
    lists = {w.column: w.title for w in WATCH_LISTS}
    rows = warning.scored.head(top or warning.scored.height).to_dicts()
    records: list[dict[str, object]] = [
        {
            "location_id": row["location_id"],
            "name": row["name"],
            "current_rating": row["current_rating"],
            "rating_date": row["rating_date"],
            "probability": round(float(row["probability"]), 3),
            "reasons": row["reasons"],
            "lists": [title for column, title in lists.items() if row[column]],
        }
        for row in rows
    ]
    if output is OutputFormat.JSON:
        write_records(records, output)
        return
    flat: list[dict[str, object]] = [
        {
            **r,
            "reasons": "; ".join(row["reasons"]),
            "lists": "; ".join(t for c, t in lists.items() if row[c]),
        }
        for r, row in zip(records, rows, strict=True)
    ]
    if output is OutputFormat.CSV:
        write_records(flat, output)
        return
    console = Console()
    write_records(
        flat,
        output,
        console=console,
        title=f"Quality early warning, {area.name}, as at {warning.as_of} (council use only)",
        fit=Fit(optional=("lists", "rating_date")),
        wide=wide,
    )
    for watch in WATCH_LISTS:
        console.print(f"{watch.title}: {warning.watch_list(watch.column).height} ({watch.rule})")
    console.print(
        f"[dim]Learnt from {warning.training_rows} past outcomes "
        f"({warning.training_worse_than_good} worse than Good).[/dim]"
    )
    for rule, count in warning.counts.items():
        console.print(f"[dim]{rule.value}: {count} ({rule.rule})[/dim]")


@quality_app.command()
def backtest(
    db: DbOption = Path("caremarket.duckdb"),
    start: Annotated[
        str | None,
        typer.Option("--from", help="First cut-off (default: two years after the first rating)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last cut-off (default: a year before the last rating)."),
    ] = None,
    step: Annotated[int, typer.Option("--step-months", help="Months between cut-offs.")] = 6,
    replicates: Annotated[
        int, typer.Option("--replicates", help="Bootstrap replicates for the intervals.")
    ] = 1000,
    boosted: Annotated[
        bool, typer.Option("--boosted", help="Also backtest gradient-boosted trees.")
    ] = False,
    wide: WideOption = False,
) -> None:
    """How well the warning would have worked: at past cut-offs, learn only from what was
    known, score each service's next published rating; measures with 95% intervals beside the
    baselines "last rating" and "last rating plus its age"."""
    from caremarket.early_warning import backtest as run
    from caremarket.quality.summary import cutoff_rows, measure_rows, reliability_rows, verdict

    if step < 1 or replicates < 10:
        raise typer.BadParameter("--step-months must be at least 1 and --replicates at least 10")
    with reading(db) as store:
        try:
            result, histories = run(
                store, date_option(start), date_option(end), step_months=step,
                replicates=replicates, boosted=boosted,
            )  # fmt: skip
        except ValueError as error:  # the cut-offs asked for do not fit the ratings loaded
            raise UserError(str(error)) from None
    console = Console()
    out = OutputFormat.TABLE
    write_records(cutoff_rows(result), out, console=console, title="Cut-offs", wide=wide)
    write_records(
        measure_rows(result.measures, result.gains, result.gains_over_age),
        out,
        console=console,
        title="Next rating worse than Good: all services (95% bootstrap intervals by location)",
        wide=wide,
    )
    if result.good_only:
        write_records(
            measure_rows(result.good_only),
            out,
            console=console,
            title="A Good service drops: services last rated Good",
            wide=wide,
        )
    write_records(
        reliability_rows(result),
        out,
        console=console,
        title="Reliability: mean predicted / observed share worse than Good (n)",
        wide=wide,
    )
    for rule, count in histories.counts.items():
        console.print(f"[dim]{rule.value}: {count} ({rule.rule})[/dim]")
    console.print(verdict(result))


@quality_app.command()
def assessments(
    la: LaOption,
    db: DbOption = Path("caremarket.duckdb"),
    as_of: AsOfOption = None,
    output: FormatOption = OutputFormat.TABLE,
    wide: WideOption = False,
) -> None:
    """The council's own (PAMMS-style) assessments beside CQC's ratings, and the share good or
    outstanding by CQC or local assessment."""
    from caremarket.early_warning import council_assessments

    area = council(la)
    with reading(db) as store:
        found = council_assessments(store, area, date_option(as_of))
    records = found.services.select(
        "location_id", "name", "cqc_rating", "cqc_date", "local_rating", "local_date",
        "counted_rating", "counted_by",
    ).to_dicts()  # fmt: skip
    if output is not OutputFormat.TABLE:
        write_records(records, output)
        return
    console = Console()
    write_records(
        records, output, console=console,
        title=f"CQC ratings and local assessments, {area.name}, as at {found.as_of}",
        fit=Fit(optional=("counted_by", "local_date", "cqc_date")), wide=wide,
    )  # fmt: skip
    for label, pct, n in (
        ("by CQC", found.pct_good_or_outstanding_cqc, found.rated_cqc),
        ("by local assessment", found.pct_good_or_outstanding_local, found.assessed_local),
        ("by CQC or local assessment", found.pct_good_or_outstanding_combined,
         found.counted_combined),
    ):  # fmt: skip
        shown = "unknown (none rated)" if pct is None else f"{pct:.1f}%"
        console.print(f"Good or outstanding {label}: {shown} of {n}")
