"""The small interface every store offers the pipeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import polars as pl


class Store(Protocol):
    """Keeps releases in the canonical tables, side by side."""

    def has_release(self, release_id: str) -> bool:
        """Whether a release with this id is loaded."""
        ...

    def load(self, release: Mapping[str, Any], tables: Mapping[str, pl.DataFrame]) -> None:
        """Add one release and its rows in one transaction: all or nothing."""
        ...

    def load_many(
        self, releases: Sequence[tuple[Mapping[str, Any], Mapping[str, pl.DataFrame]]]
    ) -> None:
        """Add several releases and their rows in one transaction: all or none."""
        ...

    def remove(self, release_id: str) -> None:
        """Remove one release and its rows in one transaction."""
        ...

    def query(
        self,
        sql: str,
        params: Sequence[object] | Mapping[str, object] = (),
        *,
        frames: Mapping[str, pl.DataFrame] | None = None,
    ) -> pl.DataFrame:
        """Run a read-only SQL query; `frames` are visible to it as tables by name."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...
