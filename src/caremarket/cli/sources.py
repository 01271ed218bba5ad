"""`caremarket sources`: the releases caremarket can read."""

from __future__ import annotations

from typing import Annotated

import typer

from caremarket.cli.render import OutputFormat, write_records
from caremarket.ingest.sources import SOURCES


def sources(
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
) -> None:
    """List the sources caremarket reads: publisher, cadence, licence."""
    records: list[dict[str, object]] = [
        {
            "source_id": s.id,
            "title": s.title,
            "publisher": s.publisher,
            "cadence": s.cadence,
            "licence": s.licence.value,
        }
        for s in SOURCES
    ]
    write_records(records, output, title="Sources caremarket reads")
