"""`caremarket report mps`: a council's Market Position Statement as HTML and PDF."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from caremarket.cli.options import DbOption, LaOption, date_option
from caremarket.cli.user_error import UserError
from caremarket.pipeline import council
from caremarket.store.versions import reading

if TYPE_CHECKING:
    from caremarket.brokerage.workflow.figures import BrokerageReading

report_app = typer.Typer(
    help="Documents made from the loaded releases: the Market Position Statement.",
    no_args_is_help=True,
)

STEPS = ("Gathering figures", "Building the content", "Writing the HTML", "Writing the PDF", "Done")


@report_app.command()
def mps(
    la: LaOption,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the edition into.")],
    edition: Annotated[str, typer.Option("--edition", help="The edition's name, e.g. 2026.")] = (
        str(datetime.now().year)
    ),
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Suppress small numbers and leave out figures from person-level records.",
        ),
    ] = False,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Folder of the last edition: adds what changed since.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    db: DbOption = Path("caremarket.duckdb"),
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Figures as at this date (default: the latest CQC release)."),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the A4 PDF.")] = True,
    allow_stale: Annotated[
        bool,
        typer.Option(
            "--allow-stale",
            help="Write the edition even when its data are more than a year older than its "
            "year; the cover then says how old they are.",
        ),
    ] = False,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft",
            help="Show the parts the council has not written or loaded in the document, "
            "under a DRAFT watermark (a published edition lists them in the editor's "
            "checklist only).",
        ),
    ] = False,
    branding: Annotated[
        Path | None,
        typer.Option(
            "--branding",
            help="A YAML file of the council's name, logo, accent colour and contact "
            "(default: a neutral look).",
        ),
    ] = None,
    brokerage_url: Annotated[
        str | None,
        typer.Option(
            "--brokerage-url",
            envvar="CAREMARKET_BROKERAGE_URL",
            help="PostgreSQL connection string of the brokerage workflow: its figures join the "
            "waiting and supply chapters (read only).",
            show_default=False,
        ),
    ] = None,
    brokerage_dir: Annotated[
        Path | None,
        typer.Option(
            "--brokerage-dir",
            help="Without --brokerage-url: the local cluster `caremarket serve --accounts-dir` "
            "keeps the brokerage workflow in (started if down, stopped again after).",
            show_default=False,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Write a council's Market Position Statement: one self-contained HTML file, a tagged
    A4 PDF, figures.json (which a later edition's --previous compares with) and the editor's
    checklist of what the edition leaves out."""
    # Imported here: the report's renderers are only needed by this command.
    from caremarket.report.mps import write_mps

    when = date_option(as_of)
    area = council(la)
    from caremarket.report.branding import load_branding

    try:
        brand = load_branding(branding)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--branding") from None
    brokerage = brokerage_reading(brokerage_url, brokerage_dir, public=public)
    console = Console()
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with reading(db) as store, Progress(*columns, console=console) as progress:
        task = progress.add_task(f"{area.name} MPS {edition}", total=len(STEPS) - 1 - (not pdf))

        def step(name: str) -> None:
            progress.update(task, description=f"{area.name} MPS {edition}: {name}")
            if name != STEPS[0]:
                progress.advance(task)

        try:
            written = write_mps(
                store, area, edition, out, public=public, previous=previous, as_of=when,
                pdf=pdf, step=step, allow_stale=allow_stale, draft=draft, branding=brand,
                brokerage=brokerage,
            )  # fmt: skip
        except ValueError as error:  # stale data, an unreadable --previous: the user's to mend
            raise UserError(" ".join(str(error).split())) from None
    console.print(f"Market Position Statement for {area.name}, as at {written.edition.as_of}:")
    for notice in written.edition.notices:
        if notice.startswith("OLD DATA") or notice.startswith("These figures come from data"):
            console.print(f"  [yellow]{notice}[/yellow]")
    console.print(f"  HTML: [bold]{written.html}[/bold]")
    if written.pdf is not None:
        console.print(f"  PDF:  [bold]{written.pdf}[/bold]")
    console.print(f"  Figures: [bold]{written.figures}[/bold]")
    gaps = len(written.edition.gaps)
    console.print(
        f"  Editor's checklist ({gaps} part{'s' if gaps != 1 else ''} left out): "
        f"[bold]{written.checklist}[/bold]"
    )


def brokerage_reading(
    url: str | None, folder: Path | None, *, public: bool
) -> BrokerageReading | None:
    """The brokerage figures for an edition (small numbers hidden for a public one), read from
    --brokerage-url or the local cluster in --brokerage-dir; None when neither is given."""
    if url is None and folder is None:
        return None
    # Imported here: the database driver is only needed when the figures are asked for.
    from caremarket.brokerage.workflow.reading import read_figures
    from caremarket.cli.brokerage import workflow_database
    from caremarket.report.disclosure import disclosure_policy

    threshold = disclosure_policy().threshold if public else None
    with workflow_database(url, folder) as conninfo:
        return read_figures(conninfo, threshold=threshold)
