"""The brokerage figures providers see among the market signals: aggregates by locality only.

Each value is one of the workflow's figures (`brokerage_figures`, the numbers of the
council's dashboard), rearranged by locality: no offer, award or person appears, and with
small numbers hidden no figure rests on fewer requests (or declared hours on fewer
providers) than the threshold.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


def by_locality(figures: Row) -> list[Row]:
    """Per locality: requests and hours waiting now, requests published and the share with an
    offer, home-care hours declared spare and how many providers declared them."""
    today = figures["as_of"]
    rows: dict[str, Row] = {}

    def row(locality: str) -> Row:
        return rows.setdefault(
            locality,
            {
                "locality": locality,
                "requests_waiting": None,
                "waiting_hours_per_week": None,
                "requests_published": None,
                "share_with_offer": None,
                "spare_hours_per_week": None,
                "providers_declaring": 0,
                "suppressed": False,
            },
        )

    for found in figures["unmet_hours_by_week"]:
        if str(found["day"]) == today:
            into = row(str(found["locality"]))
            into["requests_waiting"] = found["n"]
            into["waiting_hours_per_week"] = found["unmet_hours"]
            into["suppressed"] |= bool(found["suppressed"])
    for found in figures["offers"]:
        if found["by"] == "locality":
            into = row(str(found["grp"]))
            into["requests_published"] = found["n"]
            into["share_with_offer"] = found["share_with_offer"]
            into["suppressed"] |= bool(found["suppressed"])
    for found in figures["capacity_by_locality"]:
        into = row(str(found["locality"]))
        into["providers_declaring"] = int(found["providers"])
        into["spare_hours_per_week"] = found["declared_hours"] if found["providers"] else None
        into["suppressed"] |= bool(found["suppressed"])
    return [rows[name] for name in sorted(rows)]
