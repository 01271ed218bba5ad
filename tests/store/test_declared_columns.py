"""A store made before a column or table was declared gains it on opening, empty."""

from __future__ import annotations

from pathlib import Path

import duckdb

from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

FIXTURES = Path(__file__).parents[1] / "fixtures" / "cqc_api"


def test_an_older_store_gains_new_columns_and_still_loads(tmp_path: Path) -> None:
    """The manager columns and the relationship table appear; old rows read null, not false."""
    path = tmp_path / "old.duckdb"
    with DuckDBStore(path):
        pass
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE location_relationship")
    con.execute("ALTER TABLE location DROP COLUMN registered_manager_absent")
    con.execute("ALTER TABLE location DROP COLUMN registered_manager_absent_date")
    con.execute("INSERT INTO location (release_id, location_id) VALUES ('old', '1-1')")
    con.close()
    with DuckDBStore(path) as store:
        old = store.query("SELECT registered_manager_absent FROM location WHERE release_id = 'old'")
        assert old["registered_manager_absent"].to_list() == [None]
        ingest_file(store, FIXTURES / "constructed_api_csv_ownership_change.csv")
        links = store.query("SELECT count(*) AS n FROM location_relationship")["n"].item()
        assert links == 1
