"""Brokerage figures, each a count over the audit log (SQL), with small numbers suppressed.

- time to source: hours from a request (re)opening to its award; median and 90th
  percentile, overall, by locality and by urgency;
- share of requests published that had at least one offer, and offers per request;
- hand-backs per 1,000 hours a week awarded;
- unmet hours (requests open, offered or handed back) by locality, week by week;
- home-care hours declared spare against hours waiting, by postcode district and by
  locality (a district counts in the locality most of its requests were filed under);
- requests waiting that are hard to serve, by locality: the verdict recorded on the
  request when the brokers saw where its package fits (not an audit-log count);
- awards made to the council's provider of last resort, and their share of awards.

A figure resting on no request is None with the reason, never 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

Row = dict[str, Any]
Query = Callable[[str, tuple[Any, ...]], list[Row]]

UNMET: Final = ("open", "offered", "handed_back")

TIME_TO_SOURCE: Final = """
WITH sourced AS (
    SELECT a.request_id, a.at,
        (SELECT max(o.at) FROM brokerage.audit_log o
         WHERE o.request_id = a.request_id AND o.to_state = 'open'
           AND o.event_id < a.event_id) AS opened_at
    FROM brokerage.audit_log a WHERE a.action = 'award'
)
SELECT CASE WHEN grouping(r.locality) = 0 THEN 'locality'
            WHEN grouping(r.urgency) = 0 THEN 'urgency' ELSE 'all' END AS by,
       CASE WHEN grouping(r.locality) = 0 THEN coalesce(r.locality, 'unknown')
            WHEN grouping(r.urgency) = 0 THEN r.urgency ELSE 'all' END AS grp,
       count(*) AS n,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM s.at - s.opened_at) / 3600) AS median_hours,
       percentile_cont(0.9) WITHIN GROUP (
           ORDER BY extract(epoch FROM s.at - s.opened_at) / 3600) AS p90_hours
FROM sourced s JOIN brokerage.request r USING (request_id)
GROUP BY GROUPING SETS ((), (r.locality), (r.urgency))
ORDER BY 1, 2
"""

OFFERS: Final = """
WITH published AS (
    SELECT p.request_id,
        (SELECT count(*) FROM brokerage.audit_log o
         WHERE o.request_id = p.request_id AND o.action = 'offer') AS offers
    FROM (SELECT DISTINCT request_id FROM brokerage.audit_log WHERE action = 'publish') p
)
SELECT CASE WHEN grouping(r.locality) = 0 THEN 'locality' ELSE 'all' END AS by,
       CASE WHEN grouping(r.locality) = 0 THEN coalesce(r.locality, 'unknown')
            ELSE 'all' END AS grp,
       count(*) AS n,
       count(*) FILTER (WHERE p.offers > 0) AS with_offer,
       sum(p.offers) AS offers
FROM published p JOIN brokerage.request r USING (request_id)
GROUP BY GROUPING SETS ((), (r.locality))
ORDER BY 1, 2
"""

HAND_BACKS: Final = """
SELECT count(*) FILTER (WHERE action = 'hand_back') AS hand_backs,
       count(*) FILTER (WHERE action = 'award') AS awards,
       coalesce(sum((detail->>'hours_per_week')::numeric)
                FILTER (WHERE action = 'award'), 0) AS awarded_hours
FROM brokerage.audit_log
"""

UNMET_BY_WEEK: Final = """
WITH days AS (
    SELECT generate_series(%s::date - 7 * %s, %s::date, interval '7 days')::date AS day
), state_at AS (
    SELECT d.day, r.request_id, coalesce(r.locality, 'unknown') AS locality, r.hours_per_week,
        (SELECT a.to_state FROM brokerage.audit_log a
         WHERE a.request_id = r.request_id AND a.to_state IS NOT NULL
           AND a.at < (d.day + 1)::timestamptz
         ORDER BY a.event_id DESC LIMIT 1) AS state
    FROM days d CROSS JOIN brokerage.request r
)
SELECT day, locality, count(*) AS n, sum(hours_per_week) AS unmet_hours
FROM state_at WHERE state = ANY(%s)
GROUP BY day, locality ORDER BY day, locality
"""

CAPACITY_AGAINST_WAITING: Final = """
WITH declared AS (
    SELECT DISTINCT ON (provider_id, detail->>'area')
        detail->>'area' AS district, (detail->>'amount')::numeric AS amount
    FROM brokerage.audit_log
    WHERE action = 'declare_capacity' AND detail->>'kind' = 'home_care_hours'
    ORDER BY provider_id, detail->>'area', event_id DESC
), spare AS (
    SELECT district, sum(amount) AS declared_hours, count(*) AS providers
    FROM declared GROUP BY district
), waiting AS (
    SELECT r.postcode_district AS district, count(*) AS n, sum(r.hours_per_week) AS waiting_hours
    FROM brokerage.request r
    WHERE (SELECT a.to_state FROM brokerage.audit_log a
           WHERE a.request_id = r.request_id AND a.to_state IS NOT NULL
           ORDER BY a.event_id DESC LIMIT 1) = ANY(%s)
    GROUP BY 1
)
SELECT district, coalesce(declared_hours, 0) AS declared_hours, coalesce(providers, 0) AS providers,
       coalesce(waiting_hours, 0) AS waiting_hours, coalesce(n, 0) AS n
FROM spare FULL JOIN waiting USING (district)
ORDER BY district
"""

CAPACITY_BY_LOCALITY: Final = """
WITH declared AS (
    SELECT DISTINCT ON (provider_id, detail->>'area')
        provider_id, detail->>'area' AS district, (detail->>'amount')::numeric AS amount
    FROM brokerage.audit_log
    WHERE action = 'declare_capacity' AND detail->>'kind' = 'home_care_hours'
    ORDER BY provider_id, detail->>'area', event_id DESC
), district_locality AS (
    SELECT DISTINCT ON (postcode_district)
        postcode_district AS district, coalesce(locality, 'unknown') AS locality
    FROM brokerage.request
    GROUP BY postcode_district, locality
    ORDER BY postcode_district, count(*) DESC, locality
), spare AS (
    SELECT coalesce(dl.locality, 'unknown') AS locality, sum(d.amount) AS declared_hours,
        count(DISTINCT d.provider_id) AS providers
    FROM declared d LEFT JOIN district_locality dl USING (district)
    GROUP BY 1
), waiting AS (
    SELECT coalesce(r.locality, 'unknown') AS locality, count(*) AS n,
        sum(r.hours_per_week) AS waiting_hours
    FROM brokerage.request r
    WHERE (SELECT a.to_state FROM brokerage.audit_log a
           WHERE a.request_id = r.request_id AND a.to_state IS NOT NULL
           ORDER BY a.event_id DESC LIMIT 1) = ANY(%s)
    GROUP BY 1
)
SELECT locality, coalesce(declared_hours, 0) AS declared_hours,
       coalesce(providers, 0) AS providers,
       coalesce(waiting_hours, 0) AS waiting_hours, coalesce(n, 0) AS n
FROM spare FULL JOIN waiting USING (locality)
ORDER BY locality
"""


HARD_TO_SERVE: Final = """
SELECT CASE WHEN grouping(coalesce(r.locality, 'unknown')) = 0 THEN 'locality' ELSE 'all' END
           AS by,
       CASE WHEN grouping(coalesce(r.locality, 'unknown')) = 0
            THEN coalesce(r.locality, 'unknown') ELSE 'all' END AS grp,
       count(*) AS n,
       count(*) FILTER (WHERE r.hard_to_serve IS NOT NULL) AS checked,
       count(*) FILTER (WHERE r.hard_to_serve) AS hard,
       coalesce(sum(r.hours_per_week) FILTER (WHERE r.hard_to_serve), 0) AS hard_hours
FROM brokerage.request r
WHERE (SELECT a.to_state FROM brokerage.audit_log a
       WHERE a.request_id = r.request_id AND a.to_state IS NOT NULL
       ORDER BY a.event_id DESC LIMIT 1) = ANY(%s)
GROUP BY GROUPING SETS ((), (coalesce(r.locality, 'unknown')))
ORDER BY 1, 2
"""

LAST_RESORT: Final = """
SELECT count(*) AS awards,
       count(*) FILTER (WHERE p.last_resort) AS last_resort,
       coalesce(sum((a.detail->>'hours_per_week')::numeric) FILTER (WHERE p.last_resort), 0)
           AS last_resort_hours
FROM brokerage.audit_log a
LEFT JOIN brokerage.provider p ON p.provider_id = a.detail->>'provider_id'
WHERE a.action = 'award'
"""


@dataclass(frozen=True, slots=True)
class BrokerageReading:
    """The brokerage figures as read for a publication, or why there are none."""

    figures: dict[str, Any] | None
    read_at: datetime | None = None
    reason: str = ""
    """Why there are no figures, when there are none."""

    @property
    def source(self) -> str:
        """Where the figures come from, as each one names it."""
        when = "" if self.read_at is None else self.read_at.strftime(" as at %-d %B %Y %H:%M %Z")
        return f"brokerage workflow, audit log{when}"


def _hide_declared(rows: list[Row], threshold: int | None) -> list[Row]:
    """Hours declared by fewer providers than the threshold hidden: one provider's capacity is
    its own business."""
    if threshold is None:
        return rows
    return [
        {**row, "declared_hours": None, "suppressed": True}
        if 0 < int(row["providers"] or 0) < threshold
        else row
        for row in rows
    ]


def _suppress(rows: Sequence[Row], values: Sequence[str], threshold: int | None) -> list[Row]:
    """Rows with their values hidden where 0 < n < threshold (no threshold: all shown)."""
    shown = []
    for row in rows:
        hide = threshold is not None and 0 < int(row["n"]) < threshold
        shown.append(
            {**row, **({k: None for k in (*values, "n")} if hide else {}), "suppressed": hide}
        )
    return shown


def _ratio(top: float, bottom: float, scale: float = 1.0) -> float | None:
    return None if bottom == 0 else scale * top / bottom


def brokerage_figures(
    query: Query, today: date, *, weeks: int = 8, threshold: int | None = None
) -> dict[str, Any]:
    """Every brokerage figure from the audit log; small numbers hidden when `threshold`."""
    time_to_source = _suppress(query(TIME_TO_SOURCE, ()), ("median_hours", "p90_hours"), threshold)
    offers = []
    for row in query(OFFERS, ()):
        n = int(row["n"])
        offers.append(
            {
                "by": row["by"],
                "grp": row["grp"],
                "n": n,
                "share_with_offer": _ratio(float(row["with_offer"]), n),
                "offers_per_request": _ratio(float(row["offers"] or 0), n),
            }
        )
    offers = _suppress(offers, ("share_with_offer", "offers_per_request"), threshold)
    (counts,) = query(HAND_BACKS, ())
    hours = float(counts["awarded_hours"])
    hand_backs = {
        "hand_backs": int(counts["hand_backs"]),
        "awarded_hours": hours,
        "per_1000_hours": _ratio(float(counts["hand_backs"]), hours, 1000.0),
        "reason": None if hours else "no hours awarded yet",
    }
    unmet = _suppress(
        query(UNMET_BY_WEEK, (today, weeks, today, list(UNMET))), ("unmet_hours",), threshold
    )
    capacity = _hide_declared(
        _suppress(query(CAPACITY_AGAINST_WAITING, (list(UNMET),)), ("waiting_hours",), threshold),
        threshold,
    )
    by_locality = _hide_declared(
        _suppress(query(CAPACITY_BY_LOCALITY, (list(UNMET),)), ("waiting_hours",), threshold),
        threshold,
    )
    hard = []
    for row in query(HARD_TO_SERVE, (list(UNMET),)):
        checked = int(row["checked"])
        hard.append(
            {
                "by": row["by"],
                "grp": row["grp"],
                "n": int(row["n"]),
                "checked": checked,
                "hard_to_serve": int(row["hard"]) if checked else None,
                "hard_to_serve_hours": float(row["hard_hours"]) if checked else None,
                "reason": None if checked else "where these packages fit not worked out yet",
            }
        )
    hard = _suppress(hard, ("checked", "hard_to_serve", "hard_to_serve_hours"), threshold)
    (resort,) = query(LAST_RESORT, ())
    awards = int(resort["awards"])
    last_resort = {
        "awards": awards,
        "by_last_resort": int(resort["last_resort"]),
        "share": _ratio(float(resort["last_resort"]), awards),
        "hours_per_week": float(resort["last_resort_hours"]),
        "reason": None if awards else "no award made yet",
    }
    return {
        "as_of": today.isoformat(),
        "time_to_source": time_to_source,
        "hard_to_serve": hard,
        "last_resort": last_resort,
        "offers": offers,
        "hand_backs": hand_backs,
        "unmet_hours_by_week": unmet,
        "capacity_against_waiting": capacity,
        "capacity_by_locality": by_locality,
        "threshold": threshold,
    }
