"""`caremarket figures`: supply and quality for one council."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from caremarket.cli.options import DbOption, LaOption, WideOption, date_option
from caremarket.cli.render import Fit, OutputFormat, write_records
from caremarket.domain.freshness import age_in_words, months_between
from caremarket.domain.sector import CARE_HOMES
from caremarket.figures import Breakdown, Figures, council_figures
from caremarket.pipeline import council
from caremarket.store.versions import reading

BEDDED = {"all", *(s.value for s in CARE_HOMES)}
_HEADERS = {
    "client_group": "client group",
    "locations": "locations",
    "providers": "providers",
    "outstanding": "outst.",
    "requires_improvement": "req. impr.",
    "inadequate": "inadeq.",
    "not_rated": "not rated",
    "pct_good_or_outstanding": "% good/ outst.",
    "median_rating_age_months": "rating age (months)",
}
# At 80 columns the counts by rating give way to the share good or outstanding.
_FIT = Fit(
    optional=(
        "providers", "locality_code", "district_code", "outstanding", "good",
        "requires_improvement",
        "inadequate", "not_rated",
    )
)  # fmt: skip


def figures(
    la: LaOption,
    db: DbOption = Path("caremarket.duckdb"),
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Figures as at this date (YYYY-MM-DD); default: the latest CQC release "
            "covering the council.",
        ),
    ] = None,
    by: Annotated[
        Breakdown, typer.Option("--by", help="council, district or locality.")
    ] = Breakdown.COUNCIL,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
    wide: WideOption = False,
) -> None:
    """Supply and quality by sector x client group: locations, providers, beds, ratings.

    For each source the latest release on or before --as-of is used; the
    releases used are listed under the table. A cell the release cannot tell
    is unknown ("?" in the table, null in CSV and JSON) and its row's note says why.
    """
    when = date_option(as_of)
    area = council(la)
    with reading(db) as store:
        result = council_figures(store, area, when, by)
    records = result.records()
    if output is not OutputFormat.TABLE:
        warning = result.freshness.warning()
        if warning:
            Console(stderr=True).print(f"[yellow]{warning}[/yellow]")
        write_records(records, output)
        return
    print_figures(
        Console(), result, records, f"{area.name} ({area.code}) as at {result.as_of}", wide
    )


def print_figures(
    console: Console,
    result: Figures,
    records: list[dict[str, object]],
    title: str,
    wide: bool = False,
) -> None:
    """The figures as a table, each note once under it, the freshness warning and the
    releases used (with their age when older than the as-of date)."""
    notes: dict[str, int] = {}
    shown = []
    for record in records:
        row = {k: v for k, v in record.items() if k not in ("la_code", "la_name", "as_of", "note")}
        if row["beds"] is None and row["sector"] not in BEDDED:
            row["beds"] = "n/a"  # no beds to count outside care homes
        note = record.get("note")
        if isinstance(note, str):
            row["sector"] = f"{row['sector']} [{notes.setdefault(note, len(notes) + 1)}]"
        shown.append(row)
    write_records(
        shown, OutputFormat.TABLE, console=console, title=title, headers=_HEADERS, unknown="?",
        fit=_FIT, wide=wide,
    )  # fmt: skip
    for note, number in notes.items():
        console.print(f"[{number}] {note}", markup=False)
    warning = result.freshness.warning()
    if warning:
        console.print(f"[yellow]{warning}[/yellow]")
    for used in result.releases:
        months = months_between(used.release_date, result.as_of)
        age = f", {age_in_words(months)} before the as-of date" if months >= 1 else ""
        console.print(
            f"[dim]{used.purpose}: {used.source_title}, released {used.release_date}{age}, "
            f"{used.file_name} ({used.licence})[/dim]"
        )
