"""`caremarket serve` and `caremarket users`: the tool's front door."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from caremarket.cli.main import app
from caremarket.cli.serve import on_loopback
from caremarket.web.accounts.cluster import free_port
from caremarket.web.accounts.postgres import PostgresAccountStore
from caremarket.web.viewer import Role


def test_users_add_and_token(postgres: str) -> None:
    """`users add` makes a hashed account and `users token` prints a working token."""
    runner = CliRunner()
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "cli-provider",
            "--role",
            "provider",
            "--provider-id",
            "1-999",
            "--password-stdin",
            "--accounts-url",
            postgres,
        ],
        input="a long enough password\n",
    )
    assert added.exit_code == 0, added.output
    assert "Added cli-provider (provider, provider 1-999)" in added.output
    token = runner.invoke(app, ["users", "token", "cli-provider", "--accounts-url", postgres])
    assert token.exit_code == 0
    accounts = PostgresAccountStore(postgres)
    user = accounts.token_user(token.output.strip())
    accounts.close()
    assert user is not None and user.provider_id == "1-999"
    revoked = runner.invoke(app, ["users", "revoke", "cli-provider", "--accounts-url", postgres])
    assert revoked.exit_code == 0 and "Revoked 1 token(s)" in revoked.output
    accounts = PostgresAccountStore(postgres)
    assert accounts.token_user(token.output.strip()) is None
    accounts.close()


def test_users_add_refuses_a_provider_without_its_id(postgres: str) -> None:
    """A provider account needs the provider's CQC id."""
    result = CliRunner().invoke(
        app,
        [
            "users",
            "add",
            "nobody",
            "--role",
            "provider",
            "--password-stdin",
            "--accounts-url",
            postgres,
        ],
        input="a long enough password\n",
    )
    assert result.exit_code != 0 and "provider-id" in result.output


def test_serve_answers_on_loopback(demo_db: Path, tmp_path: Path) -> None:
    """`caremarket serve` serves the map and the API until stopped."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from caremarket.cli.main import app; app()",
            "serve",
            "--db",
            str(demo_db),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180  # a loaded machine warms up slowly
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/areas", timeout=5)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.3)
        assert response.status_code == 200 and response.json()["council"]["area_name"] == "Norfolk"
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_users_end_sessions_reset_password_and_remove(postgres: str) -> None:
    """end-sessions signs out; reset-password changes it and signs out; remove deletes all."""
    runner = CliRunner()
    accounts = PostgresAccountStore(postgres)
    try:
        user = accounts.add_user("cli-council", "the first password", Role.COUNCIL)
        first = accounts.create_session(user, 8)
        ended = runner.invoke(
            app, ["users", "end-sessions", "cli-council", "--accounts-url", postgres]
        )
        assert ended.exit_code == 0 and "Ended 1 session(s)" in ended.output
        assert accounts.session_user(first) is None
        second = accounts.create_session(user, 8)
        reset = runner.invoke(
            app,
            [
                "users",
                "reset-password",
                "cli-council",
                "--password-stdin",
                "--accounts-url",
                postgres,
            ],
            input="the second password\n",
        )
        assert reset.exit_code == 0 and "1 session(s) ended" in reset.output
        assert accounts.session_user(second) is None
        assert accounts.verify_password("cli-council", "the first password") is None
        assert accounts.verify_password("cli-council", "the second password") is not None
        token = accounts.create_token("cli-council", "tests")
        removed = runner.invoke(app, ["users", "remove", "cli-council", "--accounts-url", postgres])
        assert removed.exit_code == 0
        assert not accounts.has_user("cli-council") and accounts.token_user(token) is None
        again = runner.invoke(app, ["users", "remove", "cli-council", "--accounts-url", postgres])
        assert again.exit_code != 0 and "no user called" in again.output
    finally:
        accounts.close()


def test_serve_sends_secure_cookies_unless_on_loopback() -> None:
    """`serve` has --secure-cookies, on by default for any address but loopback."""
    assert "--secure-cookies" in CliRunner().invoke(app, ["serve", "--help"]).output
    assert all(on_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "127.0.0.2"))
    assert not any(on_loopback(h) for h in ("0.0.0.0", "192.0.2.1", "::", "example.org"))
