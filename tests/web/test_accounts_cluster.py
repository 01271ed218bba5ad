"""The local accounts cluster: a password for every connection, fsync on, and a restart
that no request notices once the server is back."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from caremarket.store.duckdb_store import DuckDBStore
from caremarket.web.accounts.cluster import LocalCluster, free_port, server_binaries
from caremarket.web.accounts.postgres import PostgresAccountStore
from caremarket.web.app import create_app
from caremarket.web.settings import WebSettings
from caremarket.web.viewer import Role

from .conftest import PASSWORD, start_serving


def _folder() -> Path:
    try:
        server_binaries()
    except LookupError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(error))
    return Path(tempfile.mkdtemp(prefix="caremarket-pg-"))


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """A fresh local cluster of its own (this module restarts it)."""
    folder = _folder()
    made = LocalCluster(folder, free_port()).start()
    yield made
    made.stop()
    shutil.rmtree(folder, ignore_errors=True)


def _refused(conninfo: str) -> bool:
    try:
        psycopg.connect(conninfo, connect_timeout=5).close()
    except psycopg.OperationalError:
        return True
    return False


def test_the_cluster_asks_every_connection_for_its_password(cluster: LocalCluster) -> None:
    """No password or a wrong one is refused, on TCP and on the socket; the secret is mode 600."""
    assert stat.S_IMODE(cluster.secret_file.stat().st_mode) == 0o600
    plain = f"port={cluster.port} user=postgres dbname=postgres"
    assert _refused(f"host=127.0.0.1 {plain}")
    assert _refused(f"host=127.0.0.1 {plain} password=guess")
    assert _refused(f"host={cluster.folder.resolve()} {plain}")
    with psycopg.connect(cluster.conninfo) as con:
        assert con.execute("SHOW fsync").fetchone() == ("on",)
        assert con.execute("SHOW password_encryption").fetchone() == ("scram-sha-256",)
    hba = (cluster.folder / "pg_hba.conf").read_text().splitlines()
    assert not [line for line in hba if "trust" in line and not line.lstrip().startswith("#")]


def test_a_cluster_made_to_trust_is_given_a_password_on_start() -> None:
    """A folder initialised with `-A trust` (as before) asks for a password once started here."""
    folder = _folder()
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        initdb = [str(server_binaries() / "initdb"), "-D", str(folder), "-U", "postgres"]
        subprocess.run(
            [*owner, *initdb, "-A", "trust", "--no-sync"], check=True, capture_output=True
        )
        cluster = LocalCluster(folder, free_port()).start()
        try:
            assert _refused(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres")
            with psycopg.connect(cluster.conninfo) as con:
                assert con.execute("SELECT 1").fetchone() == (1,)
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_no_request_fails_after_postgresql_restarts(cluster: LocalCluster, demo_db: Path) -> None:
    """Once PostgreSQL is back after a restart, every request succeeds (none gives 500)."""
    accounts = PostgresAccountStore(cluster.conninfo)
    store = DuckDBStore(demo_db, read_only=True)
    try:
        accounts.add_user("restart-council", PASSWORD, Role.COUNCIL)
        token = accounts.create_token("restart-council", "tests")
        settings = WebSettings(secret_key="k", token_cache_seconds=0)
        app = create_app(settings, store, accounts)
        client = TestClient(
            app, headers={"Authorization": f"Bearer {token}"}, raise_server_exceptions=False
        )
        assert [client.get("/api/v1/me").status_code for _ in range(5)] == [200] * 5
        cluster.stop()
        cluster.start()
        after = [client.get("/api/v1/me") for _ in range(10)]
        assert [r.status_code for r in after] == [200] * 10
        assert after[-1].json()["role"] == "council"
    finally:
        accounts.close()
        store.close()


def test_serve_stops_the_cluster_it_started_when_terminated(demo_db: Path) -> None:
    """`caremarket serve --accounts-dir` sent SIGTERM (as a service manager stops it) shuts
    down the cluster it started, and exits with the signal's status."""
    folder = _folder()
    server = None
    try:
        server, _ = start_serving("--db", str(demo_db), "--accounts-dir", str(folder))
        assert LocalCluster.in_folder(folder).running()
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=60)[0].decode()
        assert server.returncode == 128 + signal.SIGTERM, output
        assert "Traceback" not in output
        assert not LocalCluster.in_folder(folder).running()
    finally:
        if server is not None and server.poll() is None:
            server.kill()
        LocalCluster.in_folder(folder).stop()
        shutil.rmtree(folder, ignore_errors=True)
