"""Chart definitions (Altair / Vega-Lite) and their offline rendering to SVG.

Each function takes plain rows and returns a Vega-Lite spec (a dict), which
the web tool can embed as it is and the report renders to SVG with
vl-convert (no browser, no network).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from functools import cache
from html import escape
from typing import Any, Final

import altair as alt
import polars as pl

from caremarket.domain.palette import rating_fill
from caremarket.domain.rating import Rating

FONT: Final = "DejaVu Sans, Arial, sans-serif"
INK: Final = "#1d2a3a"
ACCENT: Final = "#005a8c"
# The ratings' words in the document, in order; colours from the one declared palette.
RATING_WORDS: Final = {
    Rating.OUTSTANDING: "Outstanding",
    Rating.GOOD: "Good",
    Rating.REQUIRES_IMPROVEMENT: "Requires improvement",
    Rating.INADEQUATE: "Inadequate",
    Rating.NOT_RATED: "Not yet rated",
}
RATING_COLOURS: Final = {words: rating_fill(rating) for rating, words in RATING_WORDS.items()}
SERIES: Final = ("#005a8c", "#e07b00", "#6b3fa0", "#2e8b57", "#c2185b", "#7a7a7a", "#00897b")
WIDTH: Final = 520


def _config(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = (
        chart.configure(font=FONT, background="white")
        .configure_axis(
            labelColor=INK, titleColor=INK, labelFontSize=11, titleFontSize=11, gridColor="#e6e9ee"
        )
        .configure_legend(
            labelColor=INK,
            titleColor=INK,
            labelFontSize=11,
            titleFontSize=11,
            orient="bottom",
            labelLimit=0,  # never cut a label ("Requires improvement" in full)
            columns=2,
            columnPadding=18,
        )
        .configure_view(stroke=None)
        .to_dict(validate=False)
    )
    return spec


def rating_distribution(rows: Sequence[tuple[str, str, int]]) -> dict[str, Any]:
    """Locations by current CQC rating per sector: rows (sector, rating, locations)."""
    spec = copy.deepcopy(_rating_skeleton())
    spec["datasets"] = {
        RATINGS_DATA: [{"sector": s, "rating": r, "locations": n} for s, r, n in rows]
    }
    if len({s for s, _, _ in rows}) == 1:
        # One sector: a single bar the report draws itself (same picture, far quicker).
        spec["usermeta"] = {SHARE_BAR: True}
    return spec


RATINGS_DATA: Final = "ratings"


@cache
def _rating_skeleton() -> dict[str, Any]:
    """The rating distribution's spec without its rows (built once: Altair is slow)."""
    order = list(RATING_COLOURS)
    chart = (
        alt.Chart(alt.NamedData(RATINGS_DATA))
        .mark_bar()
        .encode(
            y=alt.Y("sector:N", title=None, sort=None),
            x=alt.X("locations:Q", title="Locations", stack="normalize", axis=alt.Axis(format="%")),
            color=alt.Color(
                "rating:N",
                title="Current CQC rating",
                scale=alt.Scale(domain=order, range=list(RATING_COLOURS.values())),
                sort=order,
            ),
            order=alt.Order("rank:Q"),
        )
        .transform_calculate(rank=f"indexof({order!r}, datum.rating)")
        .properties(width=WIDTH - 160, height=alt.Step(22))
    )
    return _config(chart)


def trend_axis_floor(percents: Sequence[float]) -> float:
    """Where the trend's y axis starts: 0, or a multiple of 5 below the lowest value when
    starting at 0 would flatten the lines (the axis title then says so)."""
    low = min(percents)
    return 0.0 if low < 30 else float(max(0, int((low - 3) // 5) * 5))


def rating_trend(rows: Sequence[tuple[str, str, float]]) -> dict[str, Any]:
    """Share rated good or outstanding over releases: rows (release label such as "Jun 2026",
    series, percent) in release order; one tick per release, and a y axis that does not start
    at zero says so in its title."""
    frame = pl.DataFrame(rows, schema=["release", "series", "percent"], orient="row")
    order = list(dict.fromkeys(r for r, _, _ in rows))
    floor = trend_axis_floor([p for _, _, p in rows])
    top = min(100.0, max(p for _, _, p in rows) + 3)
    title = "% good or outstanding" + (f" (axis starts at {floor:.0f}%)" if floor else "")
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "release:O",
                title="CQC release",
                sort=order,
                axis=alt.Axis(labelAngle=0, labelOverlap=False),
            ),
            y=alt.Y(
                "percent:Q",
                title=title,
                scale=alt.Scale(domain=[floor, top], zero=False, nice=False),
            ),
            color=alt.Color("series:N", title=None, scale=alt.Scale(range=list(SERIES))),
        )
        .properties(width=WIDTH - 60, height=200)
    )
    return _config(chart)


def grouped_bars(
    rows: Sequence[tuple[str, str, float]], *, category: str, series: str, value: str
) -> dict[str, Any]:
    """Values per category split by series (e.g. locations per locality by sector)."""
    frame = pl.DataFrame(rows, schema=["category", "series", "value"], orient="row")
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("category:N", title=None, sort=None),
            x=alt.X("value:Q", title=value),
            color=alt.Color("series:N", title=series, scale=alt.Scale(range=list(SERIES))),
            yOffset=alt.YOffset("series:N"),
        )
        .properties(width=WIDTH - 180, height=alt.Step(9))
    )
    _ = category
    return _config(chart)


def bars(rows: Sequence[tuple[str, float]], *, value: str) -> dict[str, Any]:
    """One value per category as horizontal bars with labels."""
    frame = pl.DataFrame(rows, schema=["category", "value"], orient="row")
    base = alt.Chart(frame).encode(
        y=alt.Y("category:N", title=None, sort=None), x=alt.X("value:Q", title=value)
    )
    chart = (
        base.mark_bar(color=ACCENT)
        + base.mark_text(align="left", dx=3, color=INK, fontSize=10).encode(
            text=alt.Text("value:Q", format=",.0f")
        )
    ).properties(width=WIDTH - 180, height=alt.Step(20))
    return _config(chart)


def projection(rows: Sequence[tuple[int, str, float]]) -> dict[str, Any]:
    """People by year and measure (estimate then projections): rows (year, measure, people)."""
    frame = pl.DataFrame(rows, schema=["year", "measure", "people"], orient="row")
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("people:Q", title="People", axis=alt.Axis(format="~s")),
            color=alt.Color("measure:N", title=None, scale=alt.Scale(range=list(SERIES))),
        )
        .properties(width=WIDTH - 60, height=200)
    )
    return _config(chart)


SHARE_BAR: Final = "caremarket_share_bar"


def share_bar_svg(rows: list[dict[str, Any]]) -> str:
    """One sector's locations by rating as a single 100% bar with a legend of counts."""
    counts = {label: 0 for label in RATING_COLOURS}
    for row in rows:
        counts[row["rating"]] = counts.get(row["rating"], 0) + int(row["locations"])
    total = sum(counts.values()) or 1
    left, width, top, height = 14.0, WIDTH - 40.0, 8.0, 26.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="104" '
        f'viewBox="0 0 {WIDTH} 104" font-family="{FONT}" font-size="11" fill="{INK}">'
    ]
    x = left
    for label, count in counts.items():
        share = width * count / total
        if share > 0:
            parts.append(
                f'<rect x="{x:.1f}" y="{top}" width="{share:.1f}" height="{height}" '
                f'fill="{RATING_COLOURS[label]}"><title>{escape(label)}: {count}</title></rect>'
            )
        x += share
    for tick in range(0, 101, 20):
        tx = left + width * tick / 100
        parts.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top + height}" y2="{top + height + 4}" '
            'stroke="#888"/>'
        )
        parts.append(
            f'<text x="{tx:.1f}" y="{top + height + 15}" text-anchor="middle" '
            f'font-size="10">{tick}%</text>'
        )
    lx, ly = left, 62.0
    for label, count in counts.items():
        text = f"{label} ({count})"
        step = 14 + 6.8 * len(text) + 14  # generous: DejaVu Sans at 10px, never overlapping
        if lx + step > WIDTH:
            lx, ly = left, ly + 18
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly}" width="10" height="10" fill="{RATING_COLOURS[label]}"/>'
        )
        parts.append(f'<text x="{lx + 14:.1f}" y="{ly + 9}" font-size="10">{escape(text)}</text>')
        lx += step
    parts.append("</svg>")
    return "".join(parts)


def to_svg(spec: dict[str, Any], prefix: str, alt_text: str) -> str:
    """Render a Vega-Lite spec to inline SVG: ids made unique by `prefix`, alt text as title."""
    if spec.get("usermeta", {}).get(SHARE_BAR):
        rows = spec["datasets"][spec["data"]["name"]]
        return labelled_svg(share_bar_svg(rows), prefix, alt_text)
    import vl_convert

    # Compiling to Vega first, then rendering, is quicker than the one-step call.
    svg = vl_convert.vega_to_svg(vl_convert.vegalite_to_vega(spec))
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return labelled_svg(svg, prefix, alt_text)


def labelled_svg(svg: str, prefix: str, alt_text: str) -> str:
    """Give an SVG an accessible name: role img and a <title> holding the alt text."""
    head, _, rest = svg.partition(">")
    title = f'<title id="{prefix}-alt">{escape(alt_text)}</title>'
    opening = head.replace("<svg ", f'<svg role="img" aria-labelledby="{prefix}-alt" ', 1)
    return f"{opening}>{title}{rest}"


RATING_LABELS: Final = {r.value: words for r, words in RATING_WORDS.items() if r.is_rated}
