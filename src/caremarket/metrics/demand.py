"""Demand: population by age now and projected, and POPPI-style projections of need.

Projections apply published prevalence rates (by sex and age band, kept in
`data/prevalence.yaml` with their references) to ONS estimates and
sub-national population projections, for the council, its districts and
localities made of whole districts, 5 to 20 years ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Final

import polars as pl
import yaml

from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.registry import Input, Level, Theme, Unit, metric

HORIZONS_YEARS: Final = (5, 10, 15, 20)
SEXES: Final = ("males", "females")


@dataclass(frozen=True, slots=True)
class Prevalence:
    """Published rates of a condition or need by sex and age band."""

    name: str
    label: str
    source_date: date
    reference: str
    url: str
    note: str
    rates: pl.DataFrame  # sex, age_from, age_to (null: and over), rate


@cache
def prevalences() -> dict[str, Prevalence]:
    """The prevalence rates shipped with caremarket, by name."""
    text = resources.files("caremarket.metrics").joinpath("data/prevalence.yaml").read_text()
    document: dict[str, Any] = yaml.safe_load(text)
    found: dict[str, Prevalence] = {}
    for name, entry in document.items():
        rows = [
            {
                "sex": sex,
                "age_from": band["age_from"],
                "age_to": band["age_to"],
                "rate": band["rate"],
            }
            for sex, bands in entry["rates"].items()
            for band in bands
        ]
        found[name] = Prevalence(
            name=name,
            label=entry["label"],
            source_date=entry["source_date"],
            reference=entry["reference"]["title"],
            url=entry["reference"]["url"],
            note=entry.get("note", ""),
            rates=pl.DataFrame(
                rows,
                schema={
                    "sex": pl.String,
                    "age_from": pl.Int64,
                    "age_to": pl.Int64,
                    "rate": pl.Float64,
                },
            ),
        )
    return found


def _council_rows(inputs: MetricInputs, frame: pl.DataFrame) -> pl.DataFrame:
    """The council's own rows, or the sum of its districts' where it has none."""
    own = frame.filter(pl.col("area_code") == inputs.council.code)
    if not own.is_empty():
        return own
    districts = inputs.districts["district_code"].implode()
    summed = frame.filter(pl.col("area_code").is_in(districts))
    keys = [c for c in ("year", "sex", "age", "kind") if c in summed.columns]
    return (
        summed.group_by(keys)
        .agg(pl.col("persons").sum())
        .with_columns(area_code=pl.lit(inputs.council.code))
    )


def people_by_area(inputs: MetricInputs, level: Level, frame: pl.DataFrame) -> pl.DataFrame:
    """Population rows (area_code, area_name, year, sex, age, persons) at a level.

    Localities get population only when they are made of whole districts.
    """
    if level is Level.COUNCIL:
        rows = _council_rows(inputs, frame)
        return rows.with_columns(area_name=pl.lit(inputs.council.name))
    names = inputs.districts.select("district_code", "district_name", "locality")
    rows = frame.join(names, left_on="area_code", right_on="district_code", how="inner")
    if level is Level.DISTRICT:
        return rows.with_columns(area_name=pl.col("district_name"))
    if level is Level.LOCALITY:
        if names["locality"].null_count() > 0 or names.is_empty():
            return rows.clear().with_columns(area_name=pl.col("district_name"))
        keys = [c for c in ("year", "sex", "age", "kind") if c in rows.columns]
        return (
            rows.group_by(["locality", *keys])
            .agg(pl.col("persons").sum())
            .with_columns(area_code=pl.col("locality"), area_name=pl.col("locality"))
        )
    raise ValueError(f"population is not given by {level}")


def population_at_level(
    inputs: MetricInputs, level: Level, frame: pl.DataFrame, age_from: int, age_to: int | None
) -> pl.DataFrame:
    """People in an age range per area and year: area_code, area_name, year, persons."""
    rows = people_by_area(inputs, level, frame)
    in_range = pl.col("age") >= age_from
    if age_to is not None:
        in_range &= pl.col("age") <= age_to
    return (
        rows.filter(in_range & (pl.col("sex") == "persons"))
        .group_by("area_code", "area_name", "year")
        .agg(pl.col("persons").sum())
    )


def population_in_year(
    inputs: MetricInputs, level: Level, age_from: int, age_to: int | None, year: int
) -> pl.DataFrame:
    """People in an age range per area in one year (area_code, persons, basis).

    The denominator rule every rate follows: the ONS estimate for the year
    when one is loaded; else the projection for the year; else a straight
    line between the nearest years before and after it (estimates before
    projections of the same year); else the nearest year loaded. `basis` says which, e.g. "2026,
    interpolated between the 2024 estimate and the 2028 projection".
    """
    kinds = [("estimate", inputs.frame(Input.POPULATION))]
    if inputs.projection is not None:
        kinds.append(("projection", inputs.projection))
    yearly = pl.concat(
        [
            population_at_level(inputs, level, frame, age_from, age_to).with_columns(
                kind=pl.lit(kind)
            )
            for kind, frame in kinds
        ]
    )
    rows: list[dict[str, object]] = []
    for (code,), area in yearly.group_by("area_code"):
        rows.append({"area_code": code, **_in_year(area, year)})
    return pl.DataFrame(
        rows, schema={"area_code": pl.String, "persons": pl.Float64, "basis": pl.String}
    )


def _in_year(area: pl.DataFrame, year: int) -> dict[str, object]:
    """One area's population in a year by the denominator rule (see `population_in_year`)."""
    estimates = {int(r["year"]): r["persons"] for r in area.filter(kind="estimate").to_dicts()}
    projected = {int(r["year"]): r["persons"] for r in area.filter(kind="projection").to_dicts()}
    if year in estimates:
        return {"persons": estimates[year], "basis": f"{year} estimate"}
    if year in projected:
        return {"persons": projected[year], "basis": f"{year}, projected"}
    known = {**projected, **estimates}
    kind = {y: "estimate" if y in estimates else "projection" for y in known}
    before = max((y for y in known if y < year), default=None)
    after = min((y for y in known if y > year), default=None)
    if before is not None and after is not None:
        share = (year - before) / (after - before)
        persons = known[before] + share * (known[after] - known[before])
        return {
            "persons": persons,
            "basis": f"{year}, interpolated between the {before} {kind[before]} and the "
            f"{after} {kind[after]}",
        }
    nearest = min(known, key=lambda y: (abs(y - year), -y))
    return {
        "persons": known[nearest],
        "basis": f"{nearest} {kind[nearest]}, the nearest year loaded",
    }


def _years(inputs: MetricInputs) -> tuple[pl.DataFrame, int]:
    """Estimates up to the as-of year and projections for the horizons; the base year."""
    estimates = inputs.frame(Input.POPULATION).filter(pl.col("year") <= inputs.as_of.year)
    if estimates.is_empty():
        estimates = inputs.frame(Input.POPULATION)
    base = int(estimates["year"].max())  # type: ignore[arg-type]
    frames = [
        estimates.filter(pl.col("year") == base).select(
            "area_code", "year", "sex", "age", "persons"
        )
    ]
    if inputs.projection is not None:
        wanted = [base + h for h in HORIZONS_YEARS]
        frames.append(
            inputs.projection.filter(pl.col("year").is_in(wanted)).select(
                "area_code", "year", "sex", "age", "persons"
            )
        )
    return pl.concat(frames), base


def _population(
    inputs: MetricInputs, level: Level, age_from: int, age_to: int | None
) -> pl.DataFrame:
    frame, _ = _years(inputs)
    people = population_at_level(inputs, level, frame, age_from, age_to)
    return people.select(
        "area_code",
        "area_name",
        sector=pl.lit("all"),
        client_group=pl.lit("all"),
        period=pl.col("year").cast(pl.String),
        value=pl.col("persons").round(0),
        n=pl.col("persons").round(0).cast(pl.Int64),
    )


_DEMAND_INPUTS = (Input.POPULATION,)


@metric(label="People aged 18-64", unit=Unit.PEOPLE, theme=Theme.DEMAND, inputs=_DEMAND_INPUTS)
def population_aged_18_64(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Residents aged 18 to 64: the latest estimate and, where loaded, projections 5-20 years on."""
    return _population(inputs, level, 18, 64)


@metric(label="People aged 65+", unit=Unit.PEOPLE, theme=Theme.DEMAND, inputs=_DEMAND_INPUTS)
def population_aged_65_plus(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Residents aged 65 and over: the latest estimate and projections 5-20 years on."""
    return _population(inputs, level, 65, None)


@metric(label="People aged 75+", unit=Unit.PEOPLE, theme=Theme.DEMAND, inputs=_DEMAND_INPUTS)
def population_aged_75_plus(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Residents aged 75 and over: the latest estimate and projections 5-20 years on."""
    return _population(inputs, level, 75, None)


@metric(label="People aged 85+", unit=Unit.PEOPLE, theme=Theme.DEMAND, inputs=_DEMAND_INPUTS)
def population_aged_85_plus(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Residents aged 85 and over: the latest estimate and projections 5-20 years on."""
    return _population(inputs, level, 85, None)


def _growth(inputs: MetricInputs, level: Level, age_from: int) -> pl.DataFrame:
    frame, base = _years(inputs)
    people = population_at_level(inputs, level, frame, age_from, None)
    now = people.filter(pl.col("year") == base).select("area_code", now=pl.col("persons"))
    later = people.filter(pl.col("year") > base).join(now, on="area_code", how="inner")
    return later.select(
        "area_code",
        "area_name",
        sector=pl.lit("all"),
        client_group=pl.lit("all"),
        period=pl.format("{}-{}", pl.lit(base), pl.col("year")),
        value=(100 * (pl.col("persons") / pl.col("now") - 1)).round(1),
        n=pl.col("now").round(0).cast(pl.Int64),
    )


@metric(
    label="Growth in people aged 65+",
    unit=Unit.PERCENT,
    theme=Theme.DEMAND,
    inputs=(Input.POPULATION, Input.PROJECTION),
)
def growth_aged_65_plus(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Projected growth in residents aged 65+ from the latest estimate, 5-20 years on."""
    return _growth(inputs, level, 65)


@metric(
    label="Growth in people aged 85+",
    unit=Unit.PERCENT,
    theme=Theme.DEMAND,
    inputs=(Input.POPULATION, Input.PROJECTION),
)
def growth_aged_85_plus(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Projected growth in residents aged 85+ from the latest estimate, 5-20 years on."""
    return _growth(inputs, level, 85)


def apply_prevalence(people: pl.DataFrame, prevalence: Prevalence) -> pl.DataFrame:
    """Expected people with the condition per area and year (area_code, area_name, year, persons).

    Uses the sex-specific rates where the population has males and females,
    else the mean of the two sexes' rates applied to persons.
    """
    rates = prevalence.rates
    by_sex = people.filter(pl.col("sex").is_in(list(SEXES)))
    if by_sex.is_empty():
        mean = rates.group_by("age_from", "age_to").agg(pl.col("rate").mean())
        by_sex = people.filter(pl.col("sex") == "persons")
        rates = mean.with_columns(sex=pl.lit("persons"))
    banded = by_sex.join(rates, on="sex", how="inner").filter(
        (pl.col("age") >= pl.col("age_from"))
        & (pl.col("age_to").is_null() | (pl.col("age") <= pl.col("age_to")))
    )
    return banded.group_by("area_code", "area_name", "year").agg(
        persons=(pl.col("persons") * pl.col("rate")).sum()
    )


def _prevalent(inputs: MetricInputs, level: Level, name: str) -> pl.DataFrame:
    frame, _ = _years(inputs)
    people = people_by_area(inputs, level, frame)
    expected = apply_prevalence(people, prevalences()[name])
    return expected.select(
        "area_code",
        "area_name",
        sector=pl.lit("all"),
        client_group=pl.lit("all"),
        period=pl.col("year").cast(pl.String),
        value=pl.col("persons").round(0),
        n=pl.col("persons").round(0).cast(pl.Int64),
    )


@metric(
    label="People aged 65+ with dementia (predicted)",
    unit=Unit.PEOPLE,
    theme=Theme.DEMAND,
    inputs=_DEMAND_INPUTS,
)
def people_with_dementia_65_plus(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Dementia UK (2014) prevalence by age and sex applied to the estimate and projections."""
    return _prevalent(inputs, level, "dementia_65_plus")


@metric(
    label="People aged 65+ needing help with a daily living activity (predicted)",
    unit=Unit.PEOPLE,
    theme=Theme.DEMAND,
    inputs=_DEMAND_INPUTS,
)
def people_needing_care_65_plus(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Health Survey for England 2014 rates of needing help with an ADL, applied by age and sex."""
    return _prevalent(inputs, level, "needing_help_with_adl_65_plus")
