"""The providers a council brokers with, read from its CSV: who is on the framework, which
postcode districts each serves, which zones it is principal provider of, and which is the
council's provider of last resort.

Columns: `provider_id` and `name` (required); `email`; `districts` (postcode districts
separated by `;` or spaces); `on_framework` and `last_resort` (yes/no, default yes and
no); `principal_of` (zones separated by `;`); `rating`. Any problem in any row refuses the
whole file: every problem found is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from caremarket.brokerage.workflow.council_csv import csv_rows
from caremarket.brokerage.workflow.need import DISTRICT
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode

REQUIRED: Final = ("provider_id", "name")
YES: Final = {"yes": True, "y": True, "true": True, "1": True,
              "no": False, "n": False, "false": False, "0": False}  # fmt: skip
EMAIL: Final = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


@dataclass(frozen=True, slots=True)
class ProviderEntry:
    """One provider as the council declares it."""

    provider_id: str
    name: str
    email: str | None
    districts: tuple[str, ...]
    on_framework: bool
    last_resort: bool
    principal_of: tuple[str, ...]
    rating: str | None


def read_providers(path: Path) -> list[ProviderEntry]:
    """Every provider in the file; DataProblemError listing every problem."""
    name = path.name
    problems: list[DataProblem] = []
    found: list[ProviderEntry] = []
    seen: set[str] = set()
    for number, row in csv_rows(path, REQUIRED):

        def problem(code: ProblemCode, column: str, expected: str,
                    number: int = number, row: dict[str, str] = row) -> None:  # fmt: skip
            problems.append(DataProblem(code, name, expected, number, column, row.get(column)))

        provider_id = row["provider_id"]
        if not provider_id:
            problem(ProblemCode.MISSING_VALUE, "provider_id", "the provider's id (CQC provider id)")
        elif provider_id in seen:
            problem(ProblemCode.DUPLICATE_ID, "provider_id", "each provider once")
        seen.add(provider_id)
        if not row["name"]:
            problem(ProblemCode.MISSING_VALUE, "name", "the provider's name")
        email = row.get("email") or None
        if email is not None and not EMAIL.match(email):
            problem(ProblemCode.BAD_FORMAT, "email", "an email address such as team@example.org")
        districts = tuple(
            sorted({d.upper() for d in re.split(r"[;\s]+", row.get("districts", "")) if d})
        )
        if any(not DISTRICT.match(d) for d in districts):
            problem(ProblemCode.BAD_FORMAT, "districts", "postcode districts such as NR1; NR2")
        flags = {}
        for column, default in (("on_framework", True), ("last_resort", False)):
            value = row.get(column, "").lower()
            if value and value not in YES:
                problem(ProblemCode.UNKNOWN_VALUE, column, "yes or no")
            flags[column] = YES.get(value, default) if value else default
        zones = tuple(z.strip() for z in row.get("principal_of", "").split(";") if z.strip())
        found.append(
            ProviderEntry(provider_id, row["name"], email, districts, flags["on_framework"],
                          flags["last_resort"], zones, row.get("rating") or None)
        )  # fmt: skip
    if problems:
        raise DataProblemError(problems)
    return found
