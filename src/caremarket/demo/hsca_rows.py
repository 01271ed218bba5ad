"""Rendering demo locations as rows of the HSCA Active Locations layout (one cell per column)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from caremarket.demo.market import Address, Location, Market, Provider
from caremarket.demo.ods_writer import Cell
from caremarket.ingest.cqc.hsca_layout import (
    DUAL_REGISTERED_MARK,
    FLAG_YES,
    HSCA_COLUMNS_2026,
    REGULATED_ACTIVITY_PREFIX,
    SERVICE_TYPE_PREFIX,
    SERVICE_USER_BAND_PREFIX,
)

_INDEX: Final = {name: i for i, name in enumerate(HSCA_COLUMNS_2026)}
REGION: Final = "East of England"
# Sub-ICB location covering Norfolk (ONSPD field `sicbl`, still labelled CCG by CQC).
_SUB_ICB_CODE: Final = "E38000239"
_SUB_ICB_NAME: Final = "NHS Norfolk and Waveney ICB - 26A"
_FICTIONAL_PHONE: Final = "01632 960"  # Ofcom's range reserved for drama: never a real line.

_ACTIVITIES: Final[dict[str, tuple[str, ...]]] = {
    "care_home_nursing": (
        "Accommodation for persons who require nursing or personal care",
        "Treatment of disease, disorder or injury",
        "Diagnostic and screening procedures",
    ),
    "care_home_residential": ("Accommodation for persons who require nursing or personal care",),
}


def _phone(key: str) -> str:
    return f"{_FICTIONAL_PHONE}{int(key.replace('-', '')) % 1000:03d}"


def _web(name: str) -> str:
    slug = "".join(ch for ch in name.lower() if ch.isalnum())[:30]
    return f"https://www.{slug}.example.org"


def _address_cells(row: list[Cell], prefix: str, address: Address) -> None:
    pc = address.postcode
    row[_INDEX[f"{prefix} Street Address"]] = address.street
    row[_INDEX[f"{prefix} City"]] = address.city
    row[_INDEX[f"{prefix} County"]] = "Norfolk"
    row[_INDEX[f"{prefix} Postal Code"]] = pc.pcd
    row[_INDEX[f"{prefix} Latitude"]] = pc.latitude
    row[_INDEX[f"{prefix} Longitude"]] = pc.longitude
    row[_INDEX[f"{prefix} Local Authority"]] = "Norfolk"
    row[_INDEX[f"{prefix} Region"]] = REGION
    row[_INDEX[f"{prefix} NHS Region"]] = REGION
    row[_INDEX[f"{prefix} Parliamentary Constituency"]] = address.constituency


def location_row(location: Location, provider: Provider) -> list[Cell]:
    """One HSCA Active Locations row (``HSCA_COLUMNS_2026`` order) for a demo location."""
    row: list[Cell] = [None] * len(HSCA_COLUMNS_2026)
    i = _INDEX
    row[i["Location ID"]] = location.location_id
    row[i["Location HSCA start date"]] = location.start_date
    row[i["Dormant (Y/N)"]] = "Y" if location.dormant else "N"
    row[i["Care home?"]] = "Y" if location.is_care_home else "N"
    row[i["Location Name"]] = location.name
    row[i["Location Telephone Number"]] = _phone(location.location_id)
    row[i["Registered manager"]] = location.manager or None
    row[i["Location Web Address"]] = _web(location.name) if len(location.name) % 3 else None
    row[i["Care homes beds"]] = location.beds
    row[i["Location Type/Sector"]] = "Social Care Org"
    row[i["Location Inspection Directorate"]] = "Adult social care"
    row[i["Location Primary Inspection Category"]] = provider.primary_category
    row[i["Location Latest Overall Rating"]] = location.rating
    row[i["Publication Date"]] = location.publication_date
    if location.inherited is not None:
        row[i["Inherited Rating (Y/N)"]] = "Y" if location.inherited else "N"
    _address_cells(row, "Location", location.address)
    for column in ("Location ONSPD CCG Code", "Location Commissioning CCG Code"):
        row[i[column]] = _SUB_ICB_CODE
    for column in ("Location ONSPD CCG", "Location Commissioning CCG"):
        row[i[column]] = _SUB_ICB_NAME
    row[i["Brand ID"]] = provider.brand_id
    row[i["Brand Name"]] = provider.brand_name
    row[i["Provider Companies House Number"]] = provider.companies_house_number or None
    row[i["Provider Charity Number"]] = provider.charity_number or None
    row[i["Provider ID"]] = provider.provider_id
    row[i["Provider Name"]] = provider.name
    row[i["Provider HSCA start date"]] = provider.start_date
    row[i["Provider Type/Sector"]] = "Social Care Org"
    row[i["Provider Inspection Directorate"]] = "Adult social care"
    row[i["Provider Primary Inspection Category"]] = provider.primary_category
    row[i["Provider Ownership Type"]] = provider.ownership
    row[i["Provider Telephone Number"]] = _phone(provider.provider_id)
    row[i["Provider Web Address"]] = _web(provider.name)
    _address_cells(row, "Provider", provider.address)
    row[i["Provider Nominated Individual Name"]] = provider.nominated_individual
    row[i["Provider Main Partner Name"]] = provider.main_partner or None
    for activity in _ACTIVITIES.get(location.sector, ("Personal care",)):
        row[i[REGULATED_ACTIVITY_PREFIX + activity]] = FLAG_YES
    for service_type in location.service_types:
        row[i[SERVICE_TYPE_PREFIX + service_type]] = FLAG_YES
    for band in location.bands:
        row[i[SERVICE_USER_BAND_PREFIX + band]] = FLAG_YES
    if location.dual_primary_id is not None:
        row[i["Location Dual Registered"]] = DUAL_REGISTERED_MARK
        row[i["Primary ID (Dual registration locations)"]] = location.dual_primary_id
    return row


def snapshot_rows(market: Market, locations: tuple[Location, ...]) -> Iterator[list[Cell]]:
    """The rows of one monthly snapshot, in location id order."""
    for location in locations:
        yield location_row(location, market.providers[location.provider_id])
