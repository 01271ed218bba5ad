"""Package fit read from a store: branches, their running packages and the people waiting."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from caremarket.brokerage.fit import fit_parameters, hard_to_serve, rank
from caremarket.package_fit import council_fit, council_rounds
from caremarket.pipeline import council
from caremarket.store.duckdb_store import DuckDBStore


def test_waiting_package_ranks_the_branch_whose_rounds_are_there_first(
    two_branch_store: Path,
) -> None:
    """From a loaded store: the NR11 package goes first to the branch running NR11 packages."""
    with DuckDBStore(two_branch_store, read_only=True) as store:
        parameters = replace(fit_parameters(), rounds_iterations=50)
        found = council_fit(store, council("Norfolk"), parameters, date(2026, 6, 1))
    assert [b.location_id for b in found.branches] == ["1-1000000003", "1-1000000099"]
    assert {len(p) for p in found.packages.values()} == {3}
    assert [r.id for r in found.waiting] == ["P500101"]
    assert found.waiting[0].postcode_district == "NR11"
    rounds = council_rounds(found, parameters)
    fits = rank(found.waiting[0], rounds, found.travel, parameters)
    assert [f.location_id for f in fits] == ["1-1000000003", "1-1000000099"]
    assert fits[0].feasible
    assert fits[0].provider_id == "1-200000002"
    assert isinstance(hard_to_serve(fits), bool)
