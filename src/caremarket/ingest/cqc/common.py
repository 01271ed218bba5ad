"""What the CQC adapters share: CQC's words, area names, release dates."""

from __future__ import annotations

from datetime import date

import polars as pl

from caremarket.domain.area import find_council
from caremarket.domain.rating import (
    KEY_QUESTION_BY_WORD,
    NORATING_BY_WORD,
    RATING_BY_WORD,
)
from caremarket.ingest import cells
from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.cells import latest
from caremarket.ingest.problem import DataProblem, ProblemCode
from caremarket.ingest.workbook import RawTable

RATING_WORDS: dict[str, str | None] = {
    **{word: rating.value for word, rating in RATING_BY_WORD.items()},
    **{word: None for word in NORATING_BY_WORD if word},
}
KEY_QUESTION_WORDS: dict[str, str | None] = {
    word: question.value for word, question in KEY_QUESTION_BY_WORD.items()
}

# CQC's primary inspection categories of the Adult social care directorate.
SOCIAL_CARE_CATEGORIES = frozenset(
    {"residential social care", "community based adult social care services"}
)


def la_codes(names: pl.Series) -> pl.Series:
    """GSS codes of the councils CQC names (null where the name is not a council)."""
    unique = names.drop_nulls().unique().to_list()
    lookup: dict[str, str | None] = {}
    for name in unique:
        area = find_council(name)
        lookup[name] = area.code if area is not None else None
    return names.replace_strict(lookup, default=None, return_dtype=pl.String).alias("la_code")


def council_codes(table: RawTable, column: str) -> tuple[pl.Series, list[DataProblem]]:
    """GSS codes of the councils a column names, with a problem for each name not found."""
    names = cells.text(table, column)
    codes = la_codes(names)
    bad = names.is_not_null() & codes.is_null()
    problems = cells.problems_where(
        table,
        column,
        bad,
        names,
        ProblemCode.UNKNOWN_AREA,
        "an English county or unitary council's name as in the ONS list of areas, "
        "e.g. Lincolnshire",
    )
    return codes, problems


def social_care(location_type: pl.Series, category: pl.Series) -> pl.Series:
    """Whether each location is in adult social care, from its type or inspection category."""
    by_type = location_type.str.to_lowercase() == "social care org"
    by_category = category.str.to_lowercase().is_in(list(SOCIAL_CARE_CATEGORIES))
    return (by_type.fill_null(False) | by_category.fill_null(False)).alias("adult_social_care")


def release_date_or_problem(
    file: str, dates: pl.Series | None, options: ReadOptions, what: str
) -> tuple[date, str, DataProblem | None]:
    """The release date: --release-date if given, else `what` found in the file.

    A release dated after the load date is refused: it cannot have happened yet.
    """
    if options.release_date is not None:
        if options.release_date > options.load_date:
            return date.min, "", future_release(file, options.release_date, options.load_date)
        return options.release_date, "release date given by the user", None
    found = latest(dates) if dates is not None else None
    if found is not None and found > options.load_date:
        return date.min, "", future_release(file, found, options.load_date)
    if found is not None:
        return found, f"release date from {what}", None
    problem = DataProblem(
        ProblemCode.NO_RELEASE_DATE,
        file,
        f"{what} in the file, or --release-date",
    )
    return date.min, "", problem


def future_release(file: str, found: date, load_date: date) -> DataProblem:
    """The problem of a release that would be dated after the load date."""
    return DataProblem(
        ProblemCode.FUTURE_RELEASE,
        file,
        f"a release date on or before the load date {load_date.isoformat()}",
        value=found.isoformat(),
    )
