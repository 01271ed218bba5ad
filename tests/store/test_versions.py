"""Store versions: a load is published whole or not at all, and readers never wait for it."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from caremarket.pipeline import ingest_file
from caremarket.store.versions import file_version, reading, writing

MARCH = "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"


def _april(fixtures: Path, tmp_path: Path) -> Path:
    source = (fixtures / "cqc_hsca" / MARCH).read_text(encoding="utf-8")
    target = tmp_path / MARCH.replace("March", "April")
    target.write_text(source.replace(",Oakham Lodge,,,,,40,", ",Oakham Lodge,,,,,41,"))
    return target


def _dates(db: Path) -> list[str]:
    with reading(db) as store:
        return [
            str(d)
            for d in store.query("SELECT release_date FROM release ORDER BY 1")["release_date"]
        ]


def test_a_reader_keeps_its_version_while_a_new_one_is_published(
    tmp_path: Path, fixtures: Path
) -> None:
    """A store opened before a load sees none of it; one opened after sees all of it."""
    db = tmp_path / "store.duckdb"
    with writing(db) as store:
        ingest_file(store, fixtures / "cqc_hsca" / MARCH)
    before = file_version(db)
    with reading(db) as old:
        generation = old.generation()
        with writing(db) as store:
            ingest_file(store, _april(fixtures, tmp_path))
        assert old.query("SELECT count(*) AS n FROM release")["n"][0] == 1
    assert file_version(db) != before
    with reading(db) as new:
        assert new.generation() == generation + 1
    assert _dates(db) == ["2026-03-01", "2026-04-01"]
    assert not list(tmp_path.glob("store.duckdb.draft-*"))


def test_a_load_that_changes_nothing_publishes_nothing(tmp_path: Path, fixtures: Path) -> None:
    """Loading a file already loaded leaves the store file as it was (no new version)."""
    db = tmp_path / "store.duckdb"
    with writing(db) as store:
        ingest_file(store, fixtures / "cqc_hsca" / MARCH)
    before = file_version(db)
    with writing(db) as store:
        ingest_file(store, fixtures / "cqc_hsca" / MARCH)
    assert file_version(db) == before


KILLED = """
import os, signal, sys
from pathlib import Path
from caremarket.pipeline import ingest_file
from caremarket.store.versions import writing
with writing(Path(sys.argv[1])) as store:
    ingest_file(store, Path(sys.argv[2]))
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_writer_killed_midway_leaves_the_store_as_it_was(tmp_path: Path, fixtures: Path) -> None:
    """kill -9 during a load: the live store is unchanged and the next load cleans up and lands."""
    db = tmp_path / "store.duckdb"
    with writing(db) as store:
        ingest_file(store, fixtures / "cqc_hsca" / MARCH)
    before = file_version(db)
    april = _april(fixtures, tmp_path)
    killed = subprocess.run([sys.executable, "-c", KILLED, str(db), str(april)], check=False)
    assert killed.returncode == -9
    assert file_version(db) == before and _dates(db) == ["2026-03-01"]
    assert list(tmp_path.glob("store.duckdb.draft-*"))
    with writing(db) as store:
        ingest_file(store, april)
    assert _dates(db) == ["2026-03-01", "2026-04-01"]
    assert not list(tmp_path.glob("store.duckdb.draft-*"))


def test_two_writers_take_turns(tmp_path: Path, fixtures: Path) -> None:
    """A second writer waits for the first and both loads land (neither is lost)."""
    db = tmp_path / "store.duckdb"
    with writing(db, publish_unchanged=True):
        pass
    waited = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with writing(db, waiting=waited.set) as store:
                ingest_file(store, _april(fixtures, tmp_path))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    with writing(db) as store:
        ingest_file(store, fixtures / "cqc_hsca" / MARCH)
        thread = threading.Thread(target=second)
        thread.start()
        deadline = time.monotonic() + 10
        while not waited.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waited.is_set()
    thread.join(timeout=60)
    assert not errors
    assert _dates(db) == ["2026-03-01", "2026-04-01"]
