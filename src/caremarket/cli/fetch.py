"""`caremarket fetch` and `caremarket refresh`: get releases from their publishers and load them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from caremarket.cli.options import WAITING, DbOption
from caremarket.fetch.download import Advance, client
from caremarket.fetch.listing import Catalogue, Listing, Offer, load_listings
from caremarket.fetch.politeness import Politeness
from caremarket.fetch.problem import FetchError
from caremarket.fetching import (
    Fate,
    Fetched,
    Reporter,
    Window,
    chosen,
    fetch_and_load,
    listed,
    listed_offline,
    newest_loaded,
)
from caremarket.store.versions import writing

SourcesArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Sources to fetch, e.g. cqc-hsca cqc-ratings ons-snpp nhs-ascfr nhs-ascof "
        "(`caremarket fetch --list-sources` names them all).",
        show_default=False,
    ),
]
ToOption = Annotated[
    Path | None,
    typer.Option(
        "--to", help="Folder the downloads are kept in (default: releases/ beside the store)."
    ),
]
ListingsOption = Annotated[
    Path | None,
    typer.Option(
        "--listings",
        help="A listings file to use instead of the one shipped (to mend a moved link).",
        exists=True,
        dir_okay=False,
    ),
]


def fetch(
    sources: SourcesArgument = None,
    db: DbOption = Path("caremarket.duckdb"),
    since: Annotated[
        str | None,
        typer.Option(help="Take every release from this month or day on (2016-01, 2016-01-31)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Take releases up to this month or day.")
    ] = None,
    to: ToOption = None,
    from_folder: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Load from a folder of files already downloaded, without the network.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    listings: ListingsOption = None,
    list_sources: Annotated[
        bool, typer.Option("--list-sources", help="Name the sources and where they are listed.")
    ] = False,
) -> None:
    """Download releases from their publishers and load them (the newest, or from --since).

    Each file is checked (size, type) before it is loaded, each load is all or
    nothing, and a file already loaded changes nothing. Uses the network only
    when run without --from.
    """
    console = Console(stderr=True)
    catalogue = _catalogue(listings)
    if list_sources:
        _print_listings(catalogue.listings)
        return
    chosen_listings = _chosen_listings(catalogue.listings, sources)
    window = Window(since=_month_or_day(since, "--since"), until=_month_or_day(until, "--until"))
    folder = to or db.parent / "releases"
    _run(console, db, chosen_listings, window, folder, from_folder, catalogue.politeness)


def refresh(
    sources: SourcesArgument = None,
    db: DbOption = Path("caremarket.duckdb"),
    to: ToOption = None,
    listings: ListingsOption = None,
) -> None:
    """Fetch and load what is new since the last run (safe to run from cron).

    Without sources, refreshes every source the store already holds a release
    of. Exits 0 when there is nothing new, 1 when a release could not be loaded.
    """
    console = Console(stderr=True)
    catalogue = _catalogue(listings)
    declared = catalogue.listings
    if sources:
        chosen_listings = _chosen_listings(declared, sources)
    else:
        with writing(db, waiting=lambda: console.print(WAITING)) as store:
            chosen_listings = [
                listing for listing in declared.values() if newest_loaded(store, listing.source_id)
            ]
        if not chosen_listings:
            console.print(
                "The store holds no release of a source that can be fetched; name the sources, "
                "e.g.:"
            )
            console.print("caremarket refresh cqc-hsca cqc-ratings", soft_wrap=True, markup=False)
            raise typer.Exit(code=2)
    folder = to or db.parent / "releases"
    _run(console, db, chosen_listings, Window(only_new=True), folder, None, catalogue.politeness)


def _run(
    console: Console,
    db: Path,
    chosen_listings: list[Listing],
    window: Window,
    folder: Path,
    from_folder: Path | None,
    politeness: Politeness,
) -> None:
    results: list[Fetched] = []
    failed = 0
    with (
        writing(db, waiting=lambda: console.print(WAITING)) as store,
        client(politeness) as http,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("", total=None, visible=False)

        def start_file(offer: Offer) -> Advance:
            progress.reset(task, description=escape(offer.file_name), total=None, visible=True)

            def advance(done: int, total: int | None) -> None:
                progress.update(task, completed=done, total=total)

            return advance

        reporter = Reporter(
            say=lambda text: progress.console.print(f"[dim]{escape(text)}[/dim]"),
            start_file=start_file,
        )
        for listing in chosen_listings:
            try:
                offered = (
                    listed_offline(from_folder, listing)
                    if from_folder
                    else listed(http, listing, politeness)
                )
            except FetchError as error:
                failed += 1
                console.print(f"[red]not fetched[/red] {listing.key}: {escape(str(error))}")
                continue
            loaded = newest_loaded(store, listing.source_id)
            todo = chosen(offered, window, loaded)
            if not todo:
                since = f" (newest loaded: {loaded.isoformat()})" if loaded else ""
                console.print(f"{listing.key}: nothing new{since}")
                continue
            results += fetch_and_load(
                store,
                listing,
                todo,
                folder,
                None if from_folder else http,
                reporter=reporter,
                politeness=politeness,
            )
    for fetched in results:
        failed += fetched.fate is Fate.NOT_LOADED
        _print_fetched(console, fetched)
    if failed:
        raise typer.Exit(code=1)


def _print_fetched(console: Console, fetched: Fetched) -> None:
    name = escape(fetched.offer.file_name)
    if fetched.fate is Fate.NOT_LOADED:
        console.print(f"[red]not loaded[/red] {name}: {escape(fetched.detail)}")
    elif fetched.fate is Fate.ALREADY_LOADED:
        console.print(
            f"[yellow]already loaded[/yellow] {name} as {fetched.detail} (nothing changed)"
        )
    elif fetched.result is not None:
        result = fetched.result
        console.print(
            f"[green]loaded[/green] {name}: {result.source_id} released {result.release_date}, "
            f"{result.rows:,} rows, as {result.release_id}"
        )


def _catalogue(path: Path | None) -> Catalogue:
    try:
        return load_listings(path)
    except FetchError as error:
        raise typer.BadParameter(str(error), param_hint="--listings") from None


def _chosen_listings(declared: dict[str, Listing], keys: list[str] | None) -> list[Listing]:
    if not keys:
        raise typer.BadParameter(
            f"name at least one source: {', '.join(declared)}", param_hint="SOURCES"
        )
    unknown = [key for key in keys if key not in declared]
    if unknown:
        raise typer.BadParameter(
            f"no source {', '.join(unknown)}; the sources are {', '.join(declared)}",
            param_hint="SOURCES",
        )
    return [declared[key] for key in dict.fromkeys(keys)]


def _month_or_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    for pattern in ("%Y-%m-%d", "%Y-%m"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise typer.BadParameter(
        f"expected a month (2016-01) or a day (2016-01-31), got `{text}`", param_hint=option
    )


def _print_listings(declared: dict[str, Listing]) -> None:
    out = Console()
    for listing in declared.values():
        out.print(f"[bold]{listing.key}[/bold]  {escape(listing.title)} ({listing.cadence})")
        out.print(f"  {listing.page}", soft_wrap=True, markup=False, highlight=False)
