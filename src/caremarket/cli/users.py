"""`caremarket users`: local accounts for council and provider users, and their API tokens."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from caremarket.cli.serve import AccountsDirOption, AccountsUrlOption, accounts_database
from caremarket.web.viewer import Role

if TYPE_CHECKING:
    from caremarket.web.accounts.postgres import PostgresAccountStore

users = typer.Typer(help="Council and provider accounts and API tokens.", no_args_is_help=True)


@contextmanager
def _store(url: str | None, folder: Path | None) -> Iterator[PostgresAccountStore]:
    with accounts_database(url, folder) as conninfo:
        if conninfo is None:
            raise typer.BadParameter("give --accounts-url or --accounts-dir")
        # Imported here: psycopg is only needed by these commands.
        from caremarket.web.accounts.postgres import PostgresAccountStore

        store = PostgresAccountStore(conninfo)
        try:
            yield store
        finally:
            store.close()


PasswordStdinOption = Annotated[
    bool, typer.Option(help="Read the password from standard input instead of a prompt.")
]


def _password(from_stdin: bool, prompt: str) -> str:
    """A password from standard input's first line, or asked for twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


@users.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[Role, typer.Option(help="council or provider.")],
    provider_id: Annotated[
        str | None, typer.Option(help="For a provider: its CQC provider id (1-123456789).")
    ] = None,
    password_stdin: PasswordStdinOption = False,
    accounts_url: AccountsUrlOption = None,
    accounts_dir: AccountsDirOption = None,
) -> None:
    """Add a council or provider user (the password is hashed with Argon2id)."""
    password = _password(password_stdin, "Password")
    with _store(accounts_url, accounts_dir) as store:
        try:
            user = store.add_user(name, password, role, provider_id)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
    Console().print(
        f"Added {user.name} ({user.role.value}"
        f"{', provider ' + user.provider_id if user.provider_id else ''})."
    )


@users.command("token")
def token(
    name: Annotated[str, typer.Argument(help="User name.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    accounts_url: AccountsUrlOption = None,
    accounts_dir: AccountsDirOption = None,
) -> None:
    """Create an API bearer token for a user and print it (it is shown only once)."""
    with _store(accounts_url, accounts_dir) as store:
        try:
            secret = store.create_token(name, label)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
    print(secret)


@users.command("revoke")
def revoke(
    name: Annotated[str, typer.Argument(help="User name.")],
    accounts_url: AccountsUrlOption = None,
    accounts_dir: AccountsDirOption = None,
) -> None:
    """Revoke every API token of a user (a running server forgets them within 30 s)."""
    with _store(accounts_url, accounts_dir) as store:
        count = store.revoke_tokens(name)
    Console().print(f"Revoked {count} token(s) of {name}.")


@users.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="User name.")],
    accounts_url: AccountsUrlOption = None,
    accounts_dir: AccountsDirOption = None,
) -> None:
    """Remove a user with their sessions and API tokens (the audit log keeps its entries).

    A running server may accept a removed user's API token for up to 30 s.
    """
    with _store(accounts_url, accounts_dir) as store:
        try:
            store.remove_user(name)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
    Console().print(f"Removed {name}, their sessions and API tokens.")


@users.command("reset-password")
def reset_password(
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: PasswordStdinOption = False,
    accounts_url: AccountsUrlOption = None,
    accounts_dir: AccountsDirOption = None,
) -> None:
    """Give a user a new password and end their sessions (API tokens stay: see `revoke`)."""
    password = _password(password_stdin, "New password")
    with _store(accounts_url, accounts_dir) as store:
        try:
            ended = store.reset_password(name, password)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
    Console().print(f"New password for {name}; {ended} session(s) ended.")


@users.command("end-sessions")
def end_sessions(
    name: Annotated[str, typer.Argument(help="User name.")],
    accounts_url: AccountsUrlOption = None,
    accounts_dir: AccountsDirOption = None,
) -> None:
    """Sign a user out everywhere: end every session of theirs."""
    with _store(accounts_url, accounts_dir) as store:
        ended = store.end_sessions(name)
    Console().print(f"Ended {ended} session(s) of {name}.")
