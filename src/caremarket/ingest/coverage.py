"""Which councils a release covers, derived from the canonical tables it fills."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from caremarket.domain.area import Tier, find_area

# The column of each canonical table that names the area a row belongs to.
AREA_COLUMNS: dict[str, str] = {
    "location": "la_code",
    "locality": "la_code",
    "population": "area_code",
    "boundary": "area_code",
    "postcode": "district_code",
    "service_agreement": "la_code",
    "interim_care_entry": "la_code",
    "workforce": "la_code",
    "fee_rate": "la_code",
    "local_assessment": "la_code",
    "narrative_block": "la_code",
    "ascof_value": "la_code",
    "ascfr_value": "la_code",
}


def councils_covering(codes: Iterable[str | None]) -> frozenset[str]:
    """The upper-tier councils whose areas (councils or their districts) the codes name."""
    councils: set[str] = set()
    for code in set(codes):
        if not code:
            continue
        area = find_area(code)
        if area is None or area.code != code.strip().upper():
            continue
        if area.is_council:
            councils.add(area.code)
        elif area.tier is Tier.NON_METROPOLITAN_DISTRICT:
            councils.add(area.parent_code)
    return frozenset(councils)


def release_coverage(tables: Mapping[str, pl.DataFrame]) -> frozenset[str]:
    """The councils any row of the release's tables belongs to."""
    codes: set[str] = set()
    for name, column in AREA_COLUMNS.items():
        frame = tables.get(name)
        if frame is not None and column in frame.columns:
            codes.update(frame[column].drop_nulls().unique().to_list())
    return councils_covering(codes)
