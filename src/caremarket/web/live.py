"""The store version the web tool answers from, and picking up a new one between requests.

A load publishes a new version of the store file (see caremarket.store.versions).
The tool notices (a `stat` of the file at most every `check_seconds`), opens the
new version and computes its latest figures in a background thread while requests
go on being answered from the old one, then switches. Each request is bound to
one version from start to end, so no answer mixes two; its response names the
version in the `X-Store-Version` header. An old version's file is closed when its
last request ends.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from caremarket.domain.area import Area
from caremarket.store.duckdb_store import DuckDBStore
from caremarket.store.store import Store
from caremarket.store.versions import FileVersion, file_version
from caremarket.web.market import Market, NoRelease
from caremarket.web.responses import ResponseCache

_LOG = logging.getLogger(__name__)

VERSION_HEADER = "x-store-version"


@dataclass(slots=True)
class StoreVersion:
    """One version of the store with its market and response cache; `users` requests in it."""

    generation: int
    store: Store
    market: Market
    cache: ResponseCache
    users: int = 0
    retired: bool = False


_BOUND: ContextVar[StoreVersion | None] = ContextVar("caremarket_store_version", default=None)


def _generation(store: Store) -> int:
    counted: Callable[[], int] | None = getattr(store, "generation", None)
    return counted() if counted is not None else 0


class LiveStore:
    """The current store version; with `follow`, newer versions of that file replace it."""

    def __init__(
        self,
        store: Store,
        council: Area,
        cache_size: int,
        *,
        follow: Path | None = None,
        check_seconds: float = 0.25,
    ) -> None:
        self.council = council
        self.follow = follow
        self.check_seconds = check_seconds
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._file: FileVersion | None = file_version(follow) if follow else None
        self._current = self._version(store)
        self._checked = time.monotonic()
        self._preparing: threading.Thread | None = None
        self._closed = False

    def _version(self, store: Store) -> StoreVersion:
        return StoreVersion(
            _generation(store), store, Market(store, self.council), ResponseCache(self._cache_size)
        )

    def current(self) -> StoreVersion:
        """The version bound to this request, else the newest one."""
        return _BOUND.get() or self._current

    @contextmanager
    def bound(self) -> Iterator[StoreVersion]:
        """Bind the newest version to the code run inside (one request), and hold it open."""
        self._notice_changes()
        with self._lock:
            version = self._current
            version.users += 1
        token = _BOUND.set(version)
        try:
            yield version
        finally:
            _BOUND.reset(token)
            with self._lock:
                version.users -= 1
                finished = version.retired and version.users == 0
            if finished:
                version.store.close()

    def _notice_changes(self) -> None:
        if self.follow is None or self._closed:
            return
        now = time.monotonic()
        if now - self._checked < self.check_seconds:
            return
        self._checked = now
        seen = file_version(self.follow)
        if seen is None or seen == self._file:
            return
        with self._lock:
            if self._preparing is not None:
                return
            self._preparing = threading.Thread(
                target=self._prepare, args=(seen,), name="store-version", daemon=True
            )
            self._preparing.start()

    def _prepare(self, seen: FileVersion) -> None:
        """Open the new version, compute its latest figures, then switch to it."""
        assert self.follow is not None
        try:
            store = DuckDBStore(self.follow, read_only=True)
            version = self._version(store)
            with contextlib.suppress(NoRelease):  # without the council's releases pages say so
                version.market.snapshot()
            self.switch(version, seen)
        except Exception:  # the old version keeps answering; the next check tries again
            _LOG.exception("could not open the new version of %s", self.follow)
        finally:
            with self._lock:
                self._preparing = None

    def switch(self, version: StoreVersion, seen: FileVersion | None = None) -> None:
        """Answer new requests from `version`; the old one closes when its requests end."""
        with self._lock:
            old = self._current
            self._current = version
            self._file = seen if seen is not None else self._file
            old.retired = True
            finished = old.users == 0
        _LOG.info("now answering from store version %s", version.generation)
        if finished and self.follow is not None:
            old.store.close()

    def wait_until_idle(self, timeout: float = 30.0) -> None:
        """Wait for a version being prepared (tests and shutdown)."""
        preparing = self._preparing
        if preparing is not None:
            preparing.join(timeout)

    def close(self) -> None:
        """Stop following the file and close the current version's store (if opened here)."""
        self._closed = True
        self.wait_until_idle()
        if self.follow is not None:
            self._current.store.close()


class BindVersion:
    """ASGI middleware: each HTTP request runs in one store version, named in its response."""

    def __init__(self, app: ASGIApp, live: LiveStore) -> None:
        self.app = app
        self.live = live

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Bind the version, pass the request on, add the header to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with self.live.bound() as version:
            named = str(version.generation).encode()

            async def with_version(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [
                        *message.get("headers", []),
                        (VERSION_HEADER.encode(), named),
                    ]
                await send(message)

            await self.app(scope, receive, with_version)
