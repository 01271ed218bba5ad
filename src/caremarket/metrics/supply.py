"""Supply: locations, providers, beds and what the council buys of them."""

from __future__ import annotations

from datetime import date

import polars as pl

from caremarket.domain.release_fact import Fact
from caremarket.domain.sector import CARE_HOMES, HOME_CARE
from caremarket.metrics.cube import CELL_KEYS, at_level, empty_result, rollup
from caremarket.metrics.demand import population_in_year
from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.registry import Input, Level, Theme, Unit, metric
from caremarket.metrics.supply_quality import LOCATION_COLUMNS, supply_and_quality, within_release

COUNCIL_FUNDING = ("council_managed", "direct_payment")
ACCREDITED_TIERS = ("principal", "framework")


def location_figures(
    inputs: MetricInputs, level: Level, locations: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The supply and quality table of the counted locations (or of `locations`) at a level,
    saying what the release cannot tell (see `within_release`)."""
    chosen = inputs.frame(Input.LOCATIONS) if locations is None else locations
    located = at_level(chosen, level, inputs)
    table = supply_and_quality(located.select(list(LOCATION_COLUMNS)), inputs.as_of)
    if inputs.facts is None or level is Level.LOCATION:
        return table
    return within_release(table, inputs.facts)


def pick(
    inputs: MetricInputs, level: Level, column: str, locations: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One column of the location figures as a metric result (n = locations)."""
    if locations is not None and locations.is_empty():
        return empty_result()
    figures = location_figures(inputs, level, locations)
    return figures.select(
        *CELL_KEYS,
        period=pl.lit(inputs.as_of.isoformat()),
        value=pl.col(column).cast(pl.Float64),
        n=pl.col("locations"),
    )


@metric(
    label="Locations",
    unit=Unit.COUNT,
    theme=Theme.SUPPLY,
    inputs=(Input.LOCATIONS,),
)
def locations(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Active CQC-registered adult social care locations (a dual-registered pair counts once)."""
    return pick(inputs, level, "locations")


@metric(label="Providers", unit=Unit.COUNT, theme=Theme.SUPPLY, inputs=(Input.LOCATIONS,))
def providers(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Distinct CQC providers running the active locations."""
    return pick(inputs, level, "providers")


@metric(
    label="Care home beds",
    unit=Unit.BEDS,
    theme=Theme.SUPPLY,
    inputs=(Input.LOCATIONS,),
    sectors=CARE_HOMES,
    needs=(Fact.BEDS,),
)
def beds(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Registered care home beds; unknown where the release gives no beds."""
    return pick(inputs, level, "beds")


@metric(
    label="Care home beds per 1,000 people aged 75+",
    unit=Unit.PER_1000,
    theme=Theme.SUPPLY,
    inputs=(Input.LOCATIONS, Input.POPULATION),
    sectors=CARE_HOMES,
    needs=(Fact.BEDS,),
)
def beds_per_1000_aged_75_plus(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Registered care home beds per 1,000 residents aged 75 and over in the as-of year.

    The population is the ONS estimate for that year, else its projection, else
    interpolated between the latest estimate and the next projection year.
    """
    figures = location_figures(inputs, level)
    people = population_in_year(inputs, level, 75, None, inputs.as_of.year)
    joined = figures.join(people.select("area_code", "persons"), on="area_code", how="inner")
    return joined.select(
        *CELL_KEYS,
        period=pl.lit(inputs.as_of.isoformat()),
        value=(1000 * pl.col("beds") / pl.col("persons")).round(1),
        n=pl.col("locations"),
    )


def active_agreements(inputs: MetricInputs, on: date | None = None) -> pl.DataFrame:
    """Service agreements running on a day (default: the as-of date)."""
    day = on or inputs.as_of
    agreements = inputs.frame(Input.AGREEMENTS)
    return agreements.filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )


def _accredited(inputs: MetricInputs) -> pl.DataFrame:
    """Counted locations holding a running principal or framework agreement."""
    held = (
        active_agreements(inputs)
        .filter(pl.col("framework_tier").is_in(list(ACCREDITED_TIERS)))
        .select(pl.col("cqc_location_id").alias("location_id"))
        .unique()
    )
    return inputs.frame(Input.LOCATIONS).join(held, on="location_id", how="semi")


@metric(
    label="Accredited locations",
    unit=Unit.COUNT,
    theme=Theme.SUPPLY,
    inputs=(Input.LOCATIONS, Input.AGREEMENTS),
)
def accredited_locations(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Locations the council contracts with on its principal-provider or framework tier."""
    return pick(inputs, level, "locations", _accredited(inputs))


@metric(
    label="Accredited care home places",
    unit=Unit.BEDS,
    theme=Theme.SUPPLY,
    inputs=(Input.LOCATIONS, Input.AGREEMENTS),
    sectors=CARE_HOMES,
    needs=(Fact.BEDS,),
)
def accredited_beds(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Registered beds of care homes the council contracts with on principal or framework terms."""
    return pick(inputs, level, "beds", _accredited(inputs))


def _placements_at_locations(inputs: MetricInputs) -> pl.DataFrame:
    """Running care home placements the council or the NHS funds, on the location's row."""
    placed = (
        active_agreements(inputs)
        .filter(
            pl.col("sector").str.starts_with("care_home")
            & pl.col("funding").is_in([*COUNCIL_FUNDING, "health"])
        )
        .group_by(pl.col("cqc_location_id").alias("location_id"))
        .agg(placements=pl.len())
    )
    return inputs.frame(Input.LOCATIONS).join(placed, on="location_id", how="left")


@metric(
    label="Council's share of care home beds",
    unit=Unit.PERCENT,
    theme=Theme.SUPPLY,
    inputs=(Input.LOCATIONS, Input.AGREEMENTS),
    sectors=CARE_HOMES,
    needs=(Fact.BEDS,),
)
def council_share_of_beds(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Care home beds filled by people the council or the NHS funds, as a share of all beds."""
    frame = _placements_at_locations(inputs).filter(pl.col("beds").is_not_null())
    if frame.is_empty():
        return empty_result()
    cells = rollup(
        frame.filter(pl.col("care_home").fill_null(False)),
        level,
        inputs,
        {
            "value": (100 * pl.col("placements").fill_null(0).sum() / pl.col("beds").sum()).round(
                1
            ),
            "n": pl.len(),
        },
        period=inputs.as_of.isoformat(),
        sector="sectors",
        client_group="client_groups",
    )
    return cells.filter(pl.col("sector").str.starts_with("care_home") | (pl.col("sector") == "all"))


@metric(
    label="Hours of care commissioned a week",
    unit=Unit.HOURS_PER_WEEK,
    theme=Theme.SUPPLY,
    inputs=(Input.AGREEMENTS,),
    sectors=HOME_CARE,
)
def hours_commissioned_per_week(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Weekly hours of the council-managed agreements running on the as-of date."""
    running = active_agreements(inputs).filter(
        (pl.col("funding") == "council_managed") & pl.col("hours_per_week").is_not_null()
    )
    return rollup(
        running,
        level,
        inputs,
        {"value": pl.col("hours_per_week").sum().round(1), "n": pl.col("person_id").n_unique()},
        period=inputs.as_of.isoformat(),
    )
