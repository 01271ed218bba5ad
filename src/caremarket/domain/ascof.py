"""ASCOF measures: their codes in both numberings, labels, units and direction.

The Adult Social Care Outcomes Framework renumbered its measures in 2023-24
(old 2A(2), admissions of people aged 65+ to care homes, is new 2C). Releases
up to 2022-23 print the old codes, later ones the new; both are read to one
code here, declared in `data/ascof_measures.yaml` with its reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml


class Numbering(StrEnum):
    """Which ASCOF numbering a release's codes follow."""

    UP_TO_2022_23 = "up to 2022-23"
    FROM_2023_24 = "from 2023-24"


@dataclass(frozen=True, slots=True)
class AscofMeasure:
    """One ASCOF measure: `code` in the 2023-24 numbering, or `old-<code>` if retired then."""

    code: str
    old_code: str | None
    name: str
    label: str
    unit: str
    higher_is_better: bool

    @property
    def retired(self) -> bool:
        """Whether the measure was dropped in the 2023-24 renumbering."""
        return self.code.startswith("old-")


def code_key(code: str) -> str:
    """A code as both numberings' files write it: `2A(2)`, `2a2` and `2A2` are one."""
    return re.sub(r"[^0-9A-Z]", "", code.upper())


@cache
def _declaration() -> dict[str, Any]:
    text = resources.files("caremarket.domain.data").joinpath("ascof_measures.yaml")
    loaded: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return loaded


@cache
def ascof_measures() -> tuple[AscofMeasure, ...]:
    """Every declared measure, current ones first, in the publisher's order."""
    declared = _declaration()
    current = [
        AscofMeasure(
            str(code),
            None if entry["old"] is None else str(entry["old"]),
            entry["name"],
            entry["label"],
            entry["unit"],
            entry["better"] == "higher",
        )
        for code, entry in declared["measures"].items()
    ]
    retired = [
        AscofMeasure(
            f"old-{code}",
            str(code),
            entry["name"],
            entry["label"],
            entry["unit"],
            entry["better"] == "higher",
        )
        for code, entry in declared["retired"].items()
    ]
    return tuple(current + retired)


def ascof_reference() -> str:
    """Where the measure codes and their mapping come from, with the source's date."""
    declared = _declaration()
    reference = declared["reference"]
    return f"{reference['title']}, {declared['source_date']}. <{reference['url']}>"


def find_measure(published: str, numbering: Numbering) -> AscofMeasure | None:
    """The measure a release's code means in its numbering, or None if not declared."""
    key = code_key(published)
    for measure in ascof_measures():
        if numbering is Numbering.FROM_2023_24:
            code = None if measure.retired else measure.code
        else:
            code = measure.old_code
        if code is not None and code_key(code) == key:
            return measure
    return None


def numbering_of_year(year: str) -> Numbering:
    """The numbering a release of a financial year (`2020-21`) uses."""
    return Numbering.FROM_2023_24 if int(year[:4]) >= 2023 else Numbering.UP_TO_2022_23


def financial_year(text: str) -> str | None:
    """`2024-25` from `2024 to 2025`, `2024-25` or `2024/25`; None if not a financial year."""
    found = re.fullmatch(r"\s*(\d{4})\s*(?:to|-|/)\s*(\d{2}|\d{4})\s*", text)
    if found is None:
        return None
    start, end = int(found[1]), int(found[2][-2:])
    if (start + 1) % 100 != end:
        return None
    return f"{start}-{end:02d}"


def financial_year_starting(year: int) -> str:
    """The financial year starting 1 April of `year`: 2020 -> `2020-21`."""
    return f"{year}-{(year + 1) % 100:02d}"
