"""The demo county's population: ONS's real mid-2020 estimate for Norfolk and its districts,
and a SYNTHETIC projection aged on from it (not an ONS projection).

The projection ages each single-year cohort on by one year a year with a
stated survival assumption (no published rates, no migration, births held at
the base year's age-0 count). It exists so the demo can show demand
projections; its file name and licence say it is synthetic.
"""

from __future__ import annotations

import csv
import math
import shutil
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Final

ESTIMATE_FILE: Final = "norfolk_population_mid2020_nomis.csv"
PROJECTION_FILE: Final = "SYNTHETIC_norfolk_population_projection_2020-based.csv"
BASE_YEAR: Final = 2020
LAST_YEAR: Final = 2045
OLDEST: Final = 90  # the 90+ group
SEXES: Final = {"Male": "males", "Female": "females"}
# Yearly chance of dying at age x: a Gompertz curve q(x) = A * exp(B * x), capped.
# A and B are round numbers chosen for a plausible shape, not fitted to life tables.
GOMPERTZ_A: Final = 0.00002
GOMPERTZ_B: Final = 0.095
MAX_DEATH_RATE: Final = 0.6
OLDEST_GROUP_AGE: Final = 93  # the age whose rate stands for the whole 90+ group

PROJECTION_README: Final = f"""SYNTHETIC population projection for the demo county
===================================================
Not an ONS projection.

{PROJECTION_FILE} is in the layout of ONS's sub-national population
projections (SNPP) but is NOT published by ONS. It is derived from ONS's
real mid-{BASE_YEAR} estimate for Norfolk and its districts ({ESTIMATE_FILE},
Open Government Licence v3.0) by ageing each single-year cohort on by one
year a year to {LAST_YEAR}:

- survival: a person aged x survives the year with probability 1 - q(x),
  q(x) = min({MAX_DEATH_RATE}, {GOMPERTZ_A} x exp({GOMPERTZ_B} x)); the 90+ group uses
  q({OLDEST_GROUP_AGE}). The constants are round numbers giving a plausible shape;
  no published mortality rates were used;
- births: each year's age 0 equals the base year's age 0;
- migration: none.

Use it only to try the software. Load a real ONS SNPP release for real work.
"""


def _death_rate(age: int) -> float:
    at = OLDEST_GROUP_AGE if age >= OLDEST else age
    return min(MAX_DEATH_RATE, GOMPERTZ_A * math.exp(GOMPERTZ_B * at))


def _age(label: str) -> int | None:
    if label.startswith("Aged 90"):
        return OLDEST
    if label.startswith("Age "):
        return int(label.removeprefix("Age "))
    return None


def write_estimate(out_dir: Path) -> Path:
    """Copy the real ONS mid-2020 estimate (Nomis layout) into the demo folder."""
    path = out_dir / ESTIMATE_FILE
    source = resources.files("caremarket.demo").joinpath(f"data/{ESTIMATE_FILE}")
    with resources.as_file(source) as shipped:
        shutil.copyfile(shipped, path)
    return path


def _base_cohorts() -> tuple[dict[tuple[str, str, str], list[float]], dict[str, str]]:
    """(area, name, sex) -> persons by age 0..90+ from the shipped estimate; area names."""
    text = resources.files("caremarket.demo").joinpath(f"data/{ESTIMATE_FILE}").read_text("utf-8")
    cohorts: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0] * (OLDEST + 1))
    names: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        age = _age(row["C_AGE_NAME"])
        sex = SEXES.get(row["GENDER_NAME"])
        if age is None or sex is None:
            continue
        names[row["GEOGRAPHY_CODE"]] = row["GEOGRAPHY_NAME"]
        key = (row["GEOGRAPHY_CODE"], row["GEOGRAPHY_NAME"], sex)
        cohorts[key][age] = float(row["OBS_VALUE"])
    return cohorts, names


def _aged_on(people: list[float], births: float) -> list[float]:
    survived = [p * (1 - _death_rate(a)) for a, p in enumerate(people)]
    nxt = [births, *survived[: OLDEST - 1]]
    nxt.append(survived[OLDEST - 1] + survived[OLDEST])
    return nxt


def write_synthetic_projection(out_dir: Path) -> Path:
    """Write the SYNTHETIC SNPP-layout projection (and its README) into the demo folder."""
    cohorts, _ = _base_cohorts()
    years = list(range(BASE_YEAR, LAST_YEAR + 1))
    projected: dict[tuple[str, str, str], list[list[float]]] = {}
    for key, people in cohorts.items():
        series = [people]
        for _ in years[1:]:
            series.append(_aged_on(series[-1], people[0]))
        projected[key] = series
    persons: dict[tuple[str, str, str], list[list[float]]] = {}
    for (code, name, sex), series in projected.items():
        if sex != "males":
            continue
        females = projected[(code, name, "females")]
        persons[(code, name, "persons")] = [
            [m + f for m, f in zip(ms, fs, strict=True)]
            for ms, fs in zip(series, females, strict=True)
        ]
    path = out_dir / PROJECTION_FILE
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["AREA_CODE", "AREA_NAME", "COMPONENT", "SEX", "AGE_GROUP", *years])
        for (code, name, sex), series in sorted({**projected, **persons}.items()):
            for age in range(OLDEST + 1):
                label = "90 and over" if age == OLDEST else str(age)
                values = [f"{series[i][age]:.1f}" for i in range(len(years))]
                writer.writerow([code, name, "Population", sex, label, *values])
    (out_dir / "SYNTHETIC_population_projection_README.txt").write_text(
        PROJECTION_README, encoding="utf-8"
    )
    return path
