"""The outcomes page and API: the council's ASCOF measures as the MPS gives them."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from tests.conftest import SHARED_DATA


def test_outcomes_api_and_page_give_the_raw_tables_values(lincolnshire: FastAPI) -> None:
    """2C for Lincolnshire in 2024-25 is the raw table's outcome, in the API and on the page."""
    tables = SHARED_DATA / "nhs" / "ascof_timeseries_2015-16_to_2024-25.ods"
    rows = CalamineWorkbook.from_path(str(tables)).get_sheet_by_name("Table_2c").to_python()
    [raw] = [r for r in rows if r[2] == "E10000019"]
    with TestClient(lincolnshire) as client:
        api = client.get("/api/v1/outcomes")
        page = client.get("/outcomes")
    assert api.status_code == 200 and page.status_code == 200
    items = {item["code"]: item for item in api.json()["items"]}
    admissions = items["2C"]
    assert admissions["year"] == "2024-25"
    assert admissions["value"] == float(raw[5])
    assert admissions["year_before"] == "2020-21"
    assert (admissions["rank_in_region"] is None) == bool(admissions["rank_not_known"])
    assert admissions["shown"] in page.text
    assert "No Adult Social Care Outcomes Framework release" not in page.text


def test_comparator_rank_is_an_independent_count_over_the_raw_table(lincolnshire: FastAPI) -> None:
    """Lincolnshire's 2024-25 rank among county councils for 2C counts the raw table's counties."""
    from caremarket.domain.area import Tier, england_areas

    counties = {a.code for a in england_areas() if a.tier is Tier.COUNTY}
    tables = SHARED_DATA / "nhs" / "ascof_timeseries_2015-16_to_2024-25.ods"
    rows = CalamineWorkbook.from_path(str(tables)).get_sheet_by_name("Table_2c").to_python()
    raw = {r[2]: r[5] for r in rows if r[2] in counties and isinstance(r[5], (int, float))}
    own = raw["E10000019"]
    with TestClient(lincolnshire) as client:
        item = next(i for i in client.get("/api/v1/outcomes").json()["items"] if i["code"] == "2C")
    assert item["comparator_group"] == "county councils"
    assert item["councils_in_comparator_group"] == len(counties) == 21
    if len(raw) == len(counties):
        assert item["rank_among_comparators"] == 1 + sum(v < own for v in raw.values())
    else:
        assert item["rank_among_comparators"] is None
        assert item["comparator_rank_not_known"].startswith(f"{len(raw)} of 21 councils")
    assert [t["year"] for t in item["trend"]] == ["2020-21", "2024-25"]
