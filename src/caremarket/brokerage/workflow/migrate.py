"""Plain versioned SQL migrations for the brokerage schema, applied once each, in order.

Migrations are `migrations/NNNN_name.sql`; `brokerage.schema_version` records those
applied. Running `migrate` again applies nothing new; two processes migrating at
once queue on an advisory lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Final

import psycopg

_LOCK: Final = 770_078
_NAME: Final = re.compile(r"^(\d{4})_(\w+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One versioned SQL file."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped with the package, by version."""
    found = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text()))
    return sorted(found, key=lambda m: m.version)


def migrate(conninfo: str) -> list[int]:
    """Bring the database's brokerage schema up to date; the versions applied now."""
    applied: list[int] = []
    with psycopg.connect(conninfo, autocommit=True) as con:
        with con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            con.execute("CREATE SCHEMA IF NOT EXISTS brokerage")
            con.execute(
                "CREATE TABLE IF NOT EXISTS brokerage.schema_version ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
        for migration in migrations():
            with con.transaction():
                con.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
                done = con.execute(
                    "SELECT 1 FROM brokerage.schema_version WHERE version = %s",
                    (migration.version,),
                ).fetchone()
                if done:
                    continue
                con.execute(migration.sql.encode())
                con.execute(
                    "INSERT INTO brokerage.schema_version (version, name) VALUES (%s, %s)",
                    (migration.version, migration.name),
                )
                applied.append(migration.version)
    return applied


def schema_version(conninfo: str) -> int:
    """The newest migration applied (0: none)."""
    with psycopg.connect(conninfo) as con:
        exists = con.execute("SELECT to_regclass('brokerage.schema_version')").fetchone()
        if exists is None or exists[0] is None:
            return 0
        row = con.execute("SELECT coalesce(max(version), 0) FROM brokerage.schema_version")
        found = row.fetchone()
        return int(found[0]) if found else 0
