"""The shared palette: a colour per rating, readable ink, areas unlike ratings."""

from __future__ import annotations

from caremarket.domain.palette import AREA_RAMP, RATING_SWATCHES
from caremarket.domain.rating import Rating


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_rating_has_a_swatch() -> None:
    """Each rating, not rated included, has a declared colour."""
    assert set(RATING_SWATCHES) == set(Rating)


def test_ink_meets_wcag_contrast_on_every_swatch() -> None:
    """Text drawn on a rating or area colour meets the 4.5:1 contrast of WCAG 2.2 AA."""
    for swatch in [*RATING_SWATCHES.values(), *AREA_RAMP]:
        assert _contrast(swatch.fill, swatch.ink) >= 4.5, swatch


def test_area_ramp_shares_no_colour_with_ratings_and_darkens() -> None:
    """The choropleth ramp uses colours no rating uses, lightest first."""
    rating_fills = {s.fill.lower() for s in RATING_SWATCHES.values()}
    ramp = [s.fill.lower() for s in AREA_RAMP]
    assert not rating_fills & set(ramp)
    lum = [_luminance(c) for c in ramp]
    assert lum == sorted(lum, reverse=True)
