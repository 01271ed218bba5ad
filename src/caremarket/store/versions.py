"""Versions of a store file: loads write a copy and swap it in whole, readers never wait.

DuckDB lets one process write a database file, and a reader holding the file
open keeps a writer out. So nothing writes the live file in place: a writer
takes the store's writer lock (`STORE.lock`, one writer at a time), copies the
live file to a draft beside it, loads into the draft, writes it to disk
(checkpoint, fsync) and renames it over the live file (atomic on POSIX). A
reader that opened the old version keeps reading it, whole, until it closes
it (the old file's space is freed then); a reader opening the store after the
rename sees the new version, whole. A writer killed midway leaves only a
draft, which the next writer deletes: the live file is never half written.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from caremarket.store.duckdb_store import DuckDBStore

DRAFT_MARK = ".draft-"


class NoStore(FileNotFoundError):
    """There is no store at the path given (only loads create one)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no store at {path}")
        self.path = path


class StoreInUse(OSError):
    """Another program holds the store open for writing (DuckDB's file lock)."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"the store {path} is open for writing in another program: {detail}")
        self.path = path
        self.detail = detail


def _open_read_only(path: Path) -> DuckDBStore:
    """The live file opened read-only; StoreInUse if another program holds it open for writing.

    Our own writers never write the live file in place, so such a lock is
    someone else's (a DuckDB shell, a notebook).
    """
    try:
        return DuckDBStore(path, read_only=True)
    except duckdb.IOException as error:
        if "Could not set lock" in str(error):
            raise StoreInUse(path, str(error).split(": ", 1)[-1]) from None
        raise


@dataclass(frozen=True, slots=True)
class FileVersion:
    """Which file the store's path names now: changes whenever a new version is published."""

    inode: int
    modified_ns: int
    size: int


def file_version(path: Path) -> FileVersion | None:
    """The version the path names now (None if there is no store there yet)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return FileVersion(found.st_ino, found.st_mtime_ns, found.st_size)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _drafts(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}{DRAFT_MARK}*"))


@contextlib.contextmanager
def _writer_lock(path: Path, waiting: Callable[[], None] | None) -> Iterator[None]:
    """Hold the store's writer lock (released by the system if the writer dies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def writing(
    path: Path, *, waiting: Callable[[], None] | None = None, publish_unchanged: bool = False
) -> Iterator[DuckDBStore]:
    """A writable copy of the store at `path`, published as its new version on success.

    Nothing is published when the block raises, or when nothing was loaded or
    removed (unless `publish_unchanged`). `waiting` is called once if another
    writer holds the lock and this one must wait for it.
    """
    with _writer_lock(path, waiting):
        for left in _drafts(path):  # a writer killed before it published
            left.unlink(missing_ok=True)
        draft = path.with_name(f"{path.name}{DRAFT_MARK}{os.getpid()}")
        if path.exists():
            # A copy taken while another program writes the file could miss what it has
            # not written yet, and publishing would throw its work away.
            _open_read_only(path).close()
            shutil.copyfile(path, draft)
            if _wal(path).exists():  # a store last written in place, not yet checkpointed
                shutil.copyfile(_wal(path), _wal(draft))
        store = DuckDBStore(draft)
        try:
            yield store
            if not (store.changed or publish_unchanged or not path.exists()):
                store.close()
                return
            store.next_generation()
            store.checkpoint()
            store.close()
            if _wal(draft).exists():
                raise RuntimeError(f"{draft} still has a write-ahead log after its checkpoint")
            _fsync(draft)
            os.replace(draft, path)
            _fsync(path.parent)
        finally:
            store.close()
            draft.unlink(missing_ok=True)
            _wal(draft).unlink(missing_ok=True)


def reading(path: Path) -> DuckDBStore:
    """The store's current version, read-only; NoStore if there is none (reading never makes one).

    Never takes the writer's lock. StoreInUse if another program holds it open for writing.
    """
    if not path.is_file():
        raise NoStore(path)
    return _open_read_only(path)
