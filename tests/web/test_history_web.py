"""The market-over-time page and API: the same numbers as `caremarket history`."""

from __future__ import annotations

from caremarket.history import market_history

from .conftest import Site


def test_history_api_and_page_match_the_command(site: Site) -> None:
    """Every release's locations, openings and beds lost are those `history` computes."""
    market = site.app.state.caremarket.market
    expected = market_history(market.store, market.council).to_dicts()
    api = site.public.get("/api/v1/history")
    page = site.public.get("/history")
    assert api.status_code == 200 and page.status_code == 200
    items = api.json()["items"]
    assert [i["release_date"] for i in items] == [r["release_date"].isoformat() for r in expected]
    for item, row in zip(items, expected, strict=True):
        assert (item["locations"], item["opened"], item["beds_lost"]) == (
            row["locations"], row["opened"], row["beds_lost"],
        )  # fmt: skip
    assert items[0]["opened"] is None  # nothing before the first release
    last = items[-1]
    assert f'<th scope="row">{last["release_date"]}</th><td>{last["locations"]}</td>' in page.text
