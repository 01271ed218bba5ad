"""A local publisher: a small HTTP server serving listing pages and release files per scenario."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import pytest


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes
    status: int = 200
    content_type: str = "application/octet-stream"
    cut_after: int | None = None
    """Announce the whole length but send only this many bytes, then close (a cut download)."""
    cut_times: int = 1_000_000
    """How many requests are cut before the file is served whole."""
    served: int = 0


Answer = Callable[[dict[str, str], dict[str, str]], tuple[int, object, dict[str, str]]]
"""(query, headers) -> (status, JSON body, response headers)."""


@dataclass
class Publisher:
    """The server's routes and its address."""

    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    """Paths answered by a function of the query and headers (an API), by path without query."""

    def page(self, path: str, links: list[str]) -> None:
        """A listing page at `path` linking to `links` (relative or absolute)."""
        anchors = "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
        html = f"<!doctype html><html><body><h1>Data</h1><ul>{anchors}</ul></body></html>"
        self.routes[path] = Route(html.encode(), content_type="text/html; charset=utf-8")

    def file(self, path: str, body: bytes, **kwargs: object) -> None:
        """A release file at `path`."""
        self.routes[path] = Route(body, **kwargs)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    publisher: Publisher

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read `publisher.requests` instead."""

    def do_GET(self) -> None:
        publisher = self.server.publisher  # type: ignore[attr-defined]
        publisher.requests.append((self.path, self.headers.get("Range", "")))
        path, _, query = self.path.partition("?")
        answer = publisher.answers.get(path)
        if answer is not None:
            status, body, headers = answer(dict(parse_qsl(query)), dict(self.headers.items()))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            encoded = json.dumps(body).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)
            return
        route = publisher.routes.get(self.path)
        if route is None:
            self._send(404, b"<html><body>Page not found</body></html>", "text/html")
            return
        route.served += 1
        body, status = route.body, route.status
        start = 0
        requested = self.headers.get("Range", "")
        if requested.startswith("bytes=") and status == 200:
            start = int(requested[6:].split("-")[0])
            status = 206
        chunk = body[start:]
        self.send_response(status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(chunk)))
        self.end_headers()
        if route.cut_after is not None and route.served <= route.cut_times:
            self.wfile.write(chunk[: route.cut_after])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(chunk)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    """A publisher on a free local port, stopped after the test."""
    served = Publisher()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.publisher = served  # type: ignore[attr-defined]
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()


@pytest.fixture
def listings(tmp_path: Path) -> Callable[..., Path]:
    """Write a listings file with one CSV HSCA listing at a page (the shipped one wants ODS)."""

    def write(page: str, **extra: str) -> Path:
        lines = [
            "listings:",
            "  cqc-hsca:",
            "    source_id: cqc_hsca_active_locations",
            "    title: CQC HSCA Active Locations",
            f"    page: {page}",
            "    link: '/(?P<day>\\d{1,2})_(?P<month>[A-Za-z]+)_(?P<year>\\d{4})"
            "_HSCA_Active_Locations\\.csv$'",
            "    types: [csv]",
            "    cadence: monthly",
            "    licence: Open Government Licence v3.0",
            *(f"    {key}: {value}" for key, value in extra.items()),
        ]
        path = tmp_path / "listings.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write
