"""What one app instance holds: settings, market, accounts, caches and templates."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi.templating import Jinja2Templates
from itsdangerous import URLSafeSerializer

from caremarket.web.accounts.account_store import AccountStore, User
from caremarket.web.live import LiveStore
from caremarket.web.market import Market
from caremarket.web.responses import ResponseCache
from caremarket.web.settings import WebSettings

if TYPE_CHECKING:
    from caremarket.brokerage.workflow.desk import Desk

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@dataclass(slots=True)
class TokenCache:
    """Bearer tokens seen recently, so an API call does not wait on PostgreSQL."""

    seconds: float
    _seen: dict[str, tuple[float, User | None]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, token: str) -> tuple[bool, User | None]:
        """(known, user) for a token looked up less than `seconds` ago."""
        with self._lock:
            found = self._seen.get(token)
        if found is None or time.monotonic() - found[0] > self.seconds:
            return False, None
        return True, found[1]

    def put(self, token: str, user: User | None) -> None:
        """Remember a look-up."""
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen.clear()
            self._seen[token] = (time.monotonic(), user)


@dataclass(slots=True)
class AppState:
    """Everything a request handler may reach, built by `create_app`.

    `market` and `cache` are those of the store version the request is bound to
    (see caremarket.web.live), so one request never mixes two versions.
    """

    settings: WebSettings
    live: LiveStore
    accounts: AccountStore | None
    templates: Jinja2Templates
    tokens: TokenCache
    signer: URLSafeSerializer
    brokerage: Desk | None = None

    @property
    def market(self) -> Market:
        """The council's market in this request's store version."""
        return self.live.current().market

    @property
    def cache(self) -> ResponseCache:
        """The response cache of this request's store version."""
        return self.live.current().cache
