"""`caremarket brokerage`: the brokerage workflow's database and the people waiting."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from caremarket.cli.fit import fit
from caremarket.cli.serve import AccountsDirOption, accounts_database
from caremarket.cli.user_error import UserError

if TYPE_CHECKING:
    from caremarket.brokerage.workflow.need import Need
    from caremarket.ingest.problem import DataProblemError

brokerage_app = typer.Typer(
    help=(
        "Brokerage: requests, offers and awards for the people waiting for care (PostgreSQL), "
        "and where each package fits best."
    ),
    no_args_is_help=True,
)
brokerage_app.command("fit")(fit)

DbUrlOption = Annotated[
    str | None,
    typer.Option(
        "--db-url",
        envvar="CAREMARKET_BROKERAGE_URL",
        help="PostgreSQL connection string for the brokerage workflow.",
        show_default=False,
    ),
]


@contextmanager
def workflow_database(url: str | None, folder: Path | None) -> Iterator[str]:
    """The workflow's database: --db-url, else the local cluster in --accounts-dir."""
    # Imported here: psycopg is only needed by these commands.
    import psycopg

    with accounts_database(url, folder) as conninfo:
        if conninfo is None:
            raise typer.BadParameter(
                "give --db-url (a PostgreSQL server) or --accounts-dir (the local cluster "
                "`caremarket serve` uses)"
            )
        try:
            yield conninfo
        except psycopg.OperationalError as error:
            first = (str(error).strip().splitlines() or ["no reason given"])[0]
            raise UserError(
                f"cannot reach the brokerage database ({first})",
                "check --db-url, or use --accounts-dir",
            ) from None


@brokerage_app.command("init")
def init(db_url: DbUrlOption = None, accounts_dir: AccountsDirOption = None) -> None:
    """Create the brokerage schema, or bring it up to date (safe to run again)."""
    from caremarket.brokerage.workflow.migrate import migrate, schema_version

    with workflow_database(db_url, accounts_dir) as conninfo:
        applied = migrate(conninfo)
        version = schema_version(conninfo)
    done = f"applied {', '.join(map(str, applied))}" if applied else "nothing to apply"
    Console().print(f"Brokerage schema at version {version} ({done}).")


def refused_file(error: DataProblemError, outcome: str) -> UserError:
    """A file refused whole: its first problem (file, row, column, expected), how many more."""
    first = error.problems[0].message
    more = len(error.problems) - 1
    others = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return UserError(f"{outcome}: {first}{others}", "correct the file and try again")


@brokerage_app.command("import-waiting")
def import_waiting(
    care_list: Annotated[
        Path,
        typer.Argument(
            help="The interim care list CSV (council/interim_care_list.csv).",
            exists=True,
            dir_okay=False,
        ),
    ],
    db_url: DbUrlOption = None,
    accounts_dir: AccountsDirOption = None,
    broker: Annotated[
        str, typer.Option(help="Who the audit log names as opening the requests.")
    ] = "import-waiting",
) -> None:
    """Open a request for every person on the interim care list still waiting.

    The whole file is refused, and nothing imported, if any row lacks a postcode
    district, needs 0 hours or less, or must start before it was added.
    """
    from caremarket.brokerage.workflow.lifecycle import Actor, Party
    from caremarket.brokerage.workflow.postgres import WorkflowStore
    from caremarket.brokerage.workflow.waiting_list import read_waiting
    from caremarket.ingest.problem import DataProblemError

    try:
        needs = read_waiting(care_list)
    except DataProblemError as error:
        raise refused_file(error, "nothing imported") from None
    with workflow_database(db_url, accounts_dir) as conninfo:
        store = WorkflowStore(conninfo, max_size=1)
        try:
            opened = store.import_waiting(needs, Actor(broker, Party.BROKER))
        finally:
            store.close()
    Console().print(opened_line(opened, len(needs), str(care_list)))


def opened_line(opened: Sequence[Need], waiting: int, source: str) -> str:
    """What an import of the waiting list did, in one line (how many opened, how many held)."""
    hours = sum(n.hours_per_week for n in opened)
    held = waiting - len(opened)
    already = f"; {held} already had a request, not opened again" if held else ""
    return f"Opened {len(opened)} requests ({hours:,.2f} hours a week) from {source}{already}."


@brokerage_app.command("providers")
def providers(
    providers_file: Annotated[
        Path,
        typer.Argument(
            help="CSV: provider_id, name, email, districts, on_framework, last_resort, "
            "principal_of, rating.",
            exists=True,
            dir_okay=False,
        ),
    ],
    db_url: DbUrlOption = None,
    accounts_dir: AccountsDirOption = None,
) -> None:
    """Declare the providers the council brokers with: the framework, the districts each
    serves, the zones' principal providers and the council's provider of last resort.

    The whole file is refused, and nothing changed, if any row is wrong.
    """
    from caremarket.brokerage.workflow.postgres import WorkflowStore
    from caremarket.brokerage.workflow.providers_file import read_providers
    from caremarket.ingest.problem import DataProblemError

    try:
        entries = read_providers(providers_file)
    except DataProblemError as error:
        raise refused_file(error, "nothing changed") from None
    with workflow_database(db_url, accounts_dir) as conninfo:
        store = WorkflowStore(conninfo, max_size=1)
        try:
            count = store.register_providers(entries)
        finally:
            store.close()
    last = [e.name for e in entries if e.last_resort]
    zones = sum(len(e.principal_of) for e in entries)
    Console().print(
        f"{count} providers declared ({sum(e.on_framework for e in entries)} on the framework, "
        f"principal provider of {zones} zones"
        + (f"; provider of last resort: {', '.join(last)}" if last else "")
        + f") from {providers_file}."
    )


@brokerage_app.command("notify")
def notify(
    db_url: DbUrlOption = None,
    accounts_dir: AccountsDirOption = None,
    smtp_host: Annotated[str, typer.Option(help="SMTP server.")] = "127.0.0.1",
    smtp_port: Annotated[int, typer.Option(help="SMTP port.")] = 25,
    sender: Annotated[str, typer.Option(help="The From address.")] = "brokerage@council.invalid",
    portal_url: Annotated[
        str, typer.Option(help="Where providers reach the portal.")
    ] = "http://127.0.0.1:8000",
) -> None:
    """Email providers about the requests newly open to them (each notice once; run it often)."""
    from caremarket.brokerage.workflow.notify import notify_due
    from caremarket.brokerage.workflow.postgres import WorkflowStore
    from caremarket.brokerage.workflow.smtp import SmtpSender

    with workflow_database(db_url, accounts_dir) as conninfo:
        store = WorkflowStore(conninfo, max_size=2)
        try:
            sent = notify_due(
                store, SmtpSender(smtp_host, smtp_port), sender=sender, portal_url=portal_url
            )
        except OSError as error:
            raise UserError(
                f"cannot send email through {smtp_host}:{smtp_port} ({error})",
                "check --smtp-host and --smtp-port",
            ) from None
        finally:
            store.close()
    Console().print(f"Sent {sent} notices.")
