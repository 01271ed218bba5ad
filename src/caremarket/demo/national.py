"""An England-scale synthetic HSCA Active Locations file, for load and format tests."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Final

from caremarket.demo.hsca_release_file import write_release
from caremarket.demo.ods_writer import Cell
from caremarket.ingest.cqc.hsca_layout import (
    FLAG_YES,
    HSCA_COLUMNS_2026,
    REGULATED_ACTIVITY_PREFIX,
    SERVICE_TYPE_PREFIX,
    SERVICE_USER_BAND_PREFIX,
)

AS_AT: Final = date(2026, 6, 1)
_GEOJSON: Final = Path("/work/shared/data/geo/england_upper_tier_la_2025.geojson")
_ASC_SHARE: Final = 30_497 / 56_870  # July 2026: rows in the Adult social care directorate
_I: Final = {name: i for i, name in enumerate(HSCA_COLUMNS_2026)}
# Rough centre of each region (lat, lon), for invented coordinates.
_REGION_CENTRES: Final[dict[str, tuple[float, float]]] = {
    "North East": (54.9, -1.7),
    "North West": (53.7, -2.6),
    "Yorkshire and The Humber": (53.8, -1.3),
    "East Midlands": (52.9, -1.0),
    "West Midlands": (52.5, -2.1),
    "East of England": (52.3, 0.6),
    "London": (51.5, -0.12),
    "South East": (51.3, -0.8),
    "South West": (50.9, -3.3),
}
_NHS_REGIONS: Final[dict[str, str]] = {
    "North East": "North East and Yorkshire",
    "Yorkshire and The Humber": "North East and Yorkshire",
    "North West": "North West",
    "East Midlands": "Midlands",
    "West Midlands": "Midlands",
    "East of England": "East of England",
    "London": "London",
    "South East": "South East",
    "South West": "South West",
}


class _Kind:
    """A kind of location: its fixed cells and the flag columns it sets."""

    def __init__(
        self,
        sector: str,
        directorate: str,
        category: str,
        activities: tuple[str, ...],
        service_types: tuple[str, ...],
        bands: tuple[str, ...],
        *,
        care_home: bool = False,
        beds: tuple[int, int] | None = None,
    ) -> None:
        self.care_home = care_home
        self.beds = beds
        self.fixed: dict[int, Cell] = {
            _I["Location Type/Sector"]: sector,
            _I["Location Inspection Directorate"]: directorate,
            _I["Location Primary Inspection Category"]: category,
            _I["Provider Type/Sector"]: sector,
            _I["Provider Inspection Directorate"]: directorate,
            _I["Provider Primary Inspection Category"]: category,
            _I["Care home?"]: "Y" if care_home else "N",
        }
        for a in activities:
            self.fixed[_I[REGULATED_ACTIVITY_PREFIX + a]] = FLAG_YES
        for s in service_types:
            self.fixed[_I[SERVICE_TYPE_PREFIX + s]] = FLAG_YES
        for b in bands:
            self.fixed[_I[SERVICE_USER_BAND_PREFIX + b]] = FLAG_YES


_ACCOM: Final = "Accommodation for persons who require nursing or personal care"
_OLDER: Final = ("Dementia", "Older People", "Physical Disability")
_ASC_KINDS: Final = (
    (
        0.33,
        _Kind(
            "Social Care Org",
            "Adult social care",
            "Residential social care",
            (_ACCOM,),
            ("Care home service without nursing",),
            _OLDER,
            care_home=True,
            beds=(4, 70),
        ),
    ),
    (
        0.13,
        _Kind(
            "Social Care Org",
            "Adult social care",
            "Residential social care",
            (_ACCOM, "Treatment of disease, disorder or injury"),
            ("Care home service with nursing",),
            _OLDER,
            care_home=True,
            beds=(20, 120),
        ),
    ),
    (
        0.40,
        _Kind(
            "Social Care Org",
            "Adult social care",
            "Community based adult social care services",
            ("Personal care",),
            ("Domiciliary care service",),
            ("Older People", "Younger Adults"),
        ),
    ),
    (
        0.12,
        _Kind(
            "Social Care Org",
            "Adult social care",
            "Community based adult social care services",
            ("Personal care",),
            ("Supported living service",),
            ("Learning disabilities or autistic spectrum disorder", "Younger Adults"),
        ),
    ),
    (
        0.02,
        _Kind(
            "Social Care Org",
            "Adult social care",
            "Community based adult social care services",
            ("Personal care",),
            ("Extra Care housing services", "Domiciliary care service"),
            ("Older People",),
        ),
    ),
)
_TREAT: Final = "Treatment of disease, disorder or injury"
_HEALTH_KINDS: Final = (
    (
        0.25,
        _Kind(
            "Primary Medical Services",
            "Primary medical services",
            "GP Practices",
            (
                "Diagnostic and screening procedures",
                "Family planning",
                "Maternity and midwifery services",
                "Surgical procedures",
                _TREAT,
            ),
            ("Doctors consultation service", "Doctors treatment service"),
            ("Whole Population",),
        ),
    ),
    (
        0.40,
        _Kind(
            "Primary Dental Care",
            "Primary medical services",
            "Dentists",
            ("Diagnostic and screening procedures", "Surgical procedures", _TREAT),
            ("Dental service",),
            ("Whole Population",),
        ),
    ),
    (
        0.25,
        _Kind(
            "Independent Healthcare Org",
            "Hospitals",
            "Independent consulting doctors",
            ("Diagnostic and screening procedures", _TREAT),
            ("Doctors consultation service", "Diagnostic and/or screening service"),
            ("Whole Population",),
        ),
    ),
    (
        0.10,
        _Kind(
            "NHS Healthcare Organisation",
            "Hospitals",
            "Acute hospital - NHS non-specialist",
            (
                "Diagnostic and screening procedures",
                "Surgical procedures",
                _TREAT,
                "Maternity and midwifery services",
            ),
            ("Acute services with overnight beds",),
            ("Whole Population",),
        ),
    ),
)
_RATINGS: Final = ("Outstanding", "Good", "Requires improvement", "Inadequate", None)


def english_councils() -> list[tuple[str, str, str]]:
    """The 153 English upper-tier councils as (GSS code, name, region)."""
    text = (files("caremarket.demo") / "data" / "england_upper_tier_councils.csv").read_text(
        encoding="utf-8"
    )
    embedded = [
        (r["la_code"], r["la_name"], r["region"]) for r in csv.DictReader(text.splitlines())
    ]
    if not _GEOJSON.exists():
        return embedded
    regions = {code: region for code, _, region in embedded}
    features = json.loads(_GEOJSON.read_text(encoding="utf-8"))["features"]
    return [
        (
            str(f["properties"]["areacd"]),
            str(f["properties"]["areanm"]),
            regions.get(str(f["properties"]["areacd"]), ""),
        )
        for f in features
    ]


def _postcode(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUWXYZ"
    return (
        f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(1, 29)} "
        f"{rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    )


def national_rows(rows: int, seed: int) -> Iterator[list[Cell]]:
    """Yield ``rows`` invented HSCA rows spread over England's upper-tier councils."""
    rng = random.Random(seed)
    councils = english_councils()
    weights = [rng.gammavariate(4.0, 1.0) for _ in councils]
    asc_weights = [w for w, _ in _ASC_KINDS]
    health_weights = [w for w, _ in _HEALTH_KINDS]
    start_span = (AS_AT - date(2010, 10, 1)).days
    width = len(HSCA_COLUMNS_2026)
    for n in range(rows):
        asc = rng.random() < _ASC_SHARE
        kind = (
            rng.choices(_ASC_KINDS, weights=asc_weights)[0][1]
            if asc
            else rng.choices(_HEALTH_KINDS, weights=health_weights)[0][1]
        )
        code, council, region = rng.choices(councils, weights=weights)[0]
        lat0, lon0 = _REGION_CENTRES.get(region, (52.5, -1.5))
        row: list[Cell] = [None] * width
        for index, value in kind.fixed.items():
            row[index] = value
        start = date(2010, 10, 1) + timedelta(days=rng.randint(0, start_span))
        rating = rng.choices(_RATINGS, weights=(4, 75, 17, 1, 3))[0]
        location_id = f"1-{100_000_000 + seed * 7919 + n * 104_729}"
        provider_id = f"1-{200_000_000 + seed * 7919 + (n // 3) * 15_485}"
        row[_I["Location ID"]] = location_id
        row[_I["Location HSCA start date"]] = start
        row[_I["Dormant (Y/N)"]] = "Y" if rng.random() < 0.02 else "N"
        row[_I["Location Name"]] = (
            f"Demo {kind.fixed[_I['Location Primary Inspection Category']]} {n}"
        )
        row[_I["Location Telephone Number"]] = f"01632 960{n % 1000:03d}"
        if kind.beds is not None:
            row[_I["Care homes beds"]] = rng.randint(*kind.beds)
        if rating is not None:
            row[_I["Location Latest Overall Rating"]] = rating
            row[_I["Publication Date"]] = AS_AT - timedelta(days=rng.randint(20, 3000))
            row[_I["Inherited Rating (Y/N)"]] = "Y" if rng.random() < 0.04 else "N"
        row[_I["Location Region"]] = region
        row[_I["Location NHS Region"]] = _NHS_REGIONS.get(region, "")
        row[_I["Location Local Authority"]] = council
        row[_I["Location Street Address"]] = f"{rng.randint(1, 200)} High Street"
        row[_I["Location City"]] = council
        row[_I["Location Postal Code"]] = _postcode(rng)
        row[_I["Location Latitude"]] = round(lat0 + rng.uniform(-0.4, 0.4), 6)
        row[_I["Location Longitude"]] = round(lon0 + rng.uniform(-0.5, 0.5), 6)
        row[_I["Brand ID"]] = "-"
        row[_I["Brand Name"]] = "-"
        row[_I["Provider ID"]] = provider_id
        row[_I["Provider Name"]] = f"Demo Provider {n // 3} Ltd"
        row[_I["Provider HSCA start date"]] = start
        row[_I["Provider Ownership Type"]] = "Organisation"
        row[_I["Provider Local Authority"]] = council
        row[_I["Provider Region"]] = region
        row[_I["Provider County"]] = council if code.startswith("E10") else None
        yield row


def write_national_hsca(path: Path, *, rows: int = 57000, seed: int = 0) -> Path:
    """Write an England-scale synthetic HSCA Active Locations file; format by suffix."""
    return write_release(
        Path(path),
        national_rows(rows, seed),
        as_at=AS_AT,
        readme_extra=(f"England-scale test file: {rows} rows, seed {seed}.",),
    )
