"""Fast, cacheable responses: JSON and CSV bodies built once, with ETags and paging."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

import polars as pl
from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from caremarket.domain.csv_cell import csv_dict_writer

JSON = "application/json"
GEOJSON = "application/geo+json"
CSV = "text/csv; charset=utf-8"
GZIP_MIN = 1024


def _default(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def clean(value: Any) -> Any:
    """Replace NaN and infinities (invalid JSON) by None, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def json_bytes(payload: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(
        clean(payload), default=_default, separators=(",", ":"), ensure_ascii=False
    ).encode()


def csv_bytes(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> bytes:
    """CSV with a header row; lists joined by semicolons."""
    out = io.StringIO()
    writer = csv_dict_writer(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: ";".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()}
        )
    return out.getvalue().encode()


def records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready dicts (NaN as None)."""
    floats = [c for c, t in frame.schema.items() if t.is_float()]
    return (
        frame.with_columns(pl.col(floats).fill_nan(None)).to_dicts() if floats else frame.to_dicts()
    )


class Body:
    """A response body built once: bytes, a gzipped copy, media type and strong ETags."""

    __slots__ = ("content", "etag", "gzipped", "gzipped_etag", "media_type")

    def __init__(self, content: bytes, media_type: str) -> None:
        self.content = content
        self.media_type = media_type
        digest = hashlib.blake2b(content, digest_size=12).hexdigest()
        self.etag = f'"{digest}"'
        # Compressed once here, so a warm server sends map data without compressing again.
        self.gzipped = gzip.compress(content, 6, mtime=0) if len(content) > GZIP_MIN else None
        self.gzipped_etag = f'"{digest}-gz"'


class ResponseCache:
    """A bounded LRU of response bodies, keyed by everything a response depends on."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._bodies: OrderedDict[Hashable, Body] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], Body]) -> Body:
        """The cached body for the key, built by `build` on a miss."""
        with self._lock:
            found = self._bodies.get(key)
            if found is not None:
                self._bodies.move_to_end(key)
                return found
        made = build()
        with self._lock:
            self._bodies[key] = made
            while len(self._bodies) > self._size:
                self._bodies.popitem(last=False)
        return made

    def peek(self, key: Hashable) -> Body | None:
        """The cached body for the key, if there is one (no building)."""
        with self._lock:
            return self._bodies.get(key)

    def clear(self) -> None:
        """Forget every body."""
        with self._lock:
            self._bodies.clear()


def send(
    request: Request, body: Body, *, private: bool = False, filename: str | None = None
) -> Response:
    """The body as a response (gzipped when the client accepts it), or 304 on a matching ETag."""
    zipped = body.gzipped is not None and "gzip" in request.headers.get("accept-encoding", "")
    etag = body.gzipped_etag if zipped else body.etag
    headers = {
        "ETag": etag,
        "Cache-Control": "private, no-cache" if private else "public, no-cache",
        "Vary": "Authorization, Cookie, Accept-Encoding",
    }
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    sent = request.headers.get("if-none-match", "")
    if sent and (body.etag in sent or body.gzipped_etag in sent):
        return Response(status_code=304, headers=headers)
    if zipped and body.gzipped is not None:
        headers["Content-Encoding"] = "gzip"
        return Response(body.gzipped, media_type=body.media_type, headers=headers)
    return Response(body.content, media_type=body.media_type, headers=headers)


def page(items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    """One page of items with the total and the next offset (None on the last page)."""
    chosen = items[offset : offset + limit]
    following = offset + limit if offset + limit < len(items) else None
    return {
        "items": chosen,
        "total": len(items),
        "limit": limit,
        "offset": offset,
        "next_offset": following,
    }


async def cached(
    request: Request,
    cache: ResponseCache,
    key: Hashable,
    build: Callable[[], Body],
    *,
    private: bool = False,
    filename: str | None = None,
) -> Response:
    """Send the cached body for the key; on a miss build it in a worker thread.

    Hits never leave the event loop, so a warm server answers without thread hops.
    """
    body = cache.peek(key)
    if body is None:
        body = await run_in_threadpool(cache.get, key, build)
    return send(request, body, private=private, filename=filename)
