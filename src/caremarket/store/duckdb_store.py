"""The default store: one DuckDB file holding every release side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from caremarket.domain.tables import TABLES, TABLES_BY_NAME, Kind, Table

_SQL_TYPES: dict[Kind, str] = {
    Kind.TEXT: "VARCHAR",
    Kind.INT: "BIGINT",
    Kind.FLOAT: "DOUBLE",
    Kind.DATE: "DATE",
    Kind.BOOL: "BOOLEAN",
    Kind.TIMESTAMP: "TIMESTAMP",
}

SCHEMA_VERSION = 1


def ddl(table: Table) -> str:
    """CREATE TABLE for a canonical table declaration."""
    columns = ",\n  ".join(
        f"{c.name} {_SQL_TYPES[c.kind]}{' NOT NULL' if c.required else ''}" for c in table.columns
    )
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n  {columns}\n)"


class DuckDBStore:
    """A store in one DuckDB database file (or in memory for ':memory:')."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.changed = False
        if read_only:
            # Attached to a fresh in-memory database rather than connected by path: DuckDB
            # hands a process the instance it already has open for a path, which would be
            # the version a writer has since replaced (see caremarket.store.versions).
            self._con = duckdb.connect(":memory:")
            quoted = self.path.replace("'", "''")
            self._con.execute(f"ATTACH '{quoted}' AS store (READ_ONLY)")
            self._con.execute("USE store")
            return
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(self.path)
        self._create()

    def _create(self) -> None:
        self._con.execute("BEGIN TRANSACTION")
        for table in TABLES:
            self._con.execute(ddl(table))
        # A store made before a column was declared gains it, empty (null: not known).
        present = set(
            self._con.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema()"
            ).fetchall()
        )
        for table in TABLES:
            for column in table.columns:
                if (table.name, column.name) not in present and not column.required:
                    self._con.execute(
                        f"ALTER TABLE {table.name} ADD COLUMN {column.name} "
                        f"{_SQL_TYPES[column.kind]}"
                    )
        self._con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = self._con.execute("SELECT max(version) FROM schema_version").fetchone()
        if row is None or row[0] is None:
            self._con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION])
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS store_generation "
            "(generation BIGINT NOT NULL, written_at TIMESTAMP NOT NULL)"
        )
        counted = self._con.execute("SELECT count(*) FROM store_generation").fetchall()
        if not counted[0][0]:
            self._con.execute("INSERT INTO store_generation VALUES (0, now()::TIMESTAMP)")
        self._con.execute("COMMIT")

    def generation(self) -> int:
        """How many versions of the store were published before this one (0 for a new store)."""
        try:
            rows = self._con.execute("SELECT max(generation) FROM store_generation").fetchall()
        except duckdb.CatalogException:  # a store made before versions were counted
            return 0
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def next_generation(self) -> int:
        """Count this store as a new version (before it is published); the new number."""
        self._con.execute(
            "UPDATE store_generation SET generation = generation + 1, written_at = now()::TIMESTAMP"
        )
        return self.generation()

    def checkpoint(self) -> None:
        """Write everything logged into the database file itself."""
        self._con.execute("CHECKPOINT")

    def has_release(self, release_id: str) -> bool:
        """Whether a release with this id is loaded."""
        row = self._con.execute(
            "SELECT count(*) FROM release WHERE release_id = ?", [release_id]
        ).fetchone()
        return bool(row and row[0])

    def load(self, release: Mapping[str, Any], tables: Mapping[str, pl.DataFrame]) -> None:
        """Add one release and its rows in one transaction: all or nothing."""
        self.load_many([(release, tables)])

    def load_many(
        self, releases: Sequence[tuple[Mapping[str, Any], Mapping[str, pl.DataFrame]]]
    ) -> None:
        """Add several releases and their rows in one transaction: all or none."""
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            for release, tables in releases:
                self._insert(TABLES_BY_NAME["release"], pl.DataFrame([dict(release)]))
                for name, frame in tables.items():
                    if frame.height:
                        self._insert(TABLES_BY_NAME[name], frame)
            con.execute("COMMIT")
            self.changed = True
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _insert(self, table: Table, frame: pl.DataFrame) -> None:
        missing = [c for c in table.column_names if c not in frame.columns]
        frame = frame.with_columns(pl.lit(None).alias(c) for c in missing)
        casts = ", ".join(
            f"CAST({c.name} AS {_SQL_TYPES[c.kind]}) AS {c.name}" for c in table.columns
        )
        arrow = frame.select(table.column_names).to_arrow()
        self._con.register("incoming", arrow)
        try:
            self._con.execute(f"INSERT INTO {table.name} SELECT {casts} FROM incoming")
        finally:
            self._con.unregister("incoming")

    def remove(self, release_id: str) -> None:
        """Remove one release and its rows in one transaction."""
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            for table in TABLES:
                con.execute(f"DELETE FROM {table.name} WHERE release_id = ?", [release_id])
            con.execute("COMMIT")
            self.changed = True
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def query(
        self,
        sql: str,
        params: Sequence[object] | Mapping[str, object] = (),
        *,
        frames: Mapping[str, pl.DataFrame] | None = None,
    ) -> pl.DataFrame:
        """Run a read-only SQL query; `frames` are visible to it as tables by name."""
        for name, frame in (frames or {}).items():
            self._con.register(name, frame.to_arrow())
        try:
            bound = dict(params) if isinstance(params, Mapping) else list(params)
            table = self._con.sql(sql, params=bound).to_arrow_table()
        finally:
            for name in frames or {}:
                self._con.unregister(name)
        return pl.DataFrame(pl.from_arrow(table))

    def close(self) -> None:
        """Close the database file."""
        self._con.close()

    def __enter__(self) -> DuckDBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
