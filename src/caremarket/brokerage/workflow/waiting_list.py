"""People waiting on the council's interim care list, read as the needs of open requests.

The file is the `interim_care_list` council template (person_id, locality,
postcode_district, hours_per_week, date_added, date_sourced, reason), with
optional `start_by`, `urgency`, `funding` and `zone` columns. Rows with a
`date_sourced` are people whose care was sourced: not waiting. Any problem in
any row refuses the whole file: every problem found is reported.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Final

from caremarket.brokerage.workflow.council_csv import csv_rows
from caremarket.brokerage.workflow.need import Need, Urgency
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode

REQUIRED: Final = ("person_id", "postcode_district", "hours_per_week", "date_added")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_waiting(path: Path) -> list[Need]:
    """The needs of the people still waiting; DataProblemError listing every problem."""
    name = path.name
    problems: list[DataProblem] = []
    needs: list[Need] = []
    for row_number, row in csv_rows(path, REQUIRED):
        if row.get("date_sourced"):
            continue

        def problem(
            code: ProblemCode,
            column: str,
            expected: str,
            row_number: int = row_number,
            row: dict[str, str] = row,
        ) -> None:
            got = row.get(column)
            problems.append(DataProblem(code, name, expected, row_number, column, got))

        district = row["postcode_district"].upper().replace(" ", "")
        if not district:
            problem(
                ProblemCode.MISSING_VALUE, "postcode_district", "a postcode district such as NR1"
            )
        try:
            hours = float(row["hours_per_week"])
        except ValueError:
            problem(ProblemCode.NOT_A_NUMBER, "hours_per_week", "hours a week, such as 7.5")
            hours = None
        added = _date(row["date_added"])
        if added is None:
            problem(ProblemCode.BAD_DATE, "date_added", "a date such as 2026-06-01")
        start_by = None
        if row.get("start_by"):
            start_by = _date(row["start_by"])
            if start_by is None:
                problem(ProblemCode.BAD_DATE, "start_by", "a date such as 2026-06-01")
        urgency = Urgency.ROUTINE
        if row.get("urgency"):
            try:
                urgency = Urgency(row["urgency"])
            except ValueError:
                problem(
                    ProblemCode.UNKNOWN_VALUE,
                    "urgency",
                    "one of " + ", ".join(u.value for u in Urgency),
                )
        if not row["person_id"]:
            problem(ProblemCode.MISSING_VALUE, "person_id", "the person's id")
        if hours is None or added is None or not district:
            continue
        need = Need(
            postcode_district=district,
            hours_per_week=hours,
            date_added=added,
            locality=row.get("locality") or None,
            zone=row.get("zone") or row.get("locality") or None,
            start_by=start_by,
            urgency=urgency,
            funding=row.get("funding") or "unknown",
            person_ref=row["person_id"] or None,
        )
        for column, expected, _ in need.problems():
            code = {
                "hours_per_week": ProblemCode.OUT_OF_RANGE,
                "start_by": ProblemCode.DATES_OUT_OF_ORDER,
            }.get(column, ProblemCode.BAD_FORMAT)
            problem(code, column, expected)
        needs.append(need)
    if problems:
        raise DataProblemError(problems)
    return needs
