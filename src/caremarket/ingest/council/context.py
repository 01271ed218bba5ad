"""What a council extract is read against: whose it is, when, and the council's own lists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from caremarket.domain.release import Licence, Source
from caremarket.ingest.cells import DateOrder
from caremarket.ingest.council.scales import BUILT_IN_SCALES, Scale


@dataclass(frozen=True, slots=True)
class CouncilContext:
    """The council an extract belongs to and what its files are checked against.

    `localities` are the council's planning localities (empty: not checked);
    `location_ids` the CQC location ids of the loaded releases (empty: not checked);
    `scales` the rating scales local assessments may use, by lower-case name.
    """

    la_code: str
    la_name: str = ""
    extract_date: date | None = None
    synthetic: bool = False
    localities: frozenset[str] = frozenset()
    location_ids: frozenset[str] = frozenset()
    scales: Mapping[str, Scale] = field(default_factory=lambda: dict(BUILT_IN_SCALES))
    date_order: DateOrder | None = None
    encoding: str = "utf-8"

    def source(self, declared: Source) -> Source:
        """The declared source, relabelled as synthetic when the extract is demo data."""
        if not self.synthetic:
            return declared
        return replace(
            declared,
            title=f"SYNTHETIC demo data in the template of {declared.title}",
            licence=Licence.SYNTHETIC,
        )
