"""A council's market at every release: the same numbers as the change metrics, unknowns kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from caremarket.analysis import evaluate, gather
from caremarket.cli.main import app
from caremarket.domain.area import find_council
from caremarket.history import market_change, market_history
from caremarket.metrics import Level
from caremarket.metrics.registry import get_metric
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

NORFOLK = find_council("Norfolk")
assert NORFOLK is not None
PAIRS = (
    ("opened", "openings"),
    ("closed", "closures"),
    ("beds_gained", "beds_gained"),
    ("beds_lost", "beds_lost"),
)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the demo county's monthly CQC releases, loaded once."""
    from caremarket.demo import generate

    out = tmp_path_factory.mktemp("history")
    manifest = generate(out, seed=2026)
    path = out / "store.duckdb"
    with DuckDBStore(path) as store:
        for release in manifest.releases:
            ingest_file(store, Path(release))
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[tuple[DuckDBStore, Path]]:
    """The demo store, open for one test."""
    with DuckDBStore(demo_path) as store:
        yield store, demo_path


def _metric(store: DuckDBStore, name: str, day: date) -> float:
    result = evaluate(gather(store, NORFOLK, day), get_metric(name), Level.COUNCIL)
    row = result.frame.filter((pl.col("sector") == "all") & (pl.col("client_group") == "all"))
    return float(row["value"][0])


def test_every_release_matches_the_change_metrics(demo: tuple[DuckDBStore, Path]) -> None:
    """Openings, closures and beds gained or lost per release equal the metrics' figures."""
    store, _ = demo
    history = market_history(store, NORFOLK)
    assert history.height >= 3
    assert history["opened"][0] is None  # nothing before the first release
    for row in history.tail(history.height - 1).to_dicts():
        day = row["release_date"]
        for column, name in PAIRS:
            assert row[column] == _metric(store, name, day), (day, column)


def test_locations_and_beds_match_the_figures(demo: tuple[DuckDBStore, Path]) -> None:
    """Locations and beds at the latest release are the figures' all-sector numbers."""
    from caremarket.figures import council_figures

    store, _ = demo
    latest = market_history(store, NORFOLK).tail(1).row(0, named=True)
    figures = council_figures(store, NORFOLK, latest["release_date"]).table
    everything = figures.filter((pl.col("sector") == "all") & (pl.col("client_group") == "all"))
    assert latest["locations"] == everything["locations"][0]
    assert latest["beds"] == everything["beds"][0]


def test_change_between_two_dates_adds_up_the_months_net(demo: tuple[DuckDBStore, Path]) -> None:
    """Locations at the end equal those at the start plus opened minus closed."""
    store, _ = demo
    history = market_history(store, NORFOLK)
    first, last = history.row(0, named=True), history.row(history.height - 1, named=True)
    change = market_change(store, NORFOLK, first["release_date"], last["release_date"])
    assert change.start == first["release_date"] and change.end == last["release_date"]
    # Exact here: no dual-registered pair opens or closes in the demo county's months.
    assert first["locations"] + change.opened - change.closed == last["locations"]
    with pytest.raises(LookupError, match="no CQC directory release"):
        market_change(store, NORFOLK, date(2001, 1, 1), last["release_date"])


def test_the_command_writes_json_with_unknown_beds_as_null(
    demo_path: Path, tmp_path: Path, fixtures: Path
) -> None:
    """`history --format json` gives every release; a release without beds is null, not 0."""
    path = demo_path
    result = CliRunner().invoke(app, ["history", "--la", "Norfolk", "--db", str(path),
                                      "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(isinstance(r["beds"], int) for r in rows)
    directory = tmp_path / "d.duckdb"
    with DuckDBStore(directory) as store:
        ingest_file(store, fixtures / "cqc_directory" / "constructed_directory_ok.csv")
        la = store.query("SELECT la_code FROM release_coverage LIMIT 1")["la_code"][0]
    result = CliRunner().invoke(app, ["history", "--la", la, "--db", str(directory),
                                      "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["beds"] is None and row["locations"] > 0
