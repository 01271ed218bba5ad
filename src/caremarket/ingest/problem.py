"""The catalogue of data problems an ingest can find, and how they are reported.

Each problem names the file, row, column and value and says what was
expected; the message texts are public API (users grep for them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from caremarket.domain.csv_cell import csv_dict_writer


class ProblemCode(StrEnum):
    """The kinds of data problem, one per way a release can be wrong."""

    EMPTY_FILE = "empty-file"
    WRONG_FORMAT = "wrong-format"
    WRONG_ENCODING = "wrong-encoding"
    TRUNCATED_FILE = "truncated-file"
    WRONG_HEADER = "wrong-header"
    MISSING_COLUMN = "missing-column"
    MISSING_VALUE = "missing-value"
    UNKNOWN_RATING = "unknown-rating"
    UNKNOWN_VALUE = "unknown-value"
    DUPLICATE_ID = "duplicate-id"
    BAD_DATE = "bad-date"
    AMBIGUOUS_DATE_ORDER = "ambiguous-date-order"
    NOT_A_WHOLE_NUMBER = "not-a-whole-number"
    NOT_A_NUMBER = "not-a-number"
    NO_RELEASE_DATE = "no-release-date"
    UNKNOWN_AREA = "unknown-area"
    UNKNOWN_SECTOR = "unknown-sector"
    UNKNOWN_CLIENT_GROUP = "unknown-client-group"
    BAD_FORMAT = "bad-format"
    OUT_OF_RANGE = "out-of-range"
    DATES_OUT_OF_ORDER = "dates-out-of-order"
    BAD_FRONT_MATTER = "bad-front-matter"
    BAD_TIME = "bad-time"
    REVERSED_WINDOW = "reversed-window"
    NEGATIVE_NUMBER = "negative-number"
    UNKNOWN_POSTCODE = "unknown-postcode"
    FUTURE_DATE = "future-date"
    FUTURE_RELEASE = "future-release"
    SHRUNK_RELEASE = "shrunk-release"
    UNKNOWN_LOCATION = "unknown-location"
    MISSING_FILE = "missing-file"
    TOO_LARGE = "too-large"


TITLES: dict[ProblemCode, str] = {
    ProblemCode.EMPTY_FILE: "Empty file",
    ProblemCode.WRONG_FORMAT: "File of another format",
    ProblemCode.WRONG_ENCODING: "Wrong text encoding",
    ProblemCode.TRUNCATED_FILE: "Truncated file",
    ProblemCode.WRONG_HEADER: "Wrong header",
    ProblemCode.MISSING_COLUMN: "Missing required column",
    ProblemCode.MISSING_VALUE: "Missing required value",
    ProblemCode.UNKNOWN_RATING: "Unknown rating",
    ProblemCode.UNKNOWN_VALUE: "Unknown value",
    ProblemCode.DUPLICATE_ID: "Duplicate id",
    ProblemCode.BAD_DATE: "Bad date",
    ProblemCode.AMBIGUOUS_DATE_ORDER: "Ambiguous date order",
    ProblemCode.NOT_A_WHOLE_NUMBER: "Not a whole number",
    ProblemCode.NOT_A_NUMBER: "Not a number",
    ProblemCode.NO_RELEASE_DATE: "No release date",
    ProblemCode.UNKNOWN_AREA: "Unknown area",
    ProblemCode.UNKNOWN_SECTOR: "Unknown sector",
    ProblemCode.UNKNOWN_CLIENT_GROUP: "Unknown client group",
    ProblemCode.BAD_FORMAT: "Value not in the expected form",
    ProblemCode.OUT_OF_RANGE: "Value out of range",
    ProblemCode.DATES_OUT_OF_ORDER: "Dates out of order",
    ProblemCode.BAD_FRONT_MATTER: "Unreadable YAML",
    ProblemCode.BAD_TIME: "Bad time of day",
    ProblemCode.REVERSED_WINDOW: "Window closes before it opens",
    ProblemCode.NEGATIVE_NUMBER: "Negative number",
    ProblemCode.UNKNOWN_POSTCODE: "Unknown postcode",
    ProblemCode.FUTURE_DATE: "Date in the future",
    ProblemCode.FUTURE_RELEASE: "Release dated in the future",
    ProblemCode.SHRUNK_RELEASE: "Release much smaller than the last",
    ProblemCode.UNKNOWN_LOCATION: "Unknown CQC location",
    ProblemCode.MISSING_FILE: "Expected file missing",
    ProblemCode.TOO_LARGE: "File too large or too big a shape",
}

# Problems that make the whole file unreadable: no row can be loaded, even leniently.
FILE_LEVEL = frozenset(
    {
        ProblemCode.EMPTY_FILE,
        ProblemCode.WRONG_FORMAT,
        ProblemCode.WRONG_ENCODING,
        ProblemCode.TRUNCATED_FILE,
        ProblemCode.WRONG_HEADER,
        ProblemCode.MISSING_COLUMN,
        ProblemCode.AMBIGUOUS_DATE_ORDER,
        ProblemCode.NO_RELEASE_DATE,
        ProblemCode.BAD_FRONT_MATTER,
        ProblemCode.FUTURE_RELEASE,
        ProblemCode.SHRUNK_RELEASE,
        ProblemCode.TOO_LARGE,
    }
)


@dataclass(frozen=True, slots=True)
class DataProblem:
    """One problem in one place of one file.

    `row` is the 1-based row number as a spreadsheet shows it (the header
    row included), or None for a problem with the whole file.
    """

    code: ProblemCode
    file: str
    expected: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    @property
    def title(self) -> str:
        """The problem kind's title."""
        return TITLES[self.code]

    @property
    def file_level(self) -> bool:
        """Whether the problem stops the whole file from loading."""
        return self.code in FILE_LEVEL

    @property
    def message(self) -> str:
        """The problem as one sentence a person can act on."""
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column `{self.column}`")
        got = "" if self.value is None else f", got `{_clip(self.value)}`"
        return f"{', '.join(where)}: {self.title.lower()}: expected {self.expected}{got}"


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class DataProblemError(Exception):
    """A release that cannot be loaded as it is, with every problem found."""

    def __init__(self, problems: Sequence[DataProblem]) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(f"  - {p.message}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = ""
        if more > 0:
            summary = "\n".join(f"    {line}" for line in problem_summary(self.problems))
            tail = f"\n  ... and {more} more; in all:\n{summary}"
        super().__init__(f"{len(self.problems)} data problem(s):\n{shown}{tail}")


def problem_summary(problems: Iterable[DataProblem]) -> list[str]:
    """One line per file, column and kind of problem, with how many there are."""
    counts: dict[tuple[str, str, str], int] = {}
    for problem in problems:
        key = (problem.file, problem.column or "(whole file)", problem.title.lower())
        counts[key] = counts.get(key, 0) + 1
    return [
        f"{file}, column `{column}`: {count:,} x {title}"
        if column != "(whole file)"
        else f"{file}: {count:,} x {title}"
        for (file, column, title), count in sorted(counts.items())
    ]


def write_problem_report(problems: Iterable[DataProblem], path: Path) -> int:
    """Write problems to a CSV report; return how many were written."""
    fields = ["code", "title", "file", "row", "column", "value", "expected", "message"]
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_dict_writer(handle, fields)
        writer.writeheader()
        for problem in problems:
            row = asdict(problem)
            row["code"] = problem.code.value
            row["title"] = problem.title
            row["message"] = problem.message
            writer.writerow(row)
            count += 1
    return count
