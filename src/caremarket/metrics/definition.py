"""Plain-English definitions of metrics for readers, declared in `data/definitions.yaml`.

A metric's docstring says how it is computed, for developers; a reader's
definition says what the figure means, for the people a Market Position
Statement is written for. Documents take their definitions from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True, slots=True)
class ReaderDefinition:
    """A figure's name and meaning as a reader sees them."""

    metric: str
    label: str
    definition: str


@cache
def reader_definitions() -> dict[str, ReaderDefinition]:
    """Every reader's definition, by metric name."""
    text = resources.files("caremarket.metrics").joinpath("data/definitions.yaml")
    loaded = yaml.safe_load(text.read_text(encoding="utf-8"))
    return {
        name: ReaderDefinition(
            name, str(entry["label"]), " ".join(str(entry["definition"]).split())
        )
        for name, entry in loaded["definitions"].items()
    }


def reader_definition(name: str) -> ReaderDefinition | None:
    """The reader's definition of a metric (None when none is written)."""
    return reader_definitions().get(name)
