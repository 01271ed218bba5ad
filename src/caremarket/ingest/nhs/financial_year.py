"""The financial year an NHS England file describes, when the file itself does not say."""

from __future__ import annotations

import re

from caremarket.ingest.adapter import ReadOptions
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode

_YEAR_IN_NAME = re.compile(r"(20\d\d)[-_ ](\d\d)(?!\d)")


def year_from(file: str, options: ReadOptions) -> tuple[str, str]:
    """The financial year the file describes and how it was found; DataProblemError if none."""
    if options.release_date is not None:
        day = options.release_date
        start = day.year if day.month >= 4 else day.year - 1
        return f"{start}-{(start + 1) % 100:02d}", "financial year from --release-date"
    for found in _YEAR_IN_NAME.finditer(file):
        start, end = int(found[1]), int(found[2])
        if (start + 1) % 100 == end:
            return f"{start}-{end:02d}", "financial year from the file name"
    raise DataProblemError(
        [
            DataProblem(
                ProblemCode.NO_RELEASE_DATE,
                file,
                "the financial year in the file name (e.g. ascof_2020-21.csv) or "
                "--release-date on the last day of the year (e.g. 2021-03-31)",
            )
        ]
    )
