"""Dashboard charts: Altair definitions rendered to SVG on the server (no chart JS needed).

The same definitions can be rendered to PNG/SVG for a PDF report; each SVG
gets a title for screen readers, and every chart sits beside its table.
Colours come from `caremarket.domain.palette`; text is measured in the font
the page draws it in, so no label is cut; a time axis has one tick per release.
"""

from __future__ import annotations

import html
import json
import math
from datetime import date
from functools import lru_cache
from typing import Any

import altair as alt
import vl_convert

from caremarket.domain.palette import AREA_RAMP, RATING_SWATCHES
from caremarket.metrics import Metric
from caremarket.metrics.registry import Unit
from caremarket.web.pages import RATING_LABELS

# One series per chart: the darkest area colour, a hue no rating uses.
BAR_COLOUR = AREA_RAMP[-1].fill
# vl-convert measures labels with this font and the browser draws them with it (Debian's
# default sans-serif), so the chart leaves room for every label.
FONT = "DejaVu Sans"
WHOLE_UNITS = frozenset({Unit.COUNT, Unit.PEOPLE, Unit.BEDS, Unit.JOBS, Unit.RANK})


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
    spec = chart.to_dict()
    spec["config"] = {**spec.get("config", {}), "font": FONT}
    spec["padding"] = {"left": 8, "right": 16, "top": 5, "bottom": 5}
    return _svg(json.dumps(spec, sort_keys=True), title)


def number_format(unit: Unit) -> str:
    """The d3 format of a measure's values, the same on every axis and tooltip."""
    if unit in WHOLE_UNITS:
        return ",.0f"
    return ",.1f"


def _value_axis(unit: Unit) -> alt.Axis:
    """The value axis: the measure's format; whole units never tick between whole numbers."""
    if unit in WHOLE_UNITS:
        return alt.Axis(format=number_format(unit), tickMinStep=1)
    return alt.Axis(format=",.1~f")  # ticks: 10, 77.5 (no "10.0"); values keep one decimal


def axis_title(metric: Metric) -> str:
    """A metric's label with its unit, as an axis says it."""
    return f"{metric.label} (%)" if metric.unit is Unit.PERCENT else metric.label


def release_labels(days: list[date]) -> list[str]:
    """One tick label per release: "Jun 2026", or "4 Jan 2026" where a month has two."""
    months = [d.strftime("%b %Y") for d in days]
    return [f"{d.day} {m}" if months.count(m) > 1 else m for d, m in zip(days, months, strict=True)]


def bars(rows: list[dict[str, Any]], category: str, metric: Metric, title: str) -> str:
    """A horizontal bar chart of a metric's value by a category (missing values left out)."""
    shown = [{"category": r[category], "value": r["value"]} for r in rows if r["value"] is not None]
    fmt = number_format(metric.unit)
    chart = (
        alt.Chart(_data(shown))
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X(
                "value:Q",
                title=axis_title(metric),
                axis=_value_axis(metric.unit),
            ),
            y=alt.Y("category:N", sort=None, title=None, axis=alt.Axis(labelLimit=0)),
            tooltip=[
                alt.Tooltip("category:N", title="Name"),
                alt.Tooltip("value:Q", title=metric.label, format=fmt),
            ],
        )
        .properties(width=380, height=max(40, 24 * len(shown)), title=title)
    )
    return svg(chart, title)


def _y_scale(values: list[float], unit: Unit) -> tuple[alt.Scale, str]:
    """A y scale and a note: from zero, unless the values sit far from it (then it says so)."""
    if len(set(values)) < 2 or min(values) <= 0:
        return alt.Scale(zero=True), ""
    low, high = min(values), max(values)
    if low < 0.5 * high:
        return alt.Scale(zero=True), ""
    step = 10 ** math.floor(math.log10(max(high - low, high * 0.02)))
    start = math.floor((low - (high - low) * 0.2) / step) * step
    end = math.ceil((high + (high - low) * 0.1) / step) * step
    if end <= start:
        end = start + step
    if unit is Unit.PERCENT:
        end = min(max(end, start + step), 100.0)
    shown = f"{start:,.0f}" if float(start).is_integer() else f"{start:,.1f}"
    note = f"The value axis starts at {shown}, not at 0."
    return alt.Scale(zero=False, domain=[start, end], nice=False), note


def trend(points: list[dict[str, Any]], metric: Metric, title: str) -> str:
    """A line of a metric's value at each release: one tick per release, a gap where none."""
    ordered = sorted(points, key=lambda p: p["as_of"])
    days = [date.fromisoformat(p["as_of"]) for p in ordered]
    labels = release_labels(days)
    shown = [
        {"release": label, "value": p["value"]}
        for label, p in zip(labels, ordered, strict=True)
        if p["value"] is not None
    ]
    scale, note = _y_scale([p["value"] for p in shown], metric.unit)
    fmt = number_format(metric.unit)
    chart = (
        alt.Chart(_data(shown))
        .mark_line(point=True, color=BAR_COLOUR)
        .encode(
            x=alt.X(
                "release:O",
                title="CQC release",
                sort=labels,
                scale=alt.Scale(domain=labels),
                axis=alt.Axis(labelAngle=0, labelLimit=0),
            ),
            y=alt.Y(
                "value:Q",
                title=axis_title(metric),
                scale=scale,
                axis=_value_axis(metric.unit),
            ),
            tooltip=[
                alt.Tooltip("release:O", title="Release"),
                alt.Tooltip("value:Q", title=metric.label, format=fmt),
            ],
        )
        .properties(
            width=max(240, 64 * len(labels)),
            height=180,
            title=alt.TitleParams(text=title, subtitle=note) if note else title,
        )
    )
    return svg(chart, f"{title}. {note}" if note else title)


def ratings(counts: dict[str, float | None], title: str) -> str:
    """A bar per CQC rating, in CQC's order and the declared rating colours."""
    shown = [
        {"rating": RATING_LABELS.get(k, k), "key": k, "count": v}
        for k, v in counts.items()
        if v is not None
    ]
    keys = [r.value for r in RATING_SWATCHES]
    chart = (
        alt.Chart(_data(shown))
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title="Locations", axis=alt.Axis(format=",.0f", tickMinStep=1)),
            y=alt.Y("rating:N", sort=None, title=None, axis=alt.Axis(labelLimit=0)),
            color=alt.Color(
                "key:N",
                scale=alt.Scale(domain=keys, range=[s.fill for s in RATING_SWATCHES.values()]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("rating:N", title="Rating"),
                alt.Tooltip("count:Q", title="Locations", format=",.0f"),
            ],
        )
        .properties(width=380, height=150, title=title)
    )
    return svg(chart, title)
