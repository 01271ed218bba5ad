"""Gathering a council's inputs from the store: releases chosen, areas resolved, gaps named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from caremarket.analysis import MISSING_HINTS, evaluate, evaluate_all, gather
from caremarket.domain.area import find_council
from caremarket.figures import Breakdown, council_figures
from caremarket.metrics import Input, Level
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBStore]:
    """The demo county's CQC releases and localities, loaded once."""
    from caremarket.demo import generate

    out = tmp_path_factory.mktemp("demo")
    manifest = generate(out, seed=2026)
    with DuckDBStore(out / "store.duckdb") as store:
        for path in [*manifest.releases, manifest.localities]:
            ingest_file(store, Path(path))
        yield store


NORFOLK = find_council("Norfolk")
assert NORFOLK is not None


def test_metrics_agree_with_the_figures_command(demo_store: DuckDBStore) -> None:
    """Locations, beds and % good from the metrics equal `caremarket figures` per locality."""
    gathered = gather(demo_store, NORFOLK)
    assert gathered.inputs.as_of == date(2026, 6, 1)
    figures = council_figures(demo_store, NORFOLK, gathered.inputs.as_of, Breakdown.LOCALITY)
    for name in ("locations", "beds", "pct_good_or_outstanding"):
        result = evaluate(gathered, name, Level.LOCALITY)
        joined = result.frame.join(
            figures.table, on=["area_code", "sector", "client_group"], how="full", coalesce=True
        )
        assert len(joined) == len(figures.table) == len(result.frame)
        mismatched = joined.filter(pl.col("value").ne_missing(pl.col(name).cast(pl.Float64)))
        assert mismatched.is_empty(), mismatched


def test_change_uses_the_release_before(demo_store: DuckDBStore) -> None:
    """Openings and closures compare the chosen release with the month before."""
    gathered = gather(demo_store, NORFOLK)
    assert gathered.inputs.previous_as_of == date(2026, 5, 1)
    now = set(gathered.inputs.frame(Input.LOCATIONS)["location_id"])
    then = set(gathered.inputs.frame(Input.PREVIOUS_LOCATIONS)["location_id"])
    openings = evaluate(gathered, "openings").value()
    closures = evaluate(gathered, "closures").value()
    assert openings == len(now - then) and closures == len(then - now)
    purposes = {r.purpose for r in evaluate(gathered, "openings").releases}
    assert purposes == {"locations", "previous locations"}


def test_missing_inputs_are_named_not_zero(demo_store: DuckDBStore) -> None:
    """With no population loaded, demand metrics say what to load and hold no rows."""
    result = evaluate(gather(demo_store, NORFOLK), "population_aged_85_plus", Level.DISTRICT)
    assert not result.available
    assert result.missing == (MISSING_HINTS[Input.POPULATION],)
    assert result.frame.is_empty()


def test_every_figure_names_its_releases(demo_store: DuckDBStore) -> None:
    """Each available metric carries the releases it came from, with licence and date."""
    results = evaluate_all(gather(demo_store, NORFOLK))
    available = [r for r in results.values() if r.available]
    assert len(available) >= 10
    for result in available:
        assert result.releases, result.metric.name
        assert all(r.licence and r.release_date for r in result.releases)


def test_an_earlier_date_picks_an_earlier_release(demo_store: DuckDBStore) -> None:
    """As at mid-March the March release is used and February is the one before."""
    gathered = gather(demo_store, NORFOLK, date(2026, 3, 15))
    assert gathered.inputs.previous_as_of == date(2026, 2, 1)
    dates = {r.release_date for r in gathered.releases[Input.LOCATIONS]}
    assert dates == {date(2026, 3, 1)}


def test_declared_comparators_replace_the_region(demo_store: DuckDBStore) -> None:
    """Without the declared comparator loaded there is no rank; the reason names how many are."""
    suffolk = find_council("Suffolk")
    assert suffolk is not None
    gathered = gather(demo_store, NORFOLK, comparators=(suffolk,))
    result = evaluate(gathered, "quality_rank_among_comparators")
    assert len(result.missing) == 1
    assert result.missing[0].startswith("0 of 1 comparator councils")
    assert result.missing[0].endswith("Not covered: Suffolk")


def test_rank_among_the_region_from_a_national_release(tmp_path: Path) -> None:
    """With every council loaded, the rank is the council's place in its region by % good."""
    from caremarket.demo.national import write_national_hsca
    from caremarket.domain.area import england_areas
    from caremarket.figures import national_figures

    path = write_national_hsca(tmp_path / "national.csv", rows=6000, seed=3)
    with DuckDBStore(tmp_path / "n.duckdb") as store:
        ingest_file(store, path)
        gathered = gather(store, NORFOLK)
        result = evaluate(gathered, "quality_rank_among_comparators")
        figures = national_figures(store, gathered.inputs.as_of)
    region = {a.code for a in england_areas() if a.region_code == NORFOLK.region_code}
    overall = figures.filter(
        pl.col("la_code").is_in(sorted(region))
        & (pl.col("sector") == "all")
        & (pl.col("client_group") == "all")
        & pl.col("pct_good_or_outstanding").is_not_null()
    )
    ours = overall.filter(pl.col("la_code") == NORFOLK.code)["pct_good_or_outstanding"][0]
    better = (overall["pct_good_or_outstanding"] > ours).sum()
    assert result.value() == better + 1
    assert result.frame.filter(pl.col("sector") == "all")["n"].max() == len(overall)
