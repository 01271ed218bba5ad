"""docs/metrics.md is the registry's own catalogue."""

from __future__ import annotations

from pathlib import Path

from caremarket.metrics import METRICS
from caremarket.metrics.catalogue import catalogue_markdown

DOC = Path(__file__).parents[2] / "docs" / "metrics.md"


def test_docs_match_the_registry() -> None:
    """The committed catalogue equals the one generated from the registry."""
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/metrics.md is stale: regenerate it with "
        "python -c 'from caremarket.metrics.catalogue import catalogue_markdown as c; "
        'open("docs/metrics.md", "w").write(c())\''
    )


def test_every_metric_is_documented() -> None:
    """Each metric name appears in the catalogue."""
    text = catalogue_markdown()
    assert all(f"`{name}`" in text for name in METRICS)
