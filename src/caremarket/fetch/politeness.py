"""How hard caremarket may try a publisher's server: declared in the listings file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Politeness:
    """Retries and back-off for one connection at a time."""

    retries: int = 4
    backoff_seconds: float = 2.0
    timeout_seconds: float = 60.0
