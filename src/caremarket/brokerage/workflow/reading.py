"""The brokerage figures read for a publication: a read-only look at the workflow's audit log.

The figures are the same function's (`brokerage_figures`) that the dashboard and the API
serve, over a connection that may not write: a report never changes the workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

from caremarket.brokerage.workflow.figures import BrokerageReading, brokerage_figures
from caremarket.brokerage.workflow.postgres import NO_JIT, plain


def _now() -> datetime:
    return datetime.now(UTC)


def read_figures(
    conninfo: str, *, threshold: int | None = None, clock: Callable[[], datetime] = _now
) -> BrokerageReading:
    """The brokerage figures now, small numbers hidden when `threshold`; none (with the reason)
    when the database holds no workflow. psycopg.OperationalError when it cannot be reached."""
    with psycopg.connect(conninfo, row_factory=dict_row, connect_timeout=10, options=NO_JIT) as con:
        con.read_only = True
        found = con.execute("SELECT to_regclass('brokerage.audit_log') AS t").fetchone()
        if found is None or found["t"] is None:
            return BrokerageReading(
                None,
                reason="the brokerage database holds no workflow yet "
                "(`caremarket brokerage init` makes it)",
            )

        def query(sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
            return [plain(r) for r in con.execute(sql.encode(), params).fetchall()]

        at = clock()
        figures = brokerage_figures(query, at.date(), threshold=threshold)
    return BrokerageReading(figures, at)
