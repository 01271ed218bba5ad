"""`caremarket serve`: the Care Market Intelligence Tool (map, dashboards, open API)."""

from __future__ import annotations

import gc
import ipaddress
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from caremarket.cli.options import DbOption
from caremarket.cli.user_error import UserError
from caremarket.domain.council_name import council_named
from caremarket.pipeline import councils_covered
from caremarket.store.store import Store

if TYPE_CHECKING:
    from caremarket.brokerage.workflow.fit_seam import FitRanker
    from caremarket.package_fit import CouncilFit

AccountsUrlOption = Annotated[
    str | None,
    typer.Option(
        "--accounts-url",
        envvar="CAREMARKET_ACCOUNTS_URL",
        help="PostgreSQL connection string for accounts, sessions, tokens and the audit log.",
        show_default=False,
    ),
]
AccountsDirOption = Annotated[
    Path | None,
    typer.Option(
        "--accounts-dir",
        envvar="CAREMARKET_ACCOUNTS_DIR",
        help="Without --accounts-url: a local PostgreSQL cluster in this folder (started if down).",
        show_default=False,
    ),
]


@contextmanager
def accounts_database(url: str | None, folder: Path | None) -> Iterator[str | None]:
    """The accounts database to use: the URL, else a local cluster in the folder, else none.

    A local cluster started here is stopped again on leaving.
    """
    if url or folder is None:
        yield url
        return
    # Imported here: only needed when accounts are kept in a local cluster.
    from caremarket.web.accounts.cluster import LocalCluster

    cluster = LocalCluster.in_folder(folder)
    was_running = cluster.running()
    cluster.start()
    try:
        with _termination_unwinds():
            yield cluster.conninfo
    finally:
        if not was_running:
            cluster.stop()


@contextmanager
def _termination_unwinds() -> Iterator[None]:
    """Make SIGTERM leave through `finally` blocks, as Ctrl-C does, so a cluster started here
    is stopped again. By default SIGTERM ends the process on the spot, and the web server,
    having shut down on SIGTERM, sends it again to itself with the handler it found."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def on_loopback(host: str) -> bool:
    """Whether an address to listen on is reachable from this machine only."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def run_server(
    db: Path,
    council: str,
    host: str,
    port: int,
    conninfo: str | None,
    secret_key: str | None,
    secure_cookies: bool = False,
    zones_dir: Path | None = None,
) -> None:
    """Warm the figures, then serve until interrupted."""
    import uvicorn

    from caremarket.store.versions import reading
    from caremarket.web.app import create_app
    from caremarket.web.settings import WebSettings

    console = Console()
    settings = WebSettings(
        council=council,
        accounts_url=conninfo,
        secure_cookies=secure_cookies,
        zones_dir=zones_dir,
    )
    if secret_key:
        settings = replace(settings, secret_key=secret_key)
    with reading(db) as store:
        _check_covered(store, council)
        fit = _fit_ranker(db, council) if conninfo else None
        app = create_app(settings, store, follow=db, fit=fit)
        desk = app.state.caremarket.brokerage
        if fit is not None and desk is not None:
            # Every request waiting is ranked once the rounds are planned, off the serving path.
            threading.Thread(target=desk.warm, name="fit-warm", daemon=True).start()
        with console.status("Computing the latest figures..."):
            app.state.caremarket.market.snapshot()
        # What is loaded now lives as long as the server: keep it out of the collector's scans.
        gc.collect()
        gc.freeze()
        if conninfo is None:
            console.print("[yellow]No accounts database: only the public view is offered.[/yellow]")
        console.print(
            f"Care Market Intelligence Tool: [bold]http://{host}:{port}/[/bold] "
            f"(API docs: http://{host}:{port}/api/v1/docs). Ctrl+C stops it."
        )
        try:
            uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        finally:
            app.state.caremarket.live.close()
            if app.state.caremarket.accounts is not None:
                app.state.caremarket.accounts.close()
            if app.state.caremarket.brokerage is not None:
                app.state.caremarket.brokerage.close()
            # Frozen objects are never finalised: DuckDB's would be reported as leaked at exit.
            gc.unfreeze()


def _fit_ranker(db: Path, council: str) -> FitRanker:
    """Where a package fits, for the brokerage pages: the council's home-care branches'
    rounds are planned from the store in the background while the tool starts serving."""
    from caremarket.brokerage.fit import fit_parameters
    from caremarket.fit_ranking import BackgroundFitRanker, prepare_rounds
    from caremarket.package_fit import council_fit
    from caremarket.store.versions import reading

    area = council_named(council)
    parameters = fit_parameters()

    def read() -> CouncilFit:
        with reading(db) as store:
            return council_fit(store, area, parameters, None)

    return BackgroundFitRanker(lambda: prepare_rounds(read, parameters))


def _check_covered(store: Store, council: str) -> None:
    """UserError unless the store has a CQC release covering the council."""
    area = council_named(council)
    covered = councils_covered(store)
    if area not in covered:
        listed = ", ".join(a.name for a in covered) or "none"
        raise UserError(
            f"no CQC release in the store covers {area.name} (it covers: {listed})",
            f"choose one with --la, or load {area.name}'s releases with `caremarket ingest FILE`",
        )


def default_council(db: Path) -> str:
    """The one council the store covers; UserError listing them when there are none or several."""
    from caremarket.store.versions import reading

    with reading(db) as store:
        covered = councils_covered(store)
    if len(covered) == 1:
        return covered[0].code
    if not covered:
        raise UserError(
            f"no CQC release in the store {db} covers a council",
            "load one with `caremarket ingest FILE`",
        )
    raise UserError(
        f"the store covers {len(covered)} councils: "
        + ", ".join(f"{a.name} ({a.code})" for a in covered),
        "choose one with --la, e.g. --la " + covered[0].code,
    )


def serve(
    db: DbOption = Path("caremarket.duckdb"),
    council: Annotated[
        str | None,
        typer.Option(
            "--la",
            help="The council whose market is shown, as you write it or its GSS code "
            "(default: the council the store covers).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    accounts_url: AccountsUrlOption = None,
    accounts_dir: AccountsDirOption = None,
    secret_key: Annotated[
        str | None,
        typer.Option(
            envvar="CAREMARKET_SECRET_KEY", help="Key signing session cookies.", show_default=False
        ),
    ] = None,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Send cookies over HTTPS only and ask browsers for HTTPS (HSTS); "
            "on by default unless listening on loopback. Serve behind TLS when on.",
            show_default=False,
        ),
    ] = None,
    zones: Annotated[
        Path | None,
        typer.Option(
            "--zones",
            help="A folder of zone designs (`caremarket zones design --out`) for council users.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the map, dashboards and open API (/api/v1) over the store.

    Anyone may see aggregates; provider and council users sign in (see
    `caremarket users`). Accounts live in PostgreSQL: --accounts-url, or a
    local cluster in --accounts-dir.
    """
    chosen = council_named(council).code if council else default_council(db)
    with accounts_database(accounts_url, accounts_dir) as conninfo:
        secure = not on_loopback(host) if secure_cookies is None else secure_cookies
        run_server(db, chosen, host, port, conninfo, secret_key, secure, zones)
