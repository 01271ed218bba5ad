"""ONS boundaries: real GeoJSON layers and TopoJSON, constructed quantized and bad fixtures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from shapely.geometry import shape  # type: ignore[import-untyped]

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

if TYPE_CHECKING:
    from tests.conftest import RefusedStrictly

NORFOLK_DISTRICTS = {f"E0700014{i}" for i in range(3, 10)}
TOPO = "geo/uk_boundaries_2014_2025.topojson"


def _bounds(geometry: str | dict[str, Any]) -> tuple[float, ...]:
    loaded = json.loads(geometry) if isinstance(geometry, str) else geometry
    return tuple(shape(loaded).bounds)


@pytest.mark.shared
def test_norfolk_geojson_has_seven_districts(store: DuckDBStore, shared_data: Path) -> None:
    """The Norfolk GeoJSON loads its 7 districts as ltla, covering Norfolk, dated 2025."""
    result = ingest_file(store, shared_data / "geo/norfolk_districts_2025.geojson")
    rows = store.query("SELECT area_code, layer FROM boundary")
    assert set(rows["area_code"]) == NORFOLK_DISTRICTS
    assert set(rows["layer"]) == {"ltla"}
    assert result.release_date == date(2025, 1, 1)
    coverage = store.query("SELECT la_code FROM release_coverage")["la_code"].to_list()
    assert coverage == ["E10000020"]


@pytest.mark.shared
def test_england_layers_match_feature_counts(store: DuckDBStore, shared_data: Path) -> None:
    """Lower- and upper-tier GeoJSON load every feature: 296 ltla and 153 utla."""
    for name in ("england_lower_tier_la_2025.geojson", "england_upper_tier_la_2025.geojson"):
        raw = json.loads((shared_data / "geo" / name).read_text())
        result = ingest_file(store, shared_data / "geo" / name)
        assert result.rows == len(raw["features"])
    counts = store.query("SELECT layer, count(*) AS n FROM boundary GROUP BY 1 ORDER BY 1")
    assert counts.rows() == [("ltla", 296), ("utla", 153)]


@pytest.mark.shared
def test_topojson_district_matches_geojson_bbox(store: DuckDBStore, shared_data: Path) -> None:
    """Decoded TopoJSON Norwich and Norfolk have the GeoJSON bounding boxes within 0.01 deg."""
    ingest_file(store, shared_data / TOPO)
    districts = json.loads((shared_data / "geo/norfolk_districts_2025.geojson").read_text())
    counties = json.loads((shared_data / "geo/england_upper_tier_la_2025.geojson").read_text())
    expected = {
        f["properties"]["areacd"]: _bounds(f["geometry"])
        for f in districts["features"] + counties["features"]
        if f["properties"]["areacd"] in ("E07000148", "E07000146", "E10000020")
    }
    for code, layer in (("E07000148", "ltla"), ("E07000146", "ltla"), ("E10000020", "utla")):
        stored = store.query(
            "SELECT geometry FROM boundary WHERE area_code = ? AND layer = ?", [code, layer]
        )["geometry"][0]
        assert _bounds(stored) == pytest.approx(expected[code], abs=0.01)


@pytest.mark.shared
def test_topojson_keeps_current_english_areas(store: DuckDBStore, shared_data: Path) -> None:
    """The TopoJSON's layers keep only current English areas: 296 ltla, 153 utla, 9 regions."""
    result = ingest_file(store, shared_data / TOPO)
    counts = dict(store.query("SELECT layer, count(*) FROM boundary GROUP BY 1").rows())
    assert (counts["ltla"], counts["utla"], counts["rgn"]) == (296, 153, 9)
    assert "uk" not in counts
    assert (
        store.query("SELECT count(*) AS n FROM boundary WHERE area_code NOT LIKE 'E%'")["n"][0] == 0
    )
    assert result.release_date == date(2025, 1, 1)


def test_quantized_topojson_decodes_shared_arcs(store: DuckDBStore, fixtures: Path) -> None:
    """Delta-encoded, quantized arcs (one reversed) decode to the two closed squares."""
    ingest_file(store, fixtures / "geo" / "constructed_topojson_quantized_two_districts.json")
    rows = {
        (code, layer): json.loads(geometry)
        for code, layer, geometry in store.query(
            "SELECT area_code, layer, geometry FROM boundary"
        ).rows()
    }
    assert set(rows) == {("E07000148", "ltla"), ("E07000149", "ltla"), ("E12000006", "rgn")}
    norwich = rows[("E07000148", "ltla")]
    assert norwich["type"] == "Polygon"
    assert norwich["coordinates"][0] == [
        [1.0, 52.0], [1.0, 52.1], [0.9, 52.1], [0.9, 52.0], [1.0, 52.0]
    ]  # fmt: skip
    south = rows[("E07000149", "ltla")]
    assert south["type"] == "MultiPolygon"
    assert _bounds(south) == pytest.approx((1.0, 52.0, 1.1, 52.1))
    assert shape(south).area == pytest.approx(0.01)


def test_geojson_bad_features_strict_and_lenient(
    tmp_path: Path, fixtures: Path, refused_strictly: RefusedStrictly
) -> None:
    """A feature without geometry or code is reported; leniently the good current ones load."""
    path = fixtures / "geo" / "constructed_geojson_lad25_bad_features.geojson"
    options = ReadOptions(release_date=date(2025, 5, 1))
    problems = refused_strictly(path, tmp_path / "strict.duckdb", options)
    found = sorted((p.row or 0, p.code) for p in problems)
    assert found == [(2, ProblemCode.MISSING_VALUE), (3, ProblemCode.MISSING_VALUE)]
    with DuckDBStore(tmp_path / "lenient.duckdb") as lenient:
        ingest_file(lenient, path, options, lenient=True)
        rows = lenient.query("SELECT area_code, area_name, layer FROM boundary ORDER BY 1").rows()
    assert rows == [("E06000001", "Hartlepool", "ltla"), ("E07000148", "Norwich", "ltla")]


def test_geojson_dated_by_latest_end_year(store: DuckDBStore, fixtures: Path) -> None:
    """Without --release-date, the latest start/end year in the features dates the release."""
    path = fixtures / "geo" / "constructed_geojson_lad25_bad_features.geojson"
    result = ingest_file(store, path, lenient=True)
    assert result.release_date == date(2023, 1, 1)


def test_geojson_without_any_year_refused(store: DuckDBStore, tmp_path: Path) -> None:
    """With no year in properties, name or file name, the file is refused for its date."""
    path = tmp_path / "districts.geojson"
    feature = {
        "type": "Feature",
        "properties": {"areacd": "E07000148", "areanm": "Norwich"},
        "geometry": {"type": "Point", "coordinates": [1.29, 52.63]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(DataProblemError) as error:
        ingest_file(store, path)
    assert [p.code for p in error.value.problems] == [ProblemCode.NO_RELEASE_DATE]


def test_repeated_area_in_layer_reported(tmp_path: Path) -> None:
    """Two current features for one area are a duplicate; leniently the first is kept."""
    path = tmp_path / "districts_2025.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"areacd": "E07000148", "areanm": name},
            "geometry": {"type": "Point", "coordinates": [1.29, 52.63]},
        }
        for name in ("Norwich", "Norwich again")
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with DuckDBStore(tmp_path / "a.duckdb") as store:
        with pytest.raises(DataProblemError) as error:
            ingest_file(store, path)
        assert [p.code for p in error.value.problems] == [ProblemCode.DUPLICATE_ID]
        ingest_file(store, path, lenient=True)
        names = store.query("SELECT area_name FROM boundary")["area_name"].to_list()
        assert names == ["Norwich"]
