"""A day of home-care calls and carers for the demo county, from its interim care list.

Synthetic, like the rest of the demo: each person still waiting gets their weekly
hours as a day's calls (one call up to 45 minutes a day, two up to two hours,
four beyond), a real postcode in their postcode district, skills, and for some
larger packages two carers at once; carers live in the localities the calls are
in and work an early (07:00-14:00) or a late (15:30-22:00) shift. The files follow
the rounds templates, so `caremarket rounds plan` reads them as it would a council's.
"""

from __future__ import annotations

import csv
import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from caremarket.brokerage.rounds.templates import CARER_COLUMNS, VISIT_COLUMNS
from caremarket.demo.localities import DISTRICT_LOCALITIES
from caremarket.demo.norfolk_postcodes import Postcode, norfolk_postcodes


@dataclass(frozen=True)
class CallTime:
    """A named call of the day and its start window (minutes after midnight)."""

    name: str
    earliest: int
    latest: int


MORNING: Final = CallTime("morning", 7 * 60 + 30, 9 * 60)
LUNCH: Final = CallTime("lunch", 12 * 60, 13 * 60)
TEA: Final = CallTime("tea", 16 * 60 + 30, 17 * 60 + 30)
BED: Final = CallTime("bed", 19 * 60 + 30, 21 * 60)
EARLY_SHIFT: Final = (7 * 60, 14 * 60)
LATE_SHIFT: Final = (15 * 60 + 30, 22 * 60)
# Carer minutes per minute of care: travel and waiting on top (assumed for the demo).
OVERHEAD: Final = 2.6


def _pattern(daily_minutes: float) -> tuple[CallTime, ...]:
    if daily_minutes <= 45:
        return (MORNING,)
    if daily_minutes <= 120:
        return (MORNING, TEA)
    return (MORNING, LUNCH, TEA, BED)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _by_outward() -> dict[str, list[Postcode]]:
    found: dict[str, list[Postcode]] = {}
    for postcode in norfolk_postcodes():
        found.setdefault(postcode.outward, []).append(postcode)
    return found


def write_day(
    interim_care_list: Path, out_dir: Path, day: date, seed: int = 2026
) -> tuple[Path, Path]:
    """Write visits.csv and carers.csv for `day` from an interim care list CSV."""
    with interim_care_list.open(newline="", encoding="utf-8") as handle:
        waiting = [row for row in csv.DictReader(handle) if not row.get("date_sourced")]
    outward = _by_outward()
    rng = random.Random(f"{seed}-{day.isoformat()}")
    visits: list[dict[str, str]] = []
    early_minutes: Counter[str] = Counter()
    late_minutes: Counter[str] = Counter()
    for person in waiting:
        pid = person["person_id"]
        homes = outward.get(person["postcode_district"], [])
        if not homes:
            continue
        home = rng.choice(homes)
        daily = float(person["hours_per_week"]) * 60 / 7
        pattern = _pattern(daily)
        minutes = max(15, 5 * round(daily / len(pattern) / 5))
        skills = ["personal_care"] + (["medication"] if rng.random() < 0.4 else [])
        double = float(person["hours_per_week"]) >= 14 and rng.random() < 0.35
        for call in pattern:
            two = double and call in (MORNING, BED)
            visits.append(
                {
                    "visit_id": f"{pid}-{call.name}",
                    "person_id": pid,
                    "date": day.isoformat(),
                    "postcode": home.pcd,
                    "earliest_start": _clock(call.earliest),
                    "latest_start": _clock(call.latest),
                    "duration_minutes": str(minutes),
                    "skills": ";".join(skills + (["moving_and_handling"] if two else [])),
                    "carers_needed": "2" if two else "1",
                    "second_skills": "moving_and_handling" if two else "",
                    "gap_min_minutes": "0" if two else "",
                    "gap_max_minutes": "0" if two else "",
                }
            )
            carers_needed = 2 if two else 1
            shift = early_minutes if call.latest <= EARLY_SHIFT[1] - 60 else late_minutes
            shift[person["locality"]] += minutes * carers_needed
    carers = _carers(early_minutes, late_minutes, day, rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    visits_csv = out_dir / "visits.csv"
    carers_csv = out_dir / "carers.csv"
    _write(visits_csv, [c.name for c in VISIT_COLUMNS], visits)
    _write(carers_csv, [c.name for c in CARER_COLUMNS], carers)
    return visits_csv, carers_csv


def _carers(
    early: Counter[str], late: Counter[str], day: date, rng: random.Random
) -> list[dict[str, str]]:
    homes: dict[str, list[Postcode]] = {}
    for postcode in norfolk_postcodes():
        homes.setdefault(DISTRICT_LOCALITIES[postcode.district_code], []).append(postcode)
    rows: list[dict[str, str]] = []
    for label, demand, (start, end) in (("E", early, EARLY_SHIFT), ("L", late, LATE_SHIFT)):
        for locality in sorted(demand):
            count = max(2, math.ceil(demand[locality] * OVERHEAD / (end - start)))
            for n in range(count):
                skills = ["personal_care", "medication"]
                if n % 5 < 3:
                    skills.append("moving_and_handling")
                if rng.random() < 0.3:
                    skills.append("dementia")
                late_break = label == "L"
                rows.append(
                    {
                        "carer_id": f"{label}-{locality}-{n + 1:02d}",
                        "date": day.isoformat(),
                        "start_postcode": rng.choice(homes[locality]).pcd,
                        "shift_start": _clock(start),
                        "shift_end": _clock(end),
                        "skills": ";".join(skills),
                        "max_hours": "6.5",
                        "break_earliest": "18:00" if late_break else "",
                        "break_latest": "19:30" if late_break else "",
                        "break_minutes": "20" if late_break else "",
                    }
                )
    return rows


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
