"""Dashboard charts: Altair definitions rendered to SVG on the server (no chart JS needed).

The same definitions can be rendered to PNG/SVG for a PDF report; each SVG
gets a title for screen readers, and every chart sits beside its table.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from typing import Any

import altair as alt
import vl_convert

from caremarket.metrics import Metric

BAR_COLOUR = "#1d70b8"
RATING_COLOURS = {
    "outstanding": "#00703c",
    "good": "#1d70b8",
    "requires_improvement": "#b58800",
    "inadequate": "#d4351c",
    "not_rated": "#6f777b",
}


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


@lru_cache(maxsize=512)
def _svg(spec_json: str, title: str) -> str:
    svg: str = vl_convert.vegalite_to_svg(json.loads(spec_json))
    head, _, rest = svg.partition(">")
    safe = html.escape(title, quote=True)  # the title sits in an attribute too
    return f'{head} role="img" aria-label="{safe}"><title>{safe}</title>{rest}'


def svg(chart: alt.TopLevelMixin, title: str) -> str:
    """A chart as inline SVG with an accessible title (rendered once per definition)."""
    return _svg(json.dumps(chart.to_dict(), sort_keys=True), title)


def bars(rows: list[dict[str, Any]], category: str, metric: Metric, title: str) -> str:
    """A horizontal bar chart of a metric's value by a category (missing values left out)."""
    shown = [{"category": r[category], "value": r["value"]} for r in rows if r["value"] is not None]
    chart = (
        alt.Chart(_data(shown))
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X("value:Q", title=f"{metric.label} ({metric.unit.value})"),
            y=alt.Y("category:N", sort=None, title=None),
            tooltip=["category:N", "value:Q"],
        )
        .properties(width=420, height=max(40, 24 * len(shown)), title=title)
    )
    return svg(chart, title)


def trend(points: list[dict[str, Any]], metric: Metric, title: str) -> str:
    """A line of a metric's value over release dates."""
    shown = [p for p in points if p["value"] is not None]
    chart = (
        alt.Chart(_data(shown))
        .mark_line(point=True, color=BAR_COLOUR)
        .encode(
            x=alt.X("as_of:T", title="Release date"),
            y=alt.Y("value:Q", title=f"{metric.label} ({metric.unit.value})"),
            tooltip=["as_of:T", "value:Q"],
        )
        .properties(width=420, height=160, title=title)
    )
    return svg(chart, title)


def ratings(counts: dict[str, float | None], title: str) -> str:
    """A bar per CQC rating, in CQC's order and colours."""
    shown = [
        {"rating": k.replace("_", " "), "key": k, "count": v}
        for k, v in counts.items()
        if v is not None
    ]
    chart = (
        alt.Chart(_data(shown))
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="Locations"),
            y=alt.Y("rating:N", sort=None, title=None),
            color=alt.Color(
                "key:N",
                scale=alt.Scale(domain=list(RATING_COLOURS), range=list(RATING_COLOURS.values())),
                legend=None,
            ),
        )
        .properties(width=420, height=130, title=title)
    )
    return svg(chart, title)
