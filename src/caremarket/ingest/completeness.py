"""Whether a release looks complete: not cut short, not much smaller than the last one.

The share a release may shrink by is declared in `ingest/data/completeness.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from caremarket.ingest.problem import DataProblem, ProblemCode

_ACCEPT = "--accept-shrink to load it all the same"


@dataclass(frozen=True, slots=True)
class CompletenessPolicy:
    """How much smaller than the previous release a new one may be."""

    max_row_drop_share: float
    checked_sources: frozenset[str]
    source_date: str
    reference: str


@cache
def completeness_policy() -> CompletenessPolicy:
    """The shipped completeness policy."""
    text = resources.files("caremarket.ingest").joinpath("data/completeness.yaml").read_text()
    document: dict[str, Any] = yaml.safe_load(text)
    share = document["max_row_drop_share"]
    value = float(share["value"])
    if not 0 <= value <= 1:
        raise ValueError(f"completeness.yaml: max_row_drop_share must be 0 to 1, got {value}")
    checked = frozenset(str(s) for s in document["checked_sources"]["value"])
    return CompletenessPolicy(
        value, checked, str(share["source_date"]), share["reference"]["title"]
    )


def unterminated_line(path: Path) -> DataProblem | None:
    """A problem if a text file's last line lacks its newline (a file cut short)."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        if size == 0:
            return None
        handle.seek(size - 1)
        last = handle.read(1)
    if last in (b"\n", b"\r"):
        return None
    return DataProblem(
        ProblemCode.TRUNCATED_FILE,
        path.name,
        f"a last line ending in a newline (the file may be cut short; {_ACCEPT})",
        value="no newline at the end of the file",
    )


def shrink_problem(
    file: str, rows: int, previous_rows: int, previous_release: str, share: float
) -> DataProblem | None:
    """A problem if `rows` is more than `share` below the previous release's rows."""
    if previous_rows <= 0 or rows >= previous_rows * (1 - share):
        return None
    drop = 1 - rows / previous_rows
    return DataProblem(
        ProblemCode.SHRUNK_RELEASE,
        file,
        f"at most {share:.0%} fewer rows than the previous release {previous_release} "
        f"({previous_rows:,} rows; {_ACCEPT})",
        value=f"{rows:,} rows ({drop:.0%} fewer)",
    )
