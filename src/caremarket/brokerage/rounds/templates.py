"""The visits and carers CSV templates: their columns, and reading them into a `Problem`.

Every defect found is a `DataProblem` (file, row, column, what was expected), all
reported together; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from caremarket.brokerage.rounds.problem import (
    Break,
    Carer,
    Gap,
    Need,
    Place,
    Problem,
    Visit,
    Weights,
)
from caremarket.brokerage.rounds.travel import TravelTime
from caremarket.ingest.problem import DataProblem, DataProblemError, ProblemCode

Locate = Callable[[Sequence[str]], dict[str, tuple[float, float]]]
"""Looks postcodes up: normalised postcode -> (latitude, longitude); unknown ones left out."""

# Rounds cost travel and lateness minute for minute, a missed preference like 15 minutes.
CARE_WEIGHTS = Weights(travel=1.0, lateness=1.0, max_lateness=1.0, not_preferred=15.0)


@dataclass(frozen=True)
class Column:
    """One template column: its name, whether it must be filled, what it holds, an example."""

    name: str
    description: str
    example: str
    required: bool = False


VISIT_COLUMNS = (
    Column("visit_id", "Unique id of the call.", "V0001", required=True),
    Column("person_id", "Person pseudonym (never a name).", "P123456", required=True),
    Column("date", "Day of the call, YYYY-MM-DD (blank: every day planned).", "2026-12-01"),
    Column("postcode", "Home postcode (or give latitude and longitude).", "NR1 3QU"),
    Column("latitude", "Home latitude, WGS84, when there is no postcode.", "52.6286"),
    Column("longitude", "Home longitude, WGS84, when there is no postcode.", "1.2929"),
    Column("earliest_start", "Earliest start, HH:MM.", "07:30", required=True),
    Column("latest_start", "Latest start before the call counts as late, HH:MM.", "08:30", True),
    Column("duration_minutes", "Length of the call in minutes.", "30", required=True),
    Column("skills", "Skills the (first) carer needs, separated by ;.", "personal_care"),
    Column("carers_needed", "1, or 2 for a double-handed call.", "1"),
    Column("second_skills", "Skills of the second carer (blank: as the first).", ""),
    Column("second_duration_minutes", "Second carer's minutes (blank: as the first).", ""),
    Column("gap_min_minutes", "Second carer starts at least this long after the first.", "0"),
    Column("gap_max_minutes", "... and at most this long after (0 and 0: together).", "0"),
    Column("preferred_carers", "Carer ids the person knows, separated by ;.", "C01;C02"),
)
CARER_COLUMNS = (
    Column("carer_id", "Unique id of the carer.", "C01", required=True),
    Column("date", "Day of the shift, YYYY-MM-DD (blank: every day planned).", "2026-12-01"),
    Column("start_postcode", "Where the round starts (or start_latitude/longitude).", "NR2 4SQ"),
    Column("start_latitude", "Start latitude when there is no postcode.", ""),
    Column("start_longitude", "Start longitude when there is no postcode.", ""),
    Column("end_postcode", "Where the round ends (blank: where it starts).", ""),
    Column("end_latitude", "End latitude when there is no postcode.", ""),
    Column("end_longitude", "End longitude when there is no postcode.", ""),
    Column("shift_start", "Shift start, HH:MM.", "07:00", required=True),
    Column("shift_end", "Shift end (back at the end place), HH:MM.", "14:00", required=True),
    Column("skills", "Skills the carer holds, separated by ;.", "personal_care;medication"),
    Column("max_hours", "Most hours of calls and travel in the shift (blank: no limit).", "6"),
    Column("break_earliest", "Break starts no earlier than, HH:MM (blank: no break).", ""),
    Column("break_latest", "... and no later than, HH:MM.", ""),
    Column("break_minutes", "Length of the break in minutes.", ""),
)


def known_skills() -> dict[str, str]:
    """The skill codes the templates accept, with what each means (brokerage/data/skills.yaml)."""
    text = resources.files("caremarket.brokerage.data").joinpath("skills.yaml")
    data: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data["care_skills"]["values"].items()}


def write_templates(folder: Path) -> list[Path]:
    """Write empty-but-for-an-example visits.csv and carers.csv, and a README of the columns."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, columns in (("visits.csv", VISIT_COLUMNS), ("carers.csv", CARER_COLUMNS)):
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.name for c in columns])
            writer.writerow([c.example for c in columns])
        written.append(path)
    lines = ["# Rounds templates", ""]
    for name, columns in (("visits.csv", VISIT_COLUMNS), ("carers.csv", CARER_COLUMNS)):
        lines += [
            f"## {name}",
            "",
            "| column | required | meaning | example |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {c.name} | {'yes' if c.required else ''} | {c.description} | {c.example} |"
            for c in columns
        ]
        lines.append("")
    lines += ["## Skills", ""] + [f"- `{k}`: {v}" for k, v in known_skills().items()]
    readme = folder / "README.md"
    readme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.append(readme)
    return written


@dataclass
class _Rows:
    """Reads one CSV template, collecting problems as it goes."""

    path: Path
    columns: tuple[Column, ...]
    problems: list[DataProblem] = field(default_factory=list)

    def rows(self) -> list[tuple[int, dict[str, str]]]:
        if not self.path.exists() or self.path.stat().st_size == 0:
            self.problems.append(
                DataProblem(ProblemCode.EMPTY_FILE, self.path.name, "a CSV file with a header")
            )
            return []
        with self.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in reader.fieldnames or []]
            missing = [c.name for c in self.columns if c.required and c.name not in header]
            for name in missing:
                self.problems.append(
                    DataProblem(
                        ProblemCode.MISSING_COLUMN,
                        self.path.name,
                        f"a column `{name}` ({self._column(name).description})",
                        column=name,
                    )
                )
            if missing:
                return []
            return [
                (n, {k.strip(): (v or "").strip() for k, v in row.items() if k})
                for n, row in enumerate(reader, start=2)
            ]

    def _column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def problem(self, code: ProblemCode, row: int, column: str, expected: str, value: str) -> None:
        self.problems.append(DataProblem(code, self.path.name, expected, row, column, value))

    def text(self, row: int, data: dict[str, str], name: str) -> str:
        value = data.get(name, "")
        if not value and self._column(name).required:
            self.problem(ProblemCode.MISSING_VALUE, row, name, self._column(name).description, "")
        return value

    def time(self, row: int, data: dict[str, str], name: str) -> float | None:
        value = self.text(row, data, name)
        if not value:
            return None
        hours, _, minutes = value.partition(":")
        if hours.isdigit() and minutes.isdigit() and int(hours) <= 24 and int(minutes) < 60:
            return 60 * int(hours) + int(minutes)
        self.problem(ProblemCode.BAD_TIME, row, name, "a time of day as HH:MM, e.g. 07:30", value)
        return None

    def number(
        self, row: int, data: dict[str, str], name: str, *, signed: bool = False
    ) -> float | None:
        """The cell as a number (0 or more unless `signed`), or None when blank or bad."""
        value = self.text(row, data, name)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.problem(ProblemCode.NOT_A_NUMBER, row, name, "a number", value)
            return None
        if number < 0 and not signed:
            self.problem(ProblemCode.NEGATIVE_NUMBER, row, name, "a number 0 or more", value)
            return None
        return number

    def skills(
        self, row: int, data: dict[str, str], name: str, known: dict[str, str]
    ) -> frozenset[str]:
        found = set()
        for skill in (s.strip() for s in data.get(name, "").split(";")):
            if not skill:
                continue
            if skill not in known:
                self.problem(
                    ProblemCode.UNKNOWN_VALUE,
                    row,
                    name,
                    f"skills from {', '.join(known)} (brokerage/data/skills.yaml)",
                    skill,
                )
            found.add(skill)
        return frozenset(found)

    def window(self, row: int, early: float | None, late: float | None, names: str) -> None:
        if early is not None and late is not None and late < early:
            self.problem(
                ProblemCode.REVERSED_WINDOW,
                row,
                names,
                "the second time no earlier than the first",
                f"{_clock(early)} to {_clock(late)}",
            )


def _clock(minutes: float) -> str:
    return f"{int(minutes // 60):02d}:{int(minutes % 60):02d}"


def normalise_postcode(text: str) -> str:
    """Upper case, one space before the last three characters."""
    squashed = "".join(text.split()).upper()
    return f"{squashed[:-3]} {squashed[-3:]}" if len(squashed) > 3 else squashed


@dataclass
class _Places:
    """Places met while reading, by label (postcode or 'lat,lon'), in order of first use."""

    labels: list[str] = field(default_factory=list)
    where: dict[str, tuple[float, float] | None] = field(default_factory=dict)

    def add(self, label: str, position: tuple[float, float] | None) -> int:
        if label not in self.where:
            self.labels.append(label)
            self.where[label] = position
        return self.labels.index(label)


def _position(
    reader: _Rows, row: int, data: dict[str, str], prefix: str, places: _Places
) -> int | None:
    postcode = data.get(f"{prefix}postcode", "")
    if postcode:
        return places.add(normalise_postcode(postcode), None)
    lat = reader.number(row, data, f"{prefix}latitude", signed=True)
    lon = reader.number(row, data, f"{prefix}longitude", signed=True)
    if lat is None or lon is None:
        reader.problem(
            ProblemCode.MISSING_VALUE,
            row,
            f"{prefix}postcode",
            f"a postcode, or {prefix}latitude and {prefix}longitude",
            "",
        )
        return None
    return places.add(f"{lat:.6f},{lon:.6f}", (lat, lon))


def read_problem(
    visits_csv: Path,
    carers_csv: Path,
    travel: TravelTime,
    locate: Locate,
    day: str | None = None,
) -> Problem:
    """Read both templates into a problem (only rows of `day`, and rows with no date).

    Raises DataProblemError listing every problem in either file.
    """
    known = known_skills()
    places = _Places()
    vr = _Rows(visits_csv, VISIT_COLUMNS)
    cr = _Rows(carers_csv, CARER_COLUMNS)
    visits = _read_visits(vr, known, places, day)
    carers = _read_carers(cr, known, places, day)
    problems = vr.problems + cr.problems
    postcodes = [label for label in places.labels if places.where[label] is None]
    found = locate(postcodes) if postcodes else {}
    for label in postcodes:
        if label not in found:
            problems.append(
                DataProblem(
                    ProblemCode.UNKNOWN_POSTCODE,
                    f"{visits_csv.name} or {carers_csv.name}",
                    "a postcode in the ONS Postcode Directory",
                    value=label,
                )
            )
        else:
            places.where[label] = found[label]
    if problems:
        raise DataProblemError(problems)
    place_list = tuple(
        Place(label, where[1], where[0])
        for label in places.labels
        if (where := places.where[label]) is not None
    )
    return Problem(
        visits=tuple(visits),
        carers=tuple(carers),
        places=place_list,
        travel=travel.minutes(place_list),
        weights=CARE_WEIGHTS,
    )


def _day_rows(
    reader: _Rows, day: str | None, id_column: str
) -> Iterator[tuple[int, dict[str, str], str]]:
    """Rows of the day (and undated rows) with their id, reporting ids used twice."""
    seen: set[str] = set()
    for row, data in reader.rows():
        if day is not None and data.get("date") and data["date"] != day:
            continue
        key = reader.text(row, data, id_column)
        if key in seen:
            reader.problem(ProblemCode.DUPLICATE_ID, row, id_column, "an id used once", key)
        seen.add(key)
        yield row, data, key


def _read_visits(vr: _Rows, known: dict[str, str], places: _Places, day: str | None) -> list[Visit]:
    visits: list[Visit] = []
    for row, data, vid in _day_rows(vr, day, "visit_id"):
        person = vr.text(row, data, "person_id")
        place = _position(vr, row, data, "", places)
        early = vr.time(row, data, "earliest_start")
        late = vr.time(row, data, "latest_start")
        vr.window(row, early, late, "earliest_start/latest_start")
        duration = vr.number(row, data, "duration_minutes")
        skills = vr.skills(row, data, "skills", known)
        needed = data.get("carers_needed") or "1"
        if needed not in ("1", "2"):
            vr.problem(ProblemCode.UNKNOWN_VALUE, row, "carers_needed", "1 or 2", needed)
        needs = [Need(skills, duration or 0.0)]
        gap = None
        if needed == "2":
            second = (
                vr.skills(row, data, "second_skills", known)
                if data.get("second_skills")
                else skills
            )
            second_minutes = vr.number(row, data, "second_duration_minutes")
            needs.append(
                Need(second, second_minutes if second_minutes is not None else duration or 0.0)
            )
            low = vr.number(row, data, "gap_min_minutes") or 0.0
            high = vr.number(row, data, "gap_max_minutes")
            high = low if high is None else high
            if high < low:
                vr.problem(
                    ProblemCode.REVERSED_WINDOW,
                    row,
                    "gap_min_minutes/gap_max_minutes",
                    "a maximum gap no smaller than the minimum",
                    f"{low:g} to {high:g}",
                )
            gap = Gap(low, max(low, high))
        preferred = frozenset(
            p.strip() for p in data.get("preferred_carers", "").split(";") if p.strip()
        )
        if None in (place, early, late, duration) or not vid or not person:
            continue
        assert place is not None and early is not None and late is not None
        visits.append(
            Visit(vid, person, place, early, max(early, late), tuple(needs), gap, preferred)
        )
    return visits


def _read_carers(cr: _Rows, known: dict[str, str], places: _Places, day: str | None) -> list[Carer]:
    carers: list[Carer] = []
    for row, data, cid in _day_rows(cr, day, "carer_id"):
        start = _position(cr, row, data, "start_", places)
        has_end = any(data.get(f"end_{k}") for k in ("postcode", "latitude", "longitude"))
        end = _position(cr, row, data, "end_", places) if has_end else start
        shift_start = cr.time(row, data, "shift_start")
        shift_end = cr.time(row, data, "shift_end")
        cr.window(row, shift_start, shift_end, "shift_start/shift_end")
        skills = cr.skills(row, data, "skills", known)
        hours = cr.number(row, data, "max_hours")
        rest = None
        if data.get("break_earliest") or data.get("break_latest") or data.get("break_minutes"):
            b_early = cr.time(row, data, "break_earliest")
            b_late = cr.time(row, data, "break_latest")
            b_minutes = cr.number(row, data, "break_minutes")
            cr.window(row, b_early, b_late, "break_earliest/break_latest")
            if b_early is None or b_late is None or b_minutes is None:
                cr.problem(
                    ProblemCode.MISSING_VALUE,
                    row,
                    "break_earliest/break_latest/break_minutes",
                    "all three break columns, or none",
                    "",
                )
            else:
                rest = Break(b_early, max(b_early, b_late), b_minutes)
        if None in (start, end, shift_start, shift_end) or not cid:
            continue
        assert start is not None and end is not None
        assert shift_start is not None and shift_end is not None
        carers.append(
            Carer(
                cid,
                start,
                end,
                shift_start,
                max(shift_start, shift_end),
                skills,
                math.inf if hours is None else 60 * hours,
                rest,
            )
        )
    return carers
