"""CQC ratings: the four-point scale, the five key questions, and reading CQC's words."""

from __future__ import annotations

from enum import StrEnum


class Rating(StrEnum):
    """A CQC rating of a location, overall or for one key question."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    NOT_RATED = "not_rated"

    @property
    def is_rated(self) -> bool:
        """Whether the rating counts in the denominator of % good or outstanding."""
        return self is not Rating.NOT_RATED


class KeyQuestion(StrEnum):
    """CQC's overall rating and its five key questions."""

    OVERALL = "overall"
    SAFE = "safe"
    EFFECTIVE = "effective"
    CARING = "caring"
    RESPONSIVE = "responsive"
    WELL_LED = "well_led"


RATED = (Rating.OUTSTANDING, Rating.GOOD, Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE)

# Words CQC prints, lower-cased. "Inspected but not rated" and "Insufficient
# evidence to rate" are no rating on the four-point scale: they count as not rated.
RATING_BY_WORD: dict[str, Rating] = {
    "outstanding": Rating.OUTSTANDING,
    "good": Rating.GOOD,
    "requires improvement": Rating.REQUIRES_IMPROVEMENT,
    "inadequate": Rating.INADEQUATE,
    "not rated": Rating.NOT_RATED,
    "inspected but not rated": Rating.NOT_RATED,
    "insufficient evidence to rate": Rating.NOT_RATED,
}

# Words that are not ratings of a social care location at all (healthcare
# "Regulations met", a key question "Not applicable"): the row carries no rating.
NORATING_BY_WORD = frozenset({"regulations met", "not applicable", "-", ""})

KEY_QUESTION_BY_WORD: dict[str, KeyQuestion] = {
    "overall": KeyQuestion.OVERALL,
    "safe": KeyQuestion.SAFE,
    "effective": KeyQuestion.EFFECTIVE,
    "caring": KeyQuestion.CARING,
    "responsive": KeyQuestion.RESPONSIVE,
    "well-led": KeyQuestion.WELL_LED,
    "well led": KeyQuestion.WELL_LED,
}


def parse_rating(text: str) -> Rating | None:
    """Read a CQC rating word; None for a word that is no rating; KeyError if unknown."""
    word = text.strip().lower()
    if word in NORATING_BY_WORD:
        return None
    return RATING_BY_WORD[word]


def parse_key_question(text: str) -> KeyQuestion:
    """Read a CQC domain / key question name; KeyError if unknown."""
    return KEY_QUESTION_BY_WORD[text.strip().lower()]
