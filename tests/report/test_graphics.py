"""Charts and maps read well: the one declared palette, one tick per release, a y axis that
says where it starts, legends and names never cut, maps that hold every area and dot."""

from __future__ import annotations

import re
from datetime import date

from caremarket.domain.palette import AREA_RAMP, rating_fill
from caremarket.domain.rating import Rating
from caremarket.report import charts, maps
from caremarket.report.chapters.supply import release_labels
from caremarket.report.model import MapArea, MapPoint, MapSpec, Table

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[0.5, 52.5], [1.5, 52.5], [1.5, 53.0], [0.5, 53.0], [0.5, 52.5]]],
}
# A long name whose label sits at the square's edge unless moved in.
EDGE = {
    "type": "Polygon",
    "coordinates": [[[1.5, 52.5], [1.56, 52.5], [1.56, 53.0], [1.5, 53.0], [1.5, 52.5]]],
}


def test_rating_colours_are_the_declared_palette() -> None:
    """Every rating's colour in the MPS is the palette's, and the charts use them in order."""
    assert charts.RATING_COLOURS["Good"] == rating_fill(Rating.GOOD)
    assert charts.RATING_COLOURS["Not yet rated"] == rating_fill(Rating.NOT_RATED)
    spec = charts.rating_distribution([("Home care", "Good", 3), ("Care homes", "Good", 2)])
    scale = spec["encoding"]["color"]["scale"] if "encoding" in spec else None
    text = str(spec)
    for colour in charts.RATING_COLOURS.values():
        assert colour in text
    assert scale is None or scale["range"] == list(charts.RATING_COLOURS.values())
    assert tuple(s.fill for s in AREA_RAMP) == maps.SHADES


def test_legend_labels_are_never_truncated() -> None:
    """Chart legends have no label limit, so "Requires improvement" is printed whole."""
    spec = charts.rating_distribution([("Home care", "Requires improvement", 3)] * 2)
    assert spec["config"]["legend"]["labelLimit"] == 0


def test_trend_has_one_tick_per_release_and_says_where_its_axis_starts() -> None:
    """The x axis is the releases in order (one tick each); a y axis above zero says so."""
    rows = [
        ("Jan 2026", "All sectors", 80.1),
        ("Feb 2026", "All sectors", 81.0),
        ("Mar 2026", "All sectors", 82.4),
    ]
    spec = charts.rating_trend(rows)
    x = spec["encoding"]["x"]
    assert x["type"] == "ordinal" and x["sort"] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    y = spec["encoding"]["y"]
    assert y["scale"]["domain"][0] == 75 and "axis starts at 75%" in y["title"]
    low = charts.rating_trend([("Jan 2026", "All", 12.0), ("Feb 2026", "All", 40.0)])
    assert low["encoding"]["y"]["scale"]["domain"][0] == 0
    assert "axis starts" not in low["encoding"]["y"]["title"]


def test_release_labels_are_months_unless_two_share_one() -> None:
    """Ticks read "Jun 2026"; two releases in one month read "1 Jun 2026" and "15 Jun 2026"."""
    assert release_labels([date(2026, 5, 1), date(2026, 6, 1)]) == {
        date(2026, 5, 1): "May 2026",
        date(2026, 6, 1): "Jun 2026",
    }
    clash = release_labels([date(2026, 6, 1), date(2026, 6, 15)])
    assert set(clash.values()) == {"1 Jun 2026", "15 Jun 2026"}


def _numbers(svg: str, attribute: str) -> list[float]:
    return [float(v) for v in re.findall(rf' {attribute}="([-0-9.]+)"', svg)]


def test_map_holds_every_dot_and_name_with_a_margin() -> None:
    """A dot beyond the areas (off the coast) and a name at the edge stay inside the frame,
    with a margin; the legend's longest rating fits the drawing's width."""
    spec = MapSpec(
        "m",
        "Locations",
        "Map of locations",
        "Current CQC rating",
        (
            MapArea("A", "Area", SQUARE, None, ""),
            MapArea("B", "King's Lynn and West Norfolk", EDGE, None, ""),
        ),
        (
            MapPoint(52.75, 1.0, "inland", "Good"),
            MapPoint(52.75, 1.75, "off the coast", "Requires improvement"),
        ),
        tuple(charts.RATING_COLOURS.items()),
        Table("t", ("Rating",), ()),
    )
    svg = maps.to_svg(spec)
    width, height = (
        float(v) for v in re.search(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg).groups()
    )  # type: ignore[union-attr]
    frame = width - maps.LEGEND_WIDTH
    for cx in _numbers(svg, "cx")[:2]:
        assert 10 <= cx <= frame - 10
    for cy in _numbers(svg, "cy")[:2]:
        assert 10 <= cy <= height - 10
    for match in re.finditer(r'<text x="([0-9.]+)"[^>]*text-anchor="middle"[^>]*>([^<]+)<', svg):
        x, name = float(match.group(1)), match.group(2)
        half = maps.LABEL_CHAR_WIDTH * len(name) / 2
        assert x - half >= 0 and x + half <= frame, name
    legend = re.search(r'<text x="([0-9.]+)"[^>]*>Requires improvement</text>', svg)
    assert legend is not None
    assert float(legend.group(1)) + 6.6 * len("Requires improvement") <= width
