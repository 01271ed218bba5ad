"""The colours every chart, map and badge uses, declared once in `data/palette.yaml`.

Ratings have one colour-blind-safe palette, each with the text colour that
meets contrast on it; areas have a sequential ramp in a hue no rating uses.
The MPS, the web map and the dashboards all read these.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from caremarket.domain.rating import Rating


@dataclass(frozen=True)
class Swatch:
    """A fill colour and the ink (text colour) that reads on it."""

    fill: str
    ink: str


def _declared() -> dict[str, Any]:
    """The dated, referenced palette in `data/palette.yaml`."""
    text = resources.files("caremarket.domain.data").joinpath("palette.yaml")
    loaded: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return loaded


_PALETTE = _declared()

RATING_SWATCHES: dict[Rating, Swatch] = {
    Rating(key): Swatch(fill=value["fill"], ink=value["ink"])
    for key, value in _PALETTE["ratings"].items()
}
AREA_RAMP: tuple[Swatch, ...] = tuple(
    Swatch(fill=fill, ink=ink)
    for fill, ink in zip(_PALETTE["area_ramp"], _PALETTE["area_ramp_ink"], strict=True)
)
NO_VALUE: str = str(_PALETTE["no_value"])


def rating_fill(rating: Rating) -> str:
    """The fill colour of a rating, the same in every output."""
    return RATING_SWATCHES[rating].fill
