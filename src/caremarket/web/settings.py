"""The web tool's settings, declared once and passed to `create_app`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from caremarket.report.disclosure import disclosure_policy


def small_number_threshold() -> int:
    """The disclosure threshold the published report uses (`metrics/data/disclosure.yaml`)."""
    return disclosure_policy().threshold


@dataclass(frozen=True, slots=True)
class WebSettings:
    """What the web tool serves and how.

    - `council`: the council whose market is shown (name or GSS code).
    - `accounts_url`: PostgreSQL connection string for accounts, sessions,
      API tokens and the audit log (None: only the public view is offered).
    - `secret_key`: signs session and CSRF cookies; a random one per process
      when not given (sessions then end when the server restarts).
    - `small_number_threshold`: public and provider views hide a value with
      0 < n < threshold.
    - `secure_cookies`: send cookies only over HTTPS, and tell browsers (HSTS) to
      use only HTTPS here (set behind TLS; `serve` sets it when not on loopback).
    - `zones_dir`: a folder of home-care zone designs (`caremarket zones design --out`),
      shown to council users on the zones page (None: no designs offered).
    - `sign_in_attempts` failed sign-ins for one name (from browsers that never signed
      in with it; a browser that did counts its own) or `sign_in_attempts_per_address`
      from one client address, within `sign_in_lockout_minutes`, hold further
      attempts back until that window ends (see caremarket.web.sign_in_throttle).
    """

    council: str = "Norfolk"
    accounts_url: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    small_number_threshold: int = field(default_factory=small_number_threshold)
    session_hours: float = 8.0
    sign_in_attempts: int = 5
    sign_in_attempts_per_address: int = 20
    sign_in_lockout_minutes: int = 15
    secure_cookies: bool = False
    token_cache_seconds: float = 30.0
    response_cache_size: int = 4096
    zones_dir: Path | None = None
