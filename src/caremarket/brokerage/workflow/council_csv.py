"""Opening a council's CSV for the brokerage workflow: UTF-8, with the columns it must have."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode


def csv_rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, row with trimmed names and values) for each data row; DataProblemError
    when the file is not UTF-8 or lacks a required column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataProblemError(
            [DataProblem(ProblemCode.WRONG_ENCODING, path.name, "a UTF-8 CSV file")]
        ) from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise DataProblemError(
            [
                DataProblem(ProblemCode.MISSING_COLUMN, path.name, f"a column `{c}`", column=c)
                for c in missing
            ]
        )
    for number, raw in enumerate(reader, start=2):
        yield number, {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
