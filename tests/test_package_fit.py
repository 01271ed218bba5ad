"""Package fit read from a store: branches, their running packages and the people waiting."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

from caremarket.brokerage.fit import fit_parameters, hard_to_serve, rank
from caremarket.package_fit import council_fit, council_rounds
from caremarket.pipeline import council, ingest_council, ingest_file
from caremarket.store.duckdb_store import DuckDBStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HSCA = FIXTURES / "cqc_hsca" / "constructed_hsca_2026_ok_01_March_2026_HSCA_Active_Locations.csv"
# Two home-care branches in Norfolk: one at Norwich's edge (NR11), one in King's Lynn (PE30).
BRANCHES = (
    ("1-1000000003", "North Branch", "NR11 6AA", "52.793978", "1.250406", "1-200000002"),
    ("1-1000000099", "West Branch", "PE30 1AA", "52.757433", "0.400602", "1-200000099"),
)


def _release(folder: Path) -> Path:
    """The constructed HSCA release with only the two branches, moved to Norfolk."""
    with HSCA.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, template = rows[0], next(r for r in rows if r[0] == "1-1000000003")
    column = {name: i for i, name in enumerate(header)}
    out = []
    for location, name, postcode, lat, lon, provider in BRANCHES:
        row = list(template)
        for key, value in (
            ("Location ID", location),
            ("Location Name", name),
            ("Location Postal Code", postcode),
            ("Location Latitude", lat),
            ("Location Longitude", lon),
            ("Location Local Authority", "Norfolk"),
            ("Location Region", "East of England"),
            ("Location City", "Norwich"),
            ("Provider ID", provider),
            ("Provider Name", f"Provider {provider}"),
        ):
            row[column[key]] = value
        out.append(row)
    path = folder / "01_March_2026_HSCA_Active_Locations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *out])
    return path


def _extract(folder: Path) -> Path:
    """A council extract: three running packages per branch near it, one person waiting."""
    extract = folder / "council"
    extract.mkdir()
    (extract / "council.yaml").write_text("council: Norfolk\nextract_date: 2026-06-01\n")
    header = (
        "agreement_id,person_id,sector,client_group,cqc_location_id,provider_id,locality,"
        "postcode_district,start_date,end_date,hours_per_week,weekly_cost_gbp,funding,"
        "framework_tier"
    )
    lines = [header]
    n = 0
    for location, district, locality in (("1-1000000003", "NR11", "North"),
                                         ("1-1000000099", "PE30", "West")):  # fmt: skip
        for _ in range(3):
            n += 1
            lines.append(
                f"SA{n:06d},P{100000 + n},home_care,older_people,{location},,{locality},"
                f"{district},2025-09-01,,7,168.00,council_managed,framework"
            )
    (extract / "service_agreements.csv").write_text("\n".join(lines) + "\n")
    (extract / "interim_care_list.csv").write_text(
        "person_id,locality,postcode_district,hours_per_week,date_added,date_sourced,reason\n"
        "P500101,North,NR11,7,2026-02-02,,rural location: long travel between calls\n"
    )
    return extract


def test_waiting_package_ranks_the_branch_whose_rounds_are_there_first(tmp_path: Path) -> None:
    """From a loaded store: the NR11 package goes first to the branch running NR11 packages."""
    with DuckDBStore(tmp_path / "store.duckdb") as store:
        ingest_file(store, _release(tmp_path))
        ingest_council(store, _extract(tmp_path))
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
