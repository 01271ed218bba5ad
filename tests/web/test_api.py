"""The open API: the figures the metrics engine gives, paging, filters, ETags, downloads."""

from __future__ import annotations

import polars as pl

from caremarket.analysis import evaluate, gather
from caremarket.domain.area import find_council
from caremarket.metrics import Level

from .conftest import Site


def test_metric_rows_are_the_engine_figures(site: Site) -> None:
    """Council users get exactly the values `caremarket.analysis` computes."""
    market = site.app.state.caremarket.market
    council = find_council("Norfolk")
    assert council is not None
    expected = evaluate(gather(market.store, council), "beds", Level.DISTRICT).frame
    body = site.council.get(
        "/api/v1/metrics/beds?level=district&sector=all&client_group=all&limit=1000"
    ).json()
    got = {r["area_code"]: r["value"] for r in body["items"]}
    want = expected.filter((pl.col("sector") == "all") & (pl.col("client_group") == "all"))
    assert got == dict(zip(want["area_code"], want["value"], strict=True))
    assert body["releases"] and body["releases"][-1]["release_date"] == "2026-06-01"


def test_public_values_are_suppressed_below_threshold(site: Site) -> None:
    """A public row with 0 < n < 5 has no value and says it is suppressed."""
    rows = site.public.get(
        "/api/v1/metrics/beds?level=district&sector=all&client_group=substance_misuse&limit=1000"
    ).json()["items"]
    council_rows = site.council.get(
        "/api/v1/metrics/beds?level=district&sector=all&client_group=substance_misuse&limit=1000"
    ).json()["items"]
    small = [r for r in council_rows if r["n"] is not None and 0 < r["n"] < 5]
    assert small, "the demo has small cells"
    hidden = {r["area_code"] for r in rows if r["suppressed"]}
    assert hidden == {r["area_code"] for r in small}
    assert all(r["value"] is None and r["n"] is None for r in rows if r["suppressed"])


def test_paging_and_etag(site: Site) -> None:
    """Pages do not overlap, count the total, and a matching ETag gives 304."""
    first = site.public.get("/api/v1/locations?limit=10")
    body = first.json()
    assert len(body["items"]) == 10 and body["next_offset"] == 10 and body["total"] > 100
    second = site.public.get("/api/v1/locations?limit=10&offset=10").json()["items"]
    assert not {r["location_id"] for r in body["items"]} & {r["location_id"] for r in second}
    again = site.public.get(
        "/api/v1/locations?limit=10", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304


def test_filters_apply(site: Site) -> None:
    """Sector, rating and locality filters keep only matching locations."""
    rows = site.public.get(
        "/api/v1/locations?sector=home_care&rating=good&locality=North&limit=1000"
    ).json()["items"]
    assert rows
    assert all(
        "home_care" in r["sectors"] and r["rating"] == "good" and r["locality"] == "North"
        for r in rows
    )


def test_map_areas_carry_values_and_geometry(site: Site) -> None:
    """District and locality choropleths have one feature per area with its value."""
    districts = site.public.get("/api/v1/map/areas?metric=locations&level=district").json()
    assert len(districts["features"]) == 7
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in districts["features"])
    localities = site.public.get("/api/v1/map/areas?metric=locations&level=locality").json()
    names = {f["id"] for f in localities["features"]}
    assert names == {"West", "North", "South", "Norwich", "East"}
    total = sum(f["properties"]["value"] for f in localities["features"])
    council = site.public.get("/api/v1/metrics/locations?sector=all&client_group=all").json()[
        "items"
    ][0]["value"]
    assert total == council


def test_date_slider_dates_give_other_releases(site: Site) -> None:
    """as_of picks the release in force; earlier dates give earlier figures."""
    early = site.public.get("/api/v1/map/locations?as_of=2026-01-15").json()
    late = site.public.get("/api/v1/map/locations").json()
    assert early["metadata"]["as_of"] == "2026-01-01"
    assert late["metadata"]["as_of"] == "2026-06-01"
    assert site.public.get("/api/v1/locations?as_of=2020-01-01").status_code == 404


def test_csv_download(site: Site) -> None:
    """format=csv gives every row with a header."""
    response = site.public.get(
        "/api/v1/metrics/locations?level=locality&sector=all&client_group=all&format=csv"
    )
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0].startswith("area_code,area_name,sector,client_group,period,value,n")
    assert len(lines) == 6


def test_location_profile(site: Site) -> None:
    """A profile has rating history and the provider's other locations."""
    first = site.public.get(f"/api/v1/providers/{site.provider_id}").json()["locations"][0]
    profile = site.public.get(f"/api/v1/locations/{first['location_id']}").json()
    assert profile["ratings"] and profile["location"]["provider_id"] == site.provider_id
    assert profile["other_locations"] and profile["council_relationship"] is None
    page = site.public.get(f"/locations/{first['location_id']}")
    assert page.status_code == 200 and "Rating history" in page.text


def test_trend_has_a_point_per_release(site: Site) -> None:
    """The trend gives one point per loaded CQC release."""
    items = site.public.get("/api/v1/metrics/locations/trend").json()["items"]
    assert [p["as_of"] for p in items] == [f"2026-0{m}-01" for m in range(1, 7)]


def test_docs_are_served_offline(site: Site) -> None:
    """The docs page loads Swagger UI from this site, not a CDN."""
    page = site.public.get("/api/v1/docs").text
    assert "/static/docs/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert site.public.get("/static/docs/swagger-ui-bundle.js").status_code == 200


def test_rows_of_every_sector_when_none_is_asked(site: Site) -> None:
    """Without `sector`, one area's rows cover every sector (what a locality download gives)."""
    rows = site.public.get(
        "/api/v1/metrics/locations?level=locality&area=North&client_group=all&limit=1000"
    ).json()["items"]
    sectors = {r["sector"] for r in rows}
    assert {"all", "home_care", "care_home"} <= sectors and {r["area_code"] for r in rows} == {
        "North"
    }


def test_population_figures_hold_for_any_sector(site: Site) -> None:
    """A figure not broken down by sector (growth of the 65+) shows whatever sector is chosen."""
    every = site.public.get("/api/v1/areas/E07000148").json()["figures"]
    home_care = site.public.get("/api/v1/areas/E07000148?sector=home_care").json()["figures"]
    growth = [f for f in every if f["metric"] == "growth_aged_65_plus"]
    assert growth and growth[0]["value"] is not None
    assert [f for f in home_care if f["metric"] == "growth_aged_65_plus"] == growth
