"""The metric registry: every figure caremarket publishes, declared once.

A metric is a pure function from `MetricInputs` and a `Level` to a table with
one row per area x sector x client group x period. The function's name is
the metric's name; its label, unit, level(s), theme and the inputs it needs
are declared with it by `@metric(...)`. The CLI's `metrics list`, the report
and the web tool all read this registry; nothing else lists metrics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

import polars as pl

from caremarket.domain.release_fact import Fact, ReleaseFacts
from caremarket.domain.sector import Sector

if TYPE_CHECKING:
    from caremarket.metrics.inputs import MetricInputs


class Level(StrEnum):
    """The kind of area a metric's rows describe."""

    COUNCIL = "council"
    DISTRICT = "district"
    LOCALITY = "locality"
    LOCATION = "location"


class Unit(StrEnum):
    """What a metric's value counts or measures."""

    COUNT = "count"
    PEOPLE = "people"
    BEDS = "beds"
    JOBS = "jobs"
    PERCENT = "percent"
    GBP = "GBP"
    GBP_PER_WEEK = "GBP per week"
    GBP_PER_HOUR = "GBP per hour"
    HOURS_PER_WEEK = "hours per week"
    DAYS = "days"
    MONTHS = "months"
    PER_1000 = "per 1,000 people"
    PER_100000 = "per 100,000 people"
    SCORE = "score"
    RANK = "rank"


class Theme(StrEnum):
    """The part of a Market Position Statement a metric belongs to."""

    SUPPLY = "supply"
    QUALITY = "quality"
    CHANGE = "change"
    FINANCE = "finance"
    WAITING = "waiting"
    WORKFORCE = "workforce"
    DEMAND = "demand"
    OUTCOMES = "outcomes"


class Input(StrEnum):
    """The inputs a metric may need; each is a field of `MetricInputs`."""

    LOCATIONS = "locations"
    PREVIOUS_LOCATIONS = "previous_locations"
    AGREEMENTS = "agreements"
    INTERIM_CARE = "interim_care"
    WORKFORCE = "workforce"
    FEES = "fees"
    LOCAL_ASSESSMENTS = "local_assessments"
    POPULATION = "population"
    PROJECTION = "projection"
    NATIONAL = "national"
    ASCOF = "ascof"

    @property
    def personal(self) -> bool:
        """Whether the input holds rows about individual people."""
        return self in (Input.AGREEMENTS, Input.INTERIM_CARE)


RESULT_SCHEMA: Final[Mapping[str, pl.DataType]] = {
    "area_code": pl.String(),
    "area_name": pl.String(),
    "sector": pl.String(),
    "client_group": pl.String(),
    "period": pl.String(),
    "value": pl.Float64(),
    "n": pl.Int64(),
}
"""Every metric returns these columns. `value` is null when unknown (never 0 for
unknown); `n` is the number of people, locations or agreements behind the
value, which public outputs use to suppress small numbers."""

Compute = Callable[["MetricInputs", Level], pl.DataFrame]


@dataclass(frozen=True, slots=True)
class Metric:
    """A registered metric: what it is, in what unit, at which levels, from which inputs."""

    name: str
    label: str
    unit: Unit
    theme: Theme
    levels: tuple[Level, ...]
    inputs: tuple[Input, ...]
    description: str
    compute: Compute
    sectors: frozenset[Sector] | None = None
    needs: tuple[Fact, ...] = ()

    def applies_to(self, sector: str) -> bool:
        """Whether the metric means something for a sector (`all` always)."""
        return sector == "all" or self.sectors is None or sector in self.sectors

    def unknown_in(
        self, facts: ReleaseFacts | None, sector: str = "all", client_group: str = "all"
    ) -> str | None:
        """Why the loaded CQC release cannot tell this metric's cell (None when it can).

        Only metrics drawn from CQC locations depend on what the release carries:
        the facts the metric needs (beds), the sector's own (nursing split,
        service types) and, for a client group, the client groups.
        """
        if facts is None or Input.LOCATIONS not in self.inputs:
            return None
        reason = facts.first_unknown(self.needs)
        if reason is None and sector != "all" and sector in Sector.__members__.values():
            reason = Sector(sector).unknown_in(facts)
        if reason is None and client_group != "all":
            reason = facts.why_not(Fact.CLIENT_GROUPS)
        return reason

    @property
    def personal(self) -> bool:
        """Whether any input holds rows about individual people.

        Such a metric is an aggregate of personal data: public and provider
        outputs may show it only with small numbers suppressed (a value whose
        `n` is below the disclosure threshold is withheld); the rows behind it
        never leave the council role.
        """
        return any(i.personal for i in self.inputs)

    def __call__(self, inputs: MetricInputs, level: Level) -> pl.DataFrame:
        """Compute the metric at a level; ValueError for a level it does not offer."""
        if level not in self.levels:
            offered = ", ".join(self.levels)
            raise ValueError(f"metric {self.name!r} is given by {offered}, not by {level}")
        frame = self.compute(inputs, level)
        return frame.select([pl.col(name).cast(kind) for name, kind in RESULT_SCHEMA.items()]).sort(
            "area_code", "sector", "client_group", "period"
        )


_REGISTRY: dict[str, Metric] = {}
METRICS: Mapping[str, Metric] = _REGISTRY

ALL_AREAS: Final = (Level.COUNCIL, Level.DISTRICT, Level.LOCALITY)


def metric(
    *,
    label: str,
    unit: Unit,
    theme: Theme,
    inputs: tuple[Input, ...],
    levels: tuple[Level, ...] = ALL_AREAS,
    sectors: frozenset[Sector] | None = None,
    needs: tuple[Fact, ...] = (),
) -> Callable[[Compute], Metric]:
    """Register a metric function under its own name, with its declaration.

    The docstring's first paragraph is the metric's description. `sectors`
    are those the metric means something for (None: every sector); `needs`,
    the facts a CQC release must carry for it to be known.
    """

    def register(compute: Compute) -> Metric:
        name = compute.__name__
        if name in _REGISTRY:
            raise ValueError(f"metric {name!r} is registered twice")
        description = (compute.__doc__ or "").strip().split("\n\n")[0]
        declared = Metric(
            name,
            label,
            unit,
            theme,
            levels,
            inputs,
            " ".join(description.split()),
            compute,
            sectors,
            needs,
        )
        _REGISTRY[name] = declared
        return declared

    return register


def get_metric(name: str) -> Metric:
    """The metric of that name; KeyError naming the known ones if there is none."""
    try:
        return METRICS[name]
    except KeyError:
        known = ", ".join(sorted(METRICS))
        raise KeyError(f"no metric {name!r}; known metrics: {known}") from None
