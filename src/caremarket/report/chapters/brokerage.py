"""The brokerage workflow's figures in the waiting and supply chapters.

Each figure is one of the workflow's own (`brokerage_figures`, the numbers the dashboard
and the API show), names its source, and says why when it rests on no request.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from caremarket.brokerage.workflow.figures import BrokerageReading
from caremarket.brokerage.workflow.need import Urgency
from caremarket.report.context import Context, text_cell
from caremarket.report.formatting import long_date
from caremarket.report.model import Block, Cell, Figure, Paragraph, Table

HOURS = "{:,.0f} hours a week"
"""Hours as the rest of the statement writes them (report.formatting.number)."""
NOT_INCLUDED = (
    "The brokerage figures (requests, offers and awards) were not included in this edition."
)
URGENCY_WORDS = {
    Urgency.ROUTINE.value: "Routine",
    Urgency.URGENT.value: "Urgent",
    Urgency.HOSPITAL_DISCHARGE.value: "Hospital discharge",
}


def _reading(ctx: Context) -> tuple[BrokerageReading | None, list[Block]]:
    """The reading when it holds figures, else the sentence saying why there are none."""
    found = ctx.inputs.brokerage
    if found is None:
        return None, [Paragraph(NOT_INCLUDED)]
    if found.figures is None:
        return None, [Paragraph(f"The brokerage figures are not available: {found.reason}.")]
    return found, []


def _marker(ctx: Context) -> str:
    policy = ctx.ledger.policy
    return policy.marker if policy is not None else "suppressed"


FIGURES: dict[str, tuple[str, str]] = {
    "requests_waiting": ("Requests waiting (brokerage workflow)", "count"),
    "unmet_hours": ("Home-care hours a week waiting (brokerage workflow)", "hours per week"),
    "awards": ("Requests awarded (brokerage workflow)", "count"),
    "median_hours": ("Median hours from request to award", "hours"),
    "p90_hours": ("90th percentile hours from request to award", "hours"),
    "requests_published": ("Requests published to providers", "count"),
    "share_with_offer": ("Share of requests with at least one offer", "share"),
    "offers_per_request": ("Offers per request", "count"),
    "requests_checked": ("Requests waiting, checked for where they fit", "count"),
    "hard_to_serve": ("Requests waiting that are hard to serve", "count"),
    "hard_to_serve_hours": ("Hours a week waiting that are hard to serve", "hours per week"),
    "declared_hours": ("Home-care hours a week providers declared spare", "hours per week"),
    "waiting_hours": ("Home-care hours a week waiting, by the locality of their district",
                      "hours per week"),
}  # fmt: skip
"""Each brokerage figure of the statement: what figures.json and "what changed" call it."""


def _value(
    ctx: Context,
    row: dict[str, Any],
    key: str,
    form: str,
    by: str,
    group: str,
    absent: str = "not available",
    figure: str | None = None,
) -> Cell:
    """A cell of one figure, `row[key]`: suppressed, not available (with the reason) or the
    number. The figure (`FIGURES`, default `key`) is keyed like every other figure of the
    statement, `brokerage.<figure>|<level>|<area>|home_care|all|<as-of>`, and kept with
    them, so figures.json lists it and the next edition can say what changed."""
    name = figure or key
    label, unit = FIGURES[name]
    reading = ctx.inputs.brokerage
    as_of = str(((reading.figures if reading else None) or {}).get("as_of", ""))
    level = "council" if by == "all" else by
    area = ctx.inputs.gathered.inputs.council.code if by == "all" else group
    blank = Figure(
        key="|".join((f"brokerage.{name}", level, area, "home_care", "all", as_of)),
        metric=f"brokerage.{name}",
        label=label,
        unit=unit,
        value=None,
        text="",
        area_code=area,
        area_name=ctx.council_name if by == "all" else URGENCY_WORDS.get(group, group),
        sector="home_care",
        period=as_of,
    )
    if row.get("suppressed"):
        marker = _marker(ctx)
        return _kept(ctx, replace(blank, text=marker, suppressed=True))
    value = row.get(key)
    if value is None:
        return text_cell(absent)
    n = row.get("n")
    return _kept(ctx, replace(blank, value=float(value), text=form.format(value),
                              n=None if n is None else int(n)))  # fmt: skip


def _kept(ctx: Context, figure: Figure) -> Cell:
    """The figure's cell, the figure kept with the edition's others."""
    ctx.ledger.figures[figure.key] = figure
    return Cell(figure.text, figure)


def _note(reading: BrokerageReading, ctx: Context, extra: str = "") -> str:
    policy = ctx.ledger.policy
    hidden = (
        f" Figures resting on fewer than {policy.threshold} requests are shown as {policy.marker}."
        if policy is not None
        else ""
    )
    return f"{extra}{hidden} Source: {reading.source}.".strip()


def _waiting_now(ctx: Context, reading: BrokerageReading) -> Block:
    figures = reading.figures or {}
    rows = figures["unmet_hours_by_week"]
    today = figures["as_of"]
    now = [r for r in rows if str(r["day"]) == today]
    day = long_date(date.fromisoformat(today))
    if not now:
        return Paragraph(
            f"No request was waiting in the brokerage workflow (open, offered or handed back) "
            f"on {day}. Source: {reading.source}."
        )
    body = tuple(
        (
            text_cell(str(r["locality"])),
            _value(ctx, r, "n", "{:,}", "locality", str(r["locality"]), figure="requests_waiting"),
            _value(ctx, r, "unmet_hours", HOURS, "locality", str(r["locality"])),
        )
        for r in now
    )
    return Table(
        f"Requests waiting and their hours by locality on {day} (brokerage workflow)",
        ("Locality", "Requests waiting", "Hours a week waiting"),
        body,
        note=_note(reading, ctx, "Requests open to offers, offered or handed back."),
    )


def _time_to_source(ctx: Context, reading: BrokerageReading) -> Block:
    figures = reading.figures or {}
    if not _awards(figures) and not any(r.get("suppressed") for r in figures["time_to_source"]):
        return Paragraph(
            "Time to source (hours from a request opening to its award): not available, no "
            f"request has been awarded yet. Source: {reading.source}."
        )
    found = {(r["by"], str(r["grp"])): r for r in figures["time_to_source"]}
    localities = sorted(
        {str(r["grp"]) for r in figures["offers"] if r["by"] == "locality"}
        | {g for by, g in found if by == "locality"}
    )
    wanted = [
        ("all", "all", "All requests"),
        *(("locality", name, name) for name in localities),
        *(("urgency", code, words) for code, words in URGENCY_WORDS.items()),
    ]
    body = []
    for by, group, label in wanted:
        row = found.get((by, group))
        if row is None or (not row["n"] and not row.get("suppressed")):
            why = "not available: no request awarded yet"
            body.append((text_cell(label), text_cell("none"), text_cell(why), text_cell(why)))
            continue
        body.append(
            (
                text_cell(label),
                _value(ctx, row, "n", "{:,}", by, group, figure="awards"),
                _value(ctx, row, "median_hours", "{:,.1f}", by, group),
                _value(ctx, row, "p90_hours", "{:,.1f}", by, group),
            )
        )
    return Table(
        "Time to source: hours from a request opening to its award, by locality and urgency",
        ("Group", "Awards", "Median hours", "90th percentile hours"),
        tuple(body),
        note=_note(reading, ctx, "Counted from each award back to the request's last opening."),
    )


def _offers(ctx: Context, reading: BrokerageReading) -> Block:
    figures = reading.figures or {}
    rows = figures["offers"]
    if not rows:
        return Paragraph(
            "Share of requests with at least one offer, and offers per request: not available, "
            f"no request has been published yet. Source: {reading.source}."
        )
    body = tuple(
        (
            text_cell("All localities" if r["by"] == "all" else str(r["grp"])),
            _value(ctx, r, "n", "{:,}", str(r["by"]), str(r["grp"]), figure="requests_published"),
            _value(ctx, r, "share_with_offer", "{:.0%}", str(r["by"]), str(r["grp"])),
            _value(ctx, r, "offers_per_request", "{:,.2f}", str(r["by"]), str(r["grp"])),
        )
        for r in sorted(rows, key=lambda r: (r["by"] != "all", str(r["grp"])))
    )
    return Table(
        "Requests published, the share with at least one offer and offers per request",
        ("Locality", "Requests published", "With an offer", "Offers per request"),
        body,
        note=_note(reading, ctx),
    )


def _hand_backs(ctx: Context, reading: BrokerageReading) -> Block:
    figures = reading.figures or {}
    found = figures["hand_backs"]
    awards = _awards(figures)
    policy = ctx.ledger.policy
    if found["per_1000_hours"] is None:
        rate = f"not available ({found['reason']})"
    elif policy is not None and policy.hides(awards):
        rate = f"{policy.marker} (fewer than {policy.threshold} awards)"
    else:
        rate = (
            f"{found['per_1000_hours']:,.1f} per 1,000 hours a week awarded "
            f"({found['hand_backs']:,} handed back against {found['awarded_hours']:,.1f} hours)"
        )
    return Paragraph(f"Packages handed back to the council: {rate}. Source: {reading.source}.")


def _hard_to_serve(ctx: Context, reading: BrokerageReading) -> Block:
    figures = reading.figures or {}
    rows = figures.get("hard_to_serve") or []
    if not rows:
        return Paragraph(
            f"Requests hard to serve: none waiting, so none to count. Source: {reading.source}."
        )
    overall = next((r for r in rows if r["by"] == "all"), None)
    if overall is not None and not overall.get("suppressed") and not overall["checked"]:
        return Paragraph(
            f"Requests hard to serve: not available, where the {overall['n']:,} packages waiting "
            "fit has not been worked out yet (the brokers' tool works it out when it starts). "
            f"Source: {reading.source}."
        )
    body = []
    for r in sorted(rows, key=lambda r: (r["by"] != "all", str(r["grp"]))):
        where = (str(r["by"]), str(r["grp"]))
        why = f"not available: {r['reason']}" if r.get("reason") else "not available"
        body.append(
            (
                text_cell("All localities" if r["by"] == "all" else str(r["grp"])),
                _value(ctx, r, "n", "{:,}", *where, figure="requests_checked"),
                _value(ctx, r, "hard_to_serve", "{:,}", *where, why),
                _value(ctx, r, "hard_to_serve_hours", HOURS, *where, why),
            )
        )
    return Table(
        "Requests waiting that are hard to serve: no provider can take the whole week within "
        "the travel threshold, by locality",
        ("Locality", "Requests waiting", "Hard to serve", "Their hours a week"),
        tuple(body),
        note=_note(
            reading,
            ctx,
            "The verdict recorded on each request when the brokers saw where its package fits "
            "(brokerage/data/fit.yaml).",
        ),
    )


def _awards(figures: dict[str, Any]) -> int:
    overall = [r for r in figures["time_to_source"] if r["by"] == "all"]
    return int(overall[0]["n"] or 0) if overall else 0


def brokerage_waiting(ctx: Context) -> list[Block]:
    """The waiting chapter's brokerage figures: requests and hours waiting, time to source,
    offers and hand-backs (or one sentence saying why they are not here)."""
    reading, absent = _reading(ctx)
    if reading is None:
        return absent
    return [
        _waiting_now(ctx, reading),
        _time_to_source(ctx, reading),
        _offers(ctx, reading),
        _hard_to_serve(ctx, reading),
        _hand_backs(ctx, reading),
    ]


def brokerage_capacity(ctx: Context) -> list[Block]:
    """The supply chapter's home-care hours declared spare against hours waiting, by locality."""
    reading, absent = _reading(ctx)
    if reading is None:
        return absent
    rows = (reading.figures or {})["capacity_by_locality"]
    if not rows:
        return [
            Paragraph(
                "Capacity declared against hours waiting: not available, no provider has "
                f"declared spare home-care hours and no request is waiting. Source: "
                f"{reading.source}."
            )
        ]
    body = []
    for r in rows:
        where = ("locality", str(r["locality"]))
        if not r["providers"]:
            declared = text_cell("not available: none declared")
        else:
            hidden = r["declared_hours"] is None
            declared = _value(ctx, {**r, "n": r["providers"], "suppressed": hidden},
                              "declared_hours", HOURS, *where)  # fmt: skip
        if r["n"] == 0:
            waiting = text_cell("not available: no request waiting")
        else:
            waiting = _value(ctx, {**r, "suppressed": r["n"] is None}, "waiting_hours",
                             HOURS, *where)  # fmt: skip
        body.append(
            (text_cell(str(r["locality"])), declared, text_cell(f"{r['providers']:,}"), waiting)
        )
    return [
        Table(
            "Home-care hours a week providers declared spare, against hours waiting, by locality",
            ("Locality", "Hours declared spare", "Providers declaring", "Hours waiting"),
            tuple(body),
            note=_note(
                reading,
                ctx,
                "Each provider's latest declaration per postcode district; a district counts "
                "in the locality most of its requests name.",
            ),
        )
    ]
