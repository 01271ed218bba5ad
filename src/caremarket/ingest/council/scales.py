"""Rating scales of local quality assessments, and how their words map to CQC's ratings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from caremarket.domain.rating import RATING_BY_WORD, Rating

Scale = Mapping[str, str | None]
"""A scale's words (lower case) and the CQC rating each counts as (None: no equivalent)."""

CQC: Final[Scale] = {word: rating.value for word, rating in RATING_BY_WORD.items()}

# PAMMS (Provider Assessment and Market Management Solution), used by many councils
# in the East and South East, rates Excellent, Good, Requires Improvement or Poor.
PAMMS: Final[Scale] = {
    "excellent": Rating.OUTSTANDING.value,
    "good": Rating.GOOD.value,
    "requires improvement": Rating.REQUIRES_IMPROVEMENT.value,
    "poor": Rating.INADEQUATE.value,
}

BUILT_IN_SCALES: Final[Mapping[str, Scale]] = {"cqc": CQC, "pamms": PAMMS}
RATING_IDS: Final = frozenset(r.value for r in Rating)
