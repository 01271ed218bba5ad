"""The tender pack: a sheet per zone (sectors, demand, rurality, branches) and its PDF."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import polars as pl
import pytest

from caremarket.brokerage.zones.pack import PackParameters, rurality, zone_sheets
from caremarket.brokerage.zones.scenario import Branch
from caremarket.brokerage.zones.simulation import Client

SQUARE = {  # about 6.8 km x 11.1 km near Norwich
    "type": "Polygon",
    "coordinates": [[[1.2, 52.6], [1.3, 52.6], [1.3, 52.7], [1.2, 52.7], [1.2, 52.6]]],
}
FAR = {
    "type": "Polygon",
    "coordinates": [[[0.5, 52.6], [0.7, 52.6], [0.7, 52.8], [0.5, 52.8], [0.5, 52.6]]],
}


def _document() -> dict[str, object]:
    return {
        "type": "FeatureCollection",
        "properties": {"council": "Norfolk", "blocks": "postcode-sector"},
        "features": [
            {"type": "Feature", "geometry": SQUARE,
             "properties": {"zone": 1, "blocks": ["NR1 1", "NR1 2"]}},
            {"type": "Feature", "geometry": FAR, "properties": {"zone": 2, "blocks": ["PE1 1"]}},
        ],
    }  # fmt: skip


def _blocks() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "block": ["NR1 1", "NR1 2", "PE1 1"],
            "postcodes": [4000, 2000, 300],
            "hours_per_week": [100.0, 50.0, 80.0],
            "waiting_hours_per_week": [10.0, 0.0, 20.0],
            "people": [12.0, 6.0, 9.0],
            "travel_hours_per_week": [20.0, 10.0, 40.0],
        }
    )


def test_a_sheet_adds_up_its_sectors_and_names_its_branches() -> None:
    """Zone 1 sums its two sectors and lists the branches serving people there, busiest first."""
    clients = [
        Client("P1", 0, 0, 10.0, "B1", "NR1 1"),
        Client("P2", 0, 0, 20.0, "B2", "NR1 2"),
        Client("P3", 0, 0, 5.0, "B1", "NR1 2"),
        Client("P4", 0, 0, 7.0, "B1", "PE1 1"),
    ]
    branches = {"B1": Branch("B1", "One Care", 0, 0, "good"), "B2": Branch("B2", "Two Care", 0, 0)}
    sheets = zone_sheets(_document(), _blocks(), clients, branches)
    one = sheets[0]
    assert one.zone == 1 and [s.block for s in one.sectors] == ["NR1 1", "NR1 2"]
    assert one.hours_per_week == 150.0 and one.waiting_hours_per_week == 10.0
    assert [(p.name, p.people, p.hours_per_week) for p in one.providers] == [
        ("Two Care", 1, 20.0),
        ("One Care", 2, 15.0),
    ]
    assert one.providers[1].rating == "good" and one.providers[0].rating is None
    assert one.area_km2 == pytest.approx(6.76 * 11.13, rel=0.02)
    assert one.rurality == "urban" and sheets[1].rurality == "rural"
    assert one.travel_minutes_per_contact_hour == pytest.approx(60 * 30 / 160)


def test_rurality_follows_the_declared_thresholds() -> None:
    """Postcodes per km² class a zone; an unknown area is no class, not rural."""
    p = PackParameters(50, 10, 30)
    assert [rurality(v, p) for v in (60, 50, 20, 9.9, None)] == [
        "urban", "urban", "town and fringe", "rural", None,
    ]  # fmt: skip


def _pdf_objects(path: Path) -> bytes:
    """A PDF's bytes with every Flate stream inflated (the catalogue may sit in one)."""
    data = path.read_bytes()
    found = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            found.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(found)


def test_the_pack_renders_to_a_tagged_pdf_with_a_page_per_zone(tmp_path) -> None:
    """The HTML names every zone with its own map, and the PDF has the cover and a page a zone."""
    from datetime import date

    from caremarket.report.zone_pack import PackDocument, render_pack_html, write_pack_pdf

    clients = [Client("P1", 0, 0, 10.0, "B1", "NR1 1")]
    branches = {"B1": Branch("B1", "One =Care", 0, 0, "requires_improvement")}
    sheets = zone_sheets(_document(), _blocks(), clients, branches)
    document = PackDocument("Norfolk", 2, date(2026, 6, 1), "postcode-sector", "caremarket", 1.5,
                            tuple(sheets), {"B1": (52.65, 1.25)})  # fmt: skip
    html = render_pack_html(document)
    assert 'id="zone-1"' in html and 'id="zone-2"' in html
    assert 'aria-labelledby="map-zone-1-alt"' in html
    assert "Requires improvement" in html
    pdf = write_pack_pdf(document, tmp_path / "pack.pdf")
    objects = _pdf_objects(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", objects)) == 3
    assert b"/StructTreeRoot" in objects and b"/Lang (en-GB)" in objects


@pytest.mark.shared
def test_pack_on_the_real_samples_names_the_demand_to_load(
    tmp_path: Path, shared_data: Path
) -> None:
    """The real samples carry Norfolk's postcodes and boundaries but no council extract, so
    `zones pack` says in one line to load the agreements: exit 2, nothing written."""
    import json

    from typer.testing import CliRunner

    from caremarket.cli.main import app
    from caremarket.pipeline import ingest_file
    from caremarket.store.duckdb_store import DuckDBStore

    db = tmp_path / "real.duckdb"
    with DuckDBStore(db) as store:
        ingest_file(store, shared_data / "geo/norfolk_districts_2025.geojson")
        ingest_file(store, shared_data / "ons/onspd_2025-11_norfolk_postcodes_latlon.csv")
    design = tmp_path / "design.geojson"
    design.write_text(json.dumps(
        {"type": "FeatureCollection",
         "properties": {"council": "Norfolk", "blocks": "postcode-sector"},
         "features": [{"type": "Feature", "geometry": SQUARE,
                       "properties": {"zone": 1, "blocks": ["NR1 1", "NR1 3"]}}]}
    ))  # fmt: skip
    out = tmp_path / "tender"
    result = CliRunner().invoke(
        app, ["zones", "pack", str(design), "--db", str(db), "--out", str(out), "--no-pdf"]
    )
    text = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "no home-care demand for Norfolk" in text and "ingest-council" in text
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_zone_takes_the_rurality_of_most_of_its_postcodes() -> None:
    """Sectors' own classes decide the zone's, weighted by postcodes, before its area does."""
    blocks = _blocks().with_columns(
        area=pl.Series(["rural", "urban", "urban"]), postcodes_per_km2=pl.Series([5.0, 80.0, 90.0])
    )
    sheets = zone_sheets(_document(), blocks, [], {})
    assert sheets[0].rurality == "rural"  # 4000 rural postcodes outweigh 2000 urban ones
    assert [line.rurality for line in sheets[0].sectors] == ["rural", "urban"]
    assert sheets[1].rurality == "urban"
