"""What metrics are computed from: one council's tables as at a date, areas resolved.

The store-facing code (`caremarket.analysis`) builds a `MetricInputs`;
metrics only read it. A field is None when nothing loaded provides it, and a
metric that needs it is then reported as missing rather than as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import polars as pl

from caremarket.domain.area import Area
from caremarket.domain.release_fact import ReleaseFacts
from caremarket.metrics.registry import Input

# Every row-level frame carries these area columns, resolved once by the gatherer.
AREA_COLUMNS = ("district_code", "district_name", "locality")


@dataclass(frozen=True, slots=True)
class MetricInputs:
    """A council's inputs as at a date.

    - `locations`: counted CQC locations (see `metrics.supply_quality.LOCATION_COLUMNS`
      without the area columns) plus `name`, `care_home` and the `AREA_COLUMNS`.
    - `previous_locations`: the same as at `previous_as_of`, the release before.
    - `agreements`, `interim_care`, `workforce`, `fees`, `local_assessments`:
      the council's latest extracts on or before `as_of` (rows of the canonical
      tables of the same names), agreements and the interim care list with the
      `AREA_COLUMNS`.
    - `population`: estimates (area_code, year, sex, age, persons) for the
      council and its districts; `projection`: the same, projected.
    - `national`: supply and quality figures of every council in the region
      (la_code, la_name, sector, client_group, pct_good_or_outstanding, ...).
    - `ascof`: ASCOF measures (rows of the `ascof_value` table plus `release_id`) of
      every council in the council's region and of its type (`caremarket.domain.comparator`),
      each cell from the latest release giving it.
    - `facts`: what the CQC release describing the locations can tell
      (None without locations): figures it cannot tell are unknown.
    - `districts`: district_code, district_name, locality (null if localities
      are not made of whole districts).
    """

    council: Area
    as_of: date
    districts: pl.DataFrame
    locations: pl.DataFrame | None = None
    previous_locations: pl.DataFrame | None = None
    previous_as_of: date | None = None
    agreements: pl.DataFrame | None = None
    interim_care: pl.DataFrame | None = None
    workforce: pl.DataFrame | None = None
    fees: pl.DataFrame | None = None
    local_assessments: pl.DataFrame | None = None
    population: pl.DataFrame | None = None
    projection: pl.DataFrame | None = None
    national: pl.DataFrame | None = None
    ascof: pl.DataFrame | None = None
    facts: ReleaseFacts | None = None

    def frame(self, which: Input) -> pl.DataFrame:
        """An input known to be present (the registry checks before computing)."""
        value = getattr(self, which.value)
        if value is None:
            raise LookupError(f"no {which.value} loaded for {self.council.name}")
        assert isinstance(value, pl.DataFrame)
        return value

    def missing(self, wanted: tuple[Input, ...]) -> tuple[Input, ...]:
        """The wanted inputs that nothing loaded provides."""
        return tuple(i for i in wanted if getattr(self, i.value) is None)


INPUT_FIELDS = tuple(f.name for f in fields(MetricInputs))
assert all(i.value in INPUT_FIELDS for i in Input), "every Input is a MetricInputs field"
