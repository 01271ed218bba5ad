"""Readers' definitions: every metric the MPS shows has one, written for readers (never the
metric's docstring), and the sources it cites are primary or official."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from caremarket.domain.area import Area
from caremarket.metrics import METRICS
from caremarket.metrics.definition import reader_definitions
from caremarket.report.mps import write_mps
from caremarket.store.duckdb_store import DuckDBStore

DATA = Path(__file__).resolve().parents[2] / "src" / "caremarket" / "metrics" / "data"


def test_every_definition_names_a_registered_metric() -> None:
    """The definitions file holds no entry for a metric that does not exist."""
    assert set(reader_definitions()) <= set(METRICS)


def test_no_definition_quotes_a_docstring() -> None:
    """No reader's definition is, contains or is contained in its metric's docstring summary."""
    for name, written in reader_definitions().items():
        docstring = METRICS[name].description.lower().rstrip(".")
        text = written.definition.lower()
        assert docstring not in text and text.rstrip(".") not in docstring, name
        assert len(written.definition) > 30, name
        assert "_" not in written.label and "_" not in written.definition, name


def test_every_metric_the_edition_shows_has_a_definition(
    council_store: DuckDBStore, norfolk: Area, tmp_path: Path
) -> None:
    """Each metric in the demo edition's definitions appendix is defined in the file, and the
    appendix prints the reader's text, not the docstring."""
    written = write_mps(council_store, norfolk, "2026", tmp_path, pdf=False)
    definitions = written.edition.definitions
    assert len(definitions) > 25
    html = written.html.read_text(encoding="utf-8")
    for shown in definitions:
        assert shown.metric in reader_definitions(), shown.metric
        assert shown.description == reader_definitions()[shown.metric].definition
        assert METRICS[shown.metric].description not in html, shown.metric
    assert "People on the interim care list on the as-of date" not in html


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.yaml")))
def test_cited_sources_are_primary_or_official(name: str) -> None:
    """No reference in the metrics' data files cites Wikipedia or another wiki."""
    text = (DATA / name).read_text(encoding="utf-8")
    assert "wikipedia.org" not in text.lower() and "wiki/" not in text.lower()
    yaml.safe_load(text)
