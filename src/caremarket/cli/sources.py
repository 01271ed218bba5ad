"""`caremarket sources`: the releases caremarket can read."""

from __future__ import annotations

from typing import Annotated

import typer

from caremarket.cli.options import WideOption
from caremarket.cli.render import Fit, OutputFormat, write_records
from caremarket.ingest.sources import SOURCES


def sources(
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or json.")
    ] = OutputFormat.TABLE,
    wide: WideOption = False,
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
    fit = Fit(optional=("cadence", "publisher"), whole=("source_id",))
    write_records(records, output, title="Sources caremarket reads", fit=fit, wide=wide)
