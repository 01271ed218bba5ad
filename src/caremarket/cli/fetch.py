"""`caremarket fetch` and `caremarket refresh`: get releases from their publishers and load them."""

from __future__ import annotations

from dataclasses import dataclass, field
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

from caremarket.cli.options import WAITING, DbOption, NewDbOption
from caremarket.domain.council_name import council_named
from caremarket.fetch.cqc_api import ApiDeclaration, CqcApi, api_declaration
from caremarket.fetch.download import Advance, client
from caremarket.fetch.listing import Catalogue, Listing, Offer, load_listings
from caremarket.fetch.problem import FetchError
from caremarket.fetching import (
    Fate,
    Fetched,
    Reporter,
    Window,
    chosen,
    fetch_and_load,
    fetch_council_records,
    fetched_councils,
    listed,
    listed_offline,
    newest_loaded,
)
from caremarket.store.store import Store
from caremarket.store.versions import writing

API = "cqc-api"

SourcesArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Sources to fetch, e.g. cqc-hsca cqc-ratings ons-snpp nhs-ascfr nhs-ascof cqc-api "
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
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--cqc-key",
        envvar="CQC_SUBSCRIPTION_KEY",
        help="Your CQC API subscription key (or $CQC_SUBSCRIPTION_KEY), for cqc-api.",
        show_default=False,
    ),
]


def _councils(values: list[str] | None) -> list[str] | None:
    """Each name must be a council's (a district is pointed to its council) before anything runs."""
    for value in values or []:
        council_named(value)
    return values


@dataclass
class _Plan:
    """What one run fetches and where it keeps it."""

    listings: list[Listing]
    window: Window
    folder: Path
    catalogue: Catalogue
    from_folder: Path | None = None
    councils: list[str] = field(default_factory=list)
    api_key: str | None = None


def fetch(
    sources: SourcesArgument = None,
    db: NewDbOption = Path("caremarket.duckdb"),
    since: Annotated[
        str | None,
        typer.Option(help="Take every release from this month or day on (2016-01, 2016-01-31)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Take releases up to this month or day.")
    ] = None,
    la: Annotated[
        list[str] | None,
        typer.Option(
            "--la",
            help="For cqc-api: the council whose locations to fetch (repeat for more).",
            callback=_councils,
            is_eager=True,
        ),
    ] = None,
    cqc_key: KeyOption = None,
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
    catalogue = _catalogue(listings)
    if list_sources:
        _print_listings(catalogue)
        return
    keys = _known_keys(catalogue, sources)
    if API in keys and not la:
        raise typer.BadParameter("cqc-api needs the council: --la Devon", param_hint="--la")
    if API in keys and from_folder is not None:
        raise typer.BadParameter(
            "cqc-api fetches from the API; a snapshot it wrote loads with `caremarket ingest`",
            param_hint="--from",
        )
    plan = _Plan(
        listings=[catalogue.listings[key] for key in keys if key != API],
        window=Window(since=_month_or_day(since, "--since"), until=_month_or_day(until, "--until")),
        folder=to or db.parent / "releases",
        catalogue=catalogue,
        from_folder=from_folder,
        councils=[council_named(name).name for name in la or []] if API in keys else [],
        api_key=_api_key(cqc_key) if API in keys else None,
    )
    _run(Console(stderr=True), db, plan)


def refresh(
    sources: SourcesArgument = None,
    db: DbOption = Path("caremarket.duckdb"),
    cqc_key: KeyOption = None,
    to: ToOption = None,
    listings: ListingsOption = None,
) -> None:
    """Fetch and load what is new since the last run (safe to run from cron).

    Without sources, refreshes every source the store already holds a release
    of, and the councils fetched before from the CQC API. Exits 0 when there is
    nothing new, 1 when a release could not be loaded.
    """
    console = Console(stderr=True)
    catalogue = _catalogue(listings)
    with writing(db, waiting=lambda: console.print(WAITING)) as store:
        keys = _known_keys(catalogue, sources) if sources else _held(store, catalogue)
        councils = fetched_councils(store) if API in keys else []
    if not keys:
        console.print(
            "The store holds no release of a source that can be fetched; name the sources, e.g.:"
        )
        console.print("caremarket refresh cqc-hsca cqc-ratings", soft_wrap=True, markup=False)
        raise typer.Exit(code=2)
    plan = _Plan(
        listings=[catalogue.listings[key] for key in keys if key != API],
        window=Window(only_new=True),
        folder=to or db.parent / "releases",
        catalogue=catalogue,
        councils=councils,
        api_key=_api_key(cqc_key) if councils else None,
    )
    _run(console, db, plan)


def _held(store: Store, catalogue: Catalogue) -> list[str]:
    held = [
        key
        for key, listing in catalogue.listings.items()
        if newest_loaded(store, listing.source_id)
    ]
    return held + ([API] if fetched_councils(store) else [])


def _run(console: Console, db: Path, plan: _Plan) -> None:
    results: list[Fetched] = []
    failed = 0
    with (
        writing(db, waiting=lambda: console.print(WAITING)) as store,
        client(plan.catalogue.politeness) as http,
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

        def say(text: str) -> None:
            progress.console.print(f"[dim]{escape(text)}[/dim]")

        reporter = Reporter(say=say, start_file=start_file)
        for listing in plan.listings:
            try:
                offered = (
                    listed_offline(plan.from_folder, listing)
                    if plan.from_folder
                    else listed(http, listing, plan.catalogue.politeness)
                )
            except FetchError as error:
                failed += 1
                console.print(f"[red]not fetched[/red] {listing.key}: {escape(str(error))}")
                continue
            loaded = newest_loaded(store, listing.source_id)
            todo = chosen(offered, plan.window, loaded)
            if not todo:
                since = f" (newest loaded: {loaded.isoformat()})" if loaded else ""
                console.print(f"{listing.key}: nothing new{since}")
                continue
            results += fetch_and_load(
                store,
                listing,
                todo,
                plan.folder,
                None if plan.from_folder else http,
                reporter=reporter,
                politeness=plan.catalogue.politeness,
            )
        if plan.councils:
            declaration = _declaration(plan.catalogue)
            api = CqcApi(http, declaration, plan.api_key or "", plan.catalogue.politeness)
            for council in plan.councils:
                results.append(_council(progress, store, api, declaration, council, plan.folder))
    for fetched in results:
        failed += fetched.fate is Fate.NOT_LOADED
        _print_fetched(console, fetched)
    if failed:
        raise typer.Exit(code=1)


def _council(
    progress: Progress,
    store: Store,
    api: CqcApi,
    declaration: ApiDeclaration,
    council: str,
    folder: Path,
) -> Fetched:
    task = progress.add_task(f"{escape(council)}: CQC API records", total=None)

    def counted(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    try:
        return fetch_council_records(store, api, declaration, council, folder, counted)
    finally:
        progress.remove_task(task)


def _print_fetched(console: Console, fetched: Fetched) -> None:
    name = escape(fetched.offer.file_name)
    if fetched.fate is Fate.NOT_LOADED:
        console.print(f"[red]not loaded[/red] {name}: {escape(fetched.detail)}")
    elif fetched.fate is Fate.ALREADY_LOADED:
        console.print(f"[yellow]already loaded[/yellow] {name} (nothing changed)")
    elif fetched.result is not None:
        result = fetched.result
        extra = f"; {escape(fetched.detail)}" if fetched.listing == API else ""
        console.print(
            f"[green]loaded[/green] {name}: {result.source_id} released {result.release_date}, "
            f"{result.rows:,} rows, as {result.release_id}{extra}"
        )


def _catalogue(path: Path | None) -> Catalogue:
    try:
        return load_listings(path)
    except FetchError as error:
        raise typer.BadParameter(str(error), param_hint="--listings") from None


def _declaration(catalogue: Catalogue) -> ApiDeclaration:
    try:
        return api_declaration(catalogue.apis, catalogue.path)
    except FetchError as error:
        raise typer.BadParameter(str(error), param_hint="--listings") from None


def _api_key(given: str | None) -> str:
    if not given or not given.strip():
        raise typer.BadParameter(
            "the CQC API needs your subscription key (free from "
            "https://api-portal.service.cqc.org.uk/): set $CQC_SUBSCRIPTION_KEY",
            param_hint="--cqc-key",
        )
    return given.strip()


def _known_keys(catalogue: Catalogue, keys: list[str] | None) -> list[str]:
    known = [*catalogue.listings, *([API] if API in catalogue.apis else [])]
    if not keys:
        raise typer.BadParameter(
            f"name at least one source: {', '.join(known)}", param_hint="SOURCES"
        )
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise typer.BadParameter(
            f"no source {', '.join(unknown)}; the sources are {', '.join(known)}",
            param_hint="SOURCES",
        )
    return list(dict.fromkeys(keys))


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


def _print_listings(catalogue: Catalogue) -> None:
    out = Console()
    for listing in catalogue.listings.values():
        out.print(f"[bold]{listing.key}[/bold]  {escape(listing.title)} ({listing.cadence})")
        out.print(f"  {listing.page}", soft_wrap=True, markup=False, highlight=False)
    if API in catalogue.apis:
        out.print(f"[bold]{API}[/bold]  {escape(str(catalogue.apis[API].get('title', '')))}")
        out.print(f"  {catalogue.apis[API].get('base', '')}", soft_wrap=True, markup=False)
