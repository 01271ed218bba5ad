"""Tiny constructed inputs for the metrics: one council, two districts, two localities."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from caremarket.domain.area import find_council
from caremarket.metrics.inputs import MetricInputs

AS_OF = date(2026, 6, 1)


def locations_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    """Counted locations as the gatherer gives them (defaults for columns not given)."""
    defaults: dict[str, object] = {
        "provider_id": "P1",
        "beds": None,
        "sectors": ["care_home", "care_home_residential"],
        "client_groups": ["older_people"],
        "rating": "good",
        "publication_date": date(2024, 6, 1),
        "name": None,
        "care_home": True,
        "district_code": "E07000148",
        "district_name": "Norwich",
        "locality": "Norwich",
    }
    full = [{**defaults, **row} for row in rows]
    for row in full:
        row.setdefault("count_id", row["location_id"])
    return pl.DataFrame(
        full,
        schema={
            "location_id": pl.String,
            "count_id": pl.String,
            "provider_id": pl.String,
            "beds": pl.Int64,
            "sectors": pl.List(pl.String),
            "client_groups": pl.List(pl.String),
            "rating": pl.String,
            "publication_date": pl.Date,
            "name": pl.String,
            "care_home": pl.Boolean,
            "district_code": pl.String,
            "district_name": pl.String,
            "locality": pl.String,
        },
    )


@pytest.fixture
def districts() -> pl.DataFrame:
    """Two of Norfolk's districts, each its own locality."""
    return pl.DataFrame(
        {
            "district_code": ["E07000148", "E07000145"],
            "district_name": ["Norwich", "Great Yarmouth"],
            "locality": ["Norwich", "East"],
        }
    )


@pytest.fixture
def make_inputs(districts: pl.DataFrame):  # type: ignore[no-untyped-def]
    """Build MetricInputs for Norfolk as at AS_OF from keyword frames."""
    council = find_council("Norfolk")
    assert council is not None

    def make(**frames: object) -> MetricInputs:
        return MetricInputs(council=council, as_of=AS_OF, districts=districts, **frames)  # type: ignore[arg-type]

    return make
