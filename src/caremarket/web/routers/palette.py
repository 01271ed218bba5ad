"""The declared palette (caremarket.domain.palette) as the web pages take it.

`/palette.css` gives every rating and area colour as CSS custom properties, so
the style sheet names colours without declaring them; `palette_json` is what the
map's script reads (from a data attribute), so no colour is written in JavaScript.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Response

from caremarket.domain.palette import AREA_RAMP, NO_VALUE, RATING_SWATCHES
from caremarket.web.pages import RATING_LABELS

router = APIRouter(tags=["palette"])


def palette_json() -> dict[str, Any]:
    """Ratings (fill, ink, label, in CQC's order) and the area ramp, for the map's script."""
    return {
        "ratings": [
            {"key": r.value, "label": RATING_LABELS[r.value], "fill": s.fill, "ink": s.ink}
            for r, s in RATING_SWATCHES.items()
        ],
        "area_ramp": [s.fill for s in AREA_RAMP],
        "no_value": NO_VALUE,
    }


@lru_cache(maxsize=1)
def palette_css() -> str:
    """The palette as CSS custom properties on :root."""
    lines = [":root {"]
    for rating, swatch in RATING_SWATCHES.items():
        lines.append(f"  --rating-{rating.value}-fill: {swatch.fill};")
        lines.append(f"  --rating-{rating.value}-ink: {swatch.ink};")
    for i, swatch in enumerate(AREA_RAMP):
        lines.append(f"  --area-{i}-fill: {swatch.fill};")
        lines.append(f"  --area-{i}-ink: {swatch.ink};")
    lines.append(f"  --no-value: {NO_VALUE};")
    lines.append("}")
    return "\n".join(lines) + "\n"


@router.get("/palette.css", include_in_schema=False)
def palette_stylesheet() -> Response:
    """The declared colours as CSS custom properties."""
    return Response(
        palette_css(),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )
