"""Fixtures for the brokerage workflow: a fresh database in the local PostgreSQL cluster."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from tests.web.conftest import postgres  # noqa: F401  (the cluster fixture, shared)

from caremarket.brokerage.workflow.lifecycle import Actor, Party
from caremarket.brokerage.workflow.migrate import migrate
from caremarket.brokerage.workflow.postgres import WorkflowStore

_numbers = itertools.count()

BROKER = Actor("broker-a", Party.BROKER)
BROKER_B = Actor("broker-b", Party.BROKER)


def provider(pid: str) -> Actor:
    """The actor speaking for a provider."""
    return Actor(f"user-{pid}", Party.PROVIDER, pid)


def fresh_database(conninfo: str, label: str) -> str:
    """A new empty database in the cluster; its connection string."""
    name = f"brk_{re.sub(r'[^a-z0-9]', '_', label.lower())[:40]}_{next(_numbers)}"
    with psycopg.connect(conninfo, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    return re.sub(r"dbname=\S+", f"dbname={name}", conninfo)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, hours: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(hours=hours)


@pytest.fixture
def clock() -> Clock:
    """A hand-moved clock starting on a Monday morning."""
    return Clock()


@pytest.fixture
def empty_database(postgres: str, request: pytest.FixtureRequest) -> str:  # noqa: F811
    """A new empty database for this test."""
    return fresh_database(postgres, request.node.name)


@pytest.fixture(scope="session")
def workflow_database(postgres: str) -> str:  # noqa: F811
    """One database with the brokerage schema, for the tests of this folder."""
    conninfo = fresh_database(postgres, "workflow")
    migrate(conninfo)
    return conninfo


@pytest.fixture
def database(workflow_database: str) -> str:
    """The brokerage database, emptied for this test (cheaper than a new database each time)."""
    with psycopg.connect(workflow_database, autocommit=True) as con:
        tables = con.execute(
            "SELECT string_agg('brokerage.' || tablename, ', ') FROM pg_tables "
            "WHERE schemaname = 'brokerage' AND tablename <> 'schema_version'"
        ).fetchone()
        assert tables is not None
        con.execute(f"TRUNCATE {tables[0]} RESTART IDENTITY CASCADE".encode())
    return workflow_database


@pytest.fixture
def workflow(database: str, clock: Clock) -> Iterator[WorkflowStore]:
    """The workflow store on a fresh database, two framework providers serving NR1 and PE30."""
    store = WorkflowStore(database, clock=clock, max_size=12)
    store.register_provider("1-100", "Alpha Care", email="alpha@example.org",
                            districts=["NR1", "NR2"], rating="Good")  # fmt: skip
    store.register_provider("1-200", "Beta Homecare", email="beta@example.org",
                            districts=["NR1", "PE30"], rating="Outstanding")  # fmt: skip
    store.register_provider("1-300", "Gamma Support", districts=["IP22"], on_framework=True)
    yield store
    store.close()


MakeStore = Callable[..., WorkflowStore]
