"""`caremarket demo`: build the synthetic demo county, load it and show its figures."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from caremarket.cli.figures import print_figures
from caremarket.figures import council_figures
from caremarket.pipeline import council, ingest_council, ingest_file
from caremarket.store.store import Store
from caremarket.store.versions import writing

if TYPE_CHECKING:
    from caremarket.brokerage.workflow.figures import BrokerageReading
    from caremarket.domain.area import Area


def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo's files and store.")] = Path(
        "demo-output"
    ),
    seed: Annotated[
        int, typer.Option(help="Seed of the synthetic market (same seed, same files).")
    ] = 2026,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Then serve the Care Market Intelligence Tool on the demo (accounts in a "
            "local PostgreSQL cluster under OUT/accounts-db).",
        ),
    ] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 8000,
) -> None:
    """Build the SYNTHETIC demo county (Norfolk geography), load it and print its figures.

    Runs offline. Writes six monthly CQC-format releases, the council's
    localities, the council's own extract (service agreements, interim care
    list, workforce, fee rates, local assessments and the narrative) in their
    documented templates, real ONS district boundaries and population
    estimates with a synthetic projection, loads them into a store, writes
    the figures table and the demo county's Market Position Statement (HTML
    and PDF) into OUT/mps.

    The interim care list becomes open requests in the brokerage workflow, kept in
    the local PostgreSQL cluster in OUT/accounts-db (started for the demo and stopped
    again unless serving), with the county's home-care providers on the framework;
    running the demo again into the same folder opens nobody twice.
    """
    # Imported here: the demo generator is only needed by this command.
    from caremarket.demo import generate

    console = Console()
    out.mkdir(parents=True, exist_ok=True)
    db = out / "caremarket.duckdb"
    with console.status("Generating the synthetic demo county (Norfolk geography)..."):
        manifest = generate(out, seed=seed)
    files = manifest.ingestible
    accounts = out / "accounts-db"
    stack = ExitStack()
    # The local cluster, once started, runs until the demo ends (or its server stops).
    with stack:
        with writing(db) as store:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
            with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
                task = progress.add_task("Loading releases", total=len(files) + 1)
                for path in files:
                    ingest_file(store, path)
                    progress.advance(task)
                progress.update(task, description="Loading the council's extract")
                ingest_council(store, manifest.council_dir)
                progress.advance(task)
            area = council("Norfolk")
            latest = store.query(
                "SELECT max(release_date) AS d FROM release WHERE source_id LIKE 'cqc_%'"
            )["d"][0]
            as_of: date = latest
            biggest_provider = store.query(
                "SELECT provider_id, count(*) AS n FROM location WHERE release_id = ("
                "SELECT release_id FROM release WHERE source_id LIKE 'cqc_%' "
                "ORDER BY release_date DESC LIMIT 1) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
            )["provider_id"][0]
            result = council_figures(store, area, as_of)
            with console.status("Opening the people waiting as brokerage requests (PostgreSQL)..."):
                conninfo, readings = _brokerage(stack, store, area, as_of, manifest.council_dir,
                                                accounts)  # fmt: skip
            # Imported here: the report's renderers are only needed once the store is loaded.
            from caremarket.report.mps import write_mps

            with console.status(
                "Writing the demo county's Market Position Statement (HTML and PDF)..."
            ):
                mps = write_mps(
                    store, area, str(as_of.year), out / "mps", as_of=as_of, brokerage=readings[0]
                )
                public = write_mps(
                    store, area, str(as_of.year), out / "mps" / "public", as_of=as_of, public=True,
                    brokerage=readings[1],
                )  # fmt: skip
        records = [r for r in result.records() if r["client_group"] == "all"]
        console.print(
            "[bold yellow]SYNTHETIC DEMO DATA[/bold yellow]: an invented care market on Norfolk's "
            "real districts and postcodes. No figure here describes a real service."
        )
        print_figures(
            console,
            result,
            records,
            f"Demo county (synthetic) on {area.name}'s geography, as at {as_of.isoformat()}",
        )
        figures_csv = out / "figures.csv"
        with figures_csv.open("w", encoding="utf-8") as handle:
            import csv

            full = result.records()
            writer = csv.DictWriter(handle, fieldnames=list(full[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(full)
        console.print(f"\nFigures for every sector x client group: [bold]{figures_csv}[/bold]")
        console.print(f"Store: [bold]{db}[/bold]; files in [bold]{out}[/bold] (see README.txt)")
        console.print(
            f"\n[bold]The demo county's Market Position Statement[/bold] (synthetic figures):\n"
            f"  HTML: [bold]{mps.html}[/bold]\n  PDF:  [bold]{mps.pdf}[/bold]\n"
            f"  Editor's checklist (what the edition leaves out): [bold]{mps.checklist}[/bold]\n"
            f"  Public edition (small numbers suppressed, no person-level figures):\n"
            f"  HTML: [bold]{public.html}[/bold]\n  PDF:  [bold]{public.pdf}[/bold]\n"
        )
        console.print("Next, try:")
        for command in (
            f"caremarket releases --db {db}",
            f"caremarket figures --db {db} --la Norfolk --by locality",
            f"caremarket figures --db {db} --la Norfolk --as-of 2026-02-15 --format json",
            f"caremarket report mps --db {db} --la Norfolk --edition 2026-Q1 --as-of 2026-03-01 "
            f"--out {out}/mps-q1 --no-pdf",
            f"caremarket report mps --db {db} --la Norfolk --edition 2026 --out {out}/mps-changes "
            f"--previous {out}/mps-q1",
            f"caremarket report mps --db {db} --la Norfolk --edition 2026 "
            f"--out {out}/mps-brokerage --brokerage-dir {accounts} --no-pdf",
            f"caremarket ingest --db {db} PATH/TO/01_June_2026_HSCA_Active_Locations.ods",
            f"caremarket ingest-council --db {db} {manifest.council_dir}",
        ):
            console.print(f"  .venv/bin/{command}", soft_wrap=True)  # copyable: never cut
        console.print(
            "\nThe Care Market Intelligence Tool (map, dashboards, open API) on the demo:\n"
            f"  .venv/bin/caremarket serve --db {db} --accounts-dir {accounts} --port {port}\n"
            f"  then open [bold]http://127.0.0.1:{port}/[/bold]",
            soft_wrap=True,
        )
        if serve:
            # Imported here: the web tool is only needed when serving.
            from caremarket.cli.serve import accounts_database, run_server
            from caremarket.web.accounts.demo import demo_accounts
            from caremarket.web.accounts.postgres import PostgresAccountStore

            if conninfo is None:  # no cluster for the brokerage: serving says why
                conninfo = stack.enter_context(accounts_database(None, accounts))
            assert conninfo is not None  # a folder always gives a local cluster
            store_of_accounts = PostgresAccountStore(conninfo)
            listing = demo_accounts(store_of_accounts, biggest_provider, out)
            store_of_accounts.close()
            console.print(f"Demo sign-ins (council and provider): [bold]{listing}[/bold]")
            run_server(db, "Norfolk", "127.0.0.1", port, conninfo, None)


def _brokerage(
    stack: ExitStack, store: Store, area: Area, as_of: date, council_dir: Path, accounts: Path
) -> tuple[str | None, tuple[BrokerageReading, BrokerageReading]]:
    """Start the local cluster (kept on `stack`), open the people waiting as requests and read
    the brokerage figures for the internal and public editions; without PostgreSQL, one line
    saying so and figures saying why they are not available."""
    from caremarket.brokerage.workflow.figures import BrokerageReading
    from caremarket.brokerage.workflow.postgres import WorkflowStore
    from caremarket.brokerage.workflow.reading import read_figures
    from caremarket.brokerage_setup import framework_providers, open_waiting
    from caremarket.cli.brokerage import opened_line
    from caremarket.cli.serve import accounts_database
    from caremarket.report.disclosure import disclosure_policy
    from caremarket.web.accounts.cluster import ClusterError

    console = Console()
    try:
        conninfo = stack.enter_context(accounts_database(None, accounts))
    except (LookupError, ClusterError, OSError) as error:
        reason = str(error).split(":")[0].strip() if isinstance(error, LookupError) else str(error)
        console.print(f"[yellow]Brokerage left out: {error}[/yellow]", soft_wrap=True)
        none = BrokerageReading(None, reason=f"the demo ran without PostgreSQL ({reason})")
        return None, (none, none)
    assert conninfo is not None  # a folder always gives a local cluster
    workflow = WorkflowStore(conninfo, max_size=1)
    try:
        done = open_waiting(
            workflow, framework_providers(store, area, as_of), council_dir / "interim_care_list.csv"
        )
    finally:
        workflow.close()
    console.print(
        f"Brokerage: {done.providers} home-care providers on the framework (the districts of "
        "their running agreements); "
        + opened_line(list(done.opened), done.waiting, "the interim care list"),
        soft_wrap=True,
    )
    internal = read_figures(conninfo)
    public = read_figures(conninfo, threshold=disclosure_policy().threshold)
    return conninfo, (internal, public)
