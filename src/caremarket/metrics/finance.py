"""Finance: what the council spends, on whom, by which route, and at what price."""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import polars as pl
import yaml

from caremarket.domain.release_fact import Fact
from caremarket.domain.sector import CARE_HOMES
from caremarket.metrics.cube import empty_result, rollup
from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.registry import Input, Level, Theme, Unit, metric
from caremarket.metrics.supply import COUNCIL_FUNDING, active_agreements


@cache
def assumptions() -> dict[str, Any]:
    """The dated, referenced assumptions of the finance metrics."""
    text = resources.files("caremarket.metrics").joinpath("data/finance_assumptions.yaml")
    loaded: dict[str, Any] = yaml.safe_load(text.read_text())
    return loaded


def assumption(name: str) -> float:
    """One assumption's value."""
    return float(assumptions()[name]["value"])


def financial_year(as_of: date) -> tuple[date, date, str]:
    """The last complete April-March financial year on or before a date: first, last, label."""
    end_year = as_of.year if as_of >= date(as_of.year, 3, 31) else as_of.year - 1
    last = date(end_year, 3, 31)
    return date(end_year - 1, 4, 1), last, f"{end_year - 1}-{str(end_year)[-2:]}"


def _council_spend(inputs: MetricInputs) -> tuple[pl.DataFrame, str]:
    """Council-funded agreements with a cost in the last whole financial year (`spend_gbp`),
    and the year's label."""
    first, last, label = financial_year(inputs.as_of)
    agreements = inputs.frame(Input.AGREEMENTS)
    start = pl.max_horizontal(pl.col("start_date"), pl.lit(first))
    end = pl.min_horizontal(pl.col("end_date").fill_null(last), pl.lit(last))
    days = ((end - start).dt.total_days() + 1).clip(lower_bound=0)
    spent = agreements.with_columns(spend_gbp=pl.col("weekly_cost_gbp") * days / 7)
    council = spent.filter(
        pl.col("funding").is_in(list(COUNCIL_FUNDING)) & (pl.col("spend_gbp") > 0)
    )
    return council, label


@metric(
    label="Council spend in the year",
    unit=Unit.GBP,
    theme=Theme.FINANCE,
    inputs=(Input.AGREEMENTS,),
)
def spend_in_year(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Gross cost of council-managed care and direct payments in the last whole financial year."""
    council, label = _council_spend(inputs)
    return rollup(
        council,
        level,
        inputs,
        {"value": pl.col("spend_gbp").sum().round(0), "n": pl.col("person_id").n_unique()},
        period=label,
    )


@metric(
    label="Direct payments' share of spend",
    unit=Unit.PERCENT,
    theme=Theme.FINANCE,
    inputs=(Input.AGREEMENTS,),
)
def direct_payment_share_of_spend(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Direct payments as a share of council spend in the last complete financial year."""
    council, label = _council_spend(inputs)
    direct = pl.col("spend_gbp").filter(pl.col("funding") == "direct_payment").sum()
    return rollup(
        council,
        level,
        inputs,
        {
            "value": (100 * direct / pl.col("spend_gbp").sum()).round(1),
            "n": pl.col("person_id").n_unique(),
        },
        period=label,
    )


@metric(label="People funded", unit=Unit.PEOPLE, theme=Theme.FINANCE, inputs=(Input.AGREEMENTS,))
def people_funded(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """People with a council-managed agreement or direct payment running on the as-of date."""
    running = active_agreements(inputs).filter(pl.col("funding").is_in(list(COUNCIL_FUNDING)))
    people = pl.col("person_id").n_unique()
    return rollup(
        running,
        level,
        inputs,
        {"value": people.cast(pl.Float64), "n": people},
        period=inputs.as_of.isoformat(),
    )


def fee_rates_in_force(fees: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The council's usual prices in force on `as_of`: for each sector, client group, contract
    route (`framework_tier`, null for every route) and price unit, the latest from that day."""
    if "framework_tier" not in fees.columns:
        fees = fees.with_columns(framework_tier=pl.lit(None, pl.String))
    return (
        fees.filter(pl.col("effective_date") <= as_of)
        .with_columns(client_group=pl.col("client_group").fill_null("all"))
        .sort("effective_date")
        .group_by("sector", "client_group", "framework_tier", "price_unit", maintain_order=True)
        .agg(pl.col("price_gbp").last(), pl.col("effective_date").last())
        .sort("sector", "client_group", "price_unit", "framework_tier", nulls_last=False)
    )


def _prices(inputs: MetricInputs, unit: str) -> pl.DataFrame:
    """One usual price per sector and client group: the price for every contract route.

    Where the routes' prices differ (a principal provider's rate above the framework's)
    and no price is set for every route, the figure is null: one number would claim
    more than the fee rates say (`fee_rates_in_force` lists each route's price).
    """
    in_force = fee_rates_in_force(inputs.frame(Input.FEES), inputs.as_of).filter(
        pl.col("price_unit") == unit
    )
    if in_force.is_empty():
        return empty_result()
    latest = in_force.group_by("sector", "client_group").agg(
        pl.when(pl.col("framework_tier").is_null().any())
        .then(pl.col("price_gbp").filter(pl.col("framework_tier").is_null()).first())
        .when(pl.col("price_gbp").n_unique() == 1)
        .then(pl.col("price_gbp").first())
        .otherwise(None)
        .alias("price_gbp"),
        pl.col("effective_date").max(),
    )
    return latest.select(
        area_code=pl.lit(inputs.council.code),
        area_name=pl.lit(inputs.council.name),
        sector=pl.col("sector"),
        client_group=pl.col("client_group"),
        period=pl.col("effective_date").cast(pl.String),
        value=pl.col("price_gbp").cast(pl.Float64),
        n=pl.lit(None, pl.Int64),
    )


@metric(
    label="Usual weekly price",
    unit=Unit.GBP_PER_WEEK,
    theme=Theme.FINANCE,
    inputs=(Input.FEES,),
    levels=(Level.COUNCIL,),
)
def usual_weekly_price_gbp(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """The council's usual price per week in force on the as-of date, by sector and client group."""
    return _prices(inputs, "week")


@metric(
    label="Usual hourly rate",
    unit=Unit.GBP_PER_HOUR,
    theme=Theme.FINANCE,
    inputs=(Input.FEES,),
    levels=(Level.COUNCIL,),
)
def usual_hourly_rate_gbp(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """The council's usual rate per hour in force on the as-of date, by sector and client group."""
    return _prices(inputs, "hour")


@metric(
    label="Estimated self-funder spend on care homes a year",
    unit=Unit.GBP,
    theme=Theme.FINANCE,
    inputs=(Input.LOCATIONS, Input.AGREEMENTS),
    sectors=CARE_HOMES,
    needs=(Fact.BEDS,),
)
def self_funder_spend_estimate(inputs: MetricInputs, level: Level) -> pl.DataFrame:
    """Occupied beds not funded by the council or NHS, at the council's median price plus the
    self-funder premium (assumptions in data/finance_assumptions.yaml), for a year.

    Only care homes with known beds count; where the council has no running
    placement in a sector, no price is known and that sector is left out.
    """
    running = active_agreements(inputs)
    placements = running.filter(
        pl.col("sector").str.starts_with("care_home")
        & pl.col("funding").is_in([*COUNCIL_FUNDING, "health"])
    )
    prices = (
        placements.filter(pl.col("funding") == "council_managed")
        .group_by("sector")
        .agg(weekly_gbp=pl.col("weekly_cost_gbp").median())
    )
    placed = placements.group_by(pl.col("cqc_location_id").alias("location_id")).agg(
        placed=pl.len()
    )
    homes = (
        inputs.frame(Input.LOCATIONS)
        .filter(pl.col("care_home").fill_null(False) & pl.col("beds").is_not_null())
        .join(placed, on="location_id", how="left")
        .with_columns(
            home_sector=pl.when(pl.col("sectors").list.contains("care_home_nursing"))
            .then(pl.lit("care_home_nursing"))
            .otherwise(pl.lit("care_home_residential"))
        )
        .join(prices, left_on="home_sector", right_on="sector", how="inner")
    )
    if homes.is_empty():
        return empty_result()
    occupancy = assumption("care_home_occupancy")
    premium = assumption("self_funder_price_premium")
    weeks = assumption("weeks_per_year")
    self_funded = (pl.col("beds") * occupancy - pl.col("placed").fill_null(0)).clip(lower_bound=0)
    yearly = self_funded * pl.col("weekly_gbp") * (1 + premium) * weeks
    cells = rollup(
        homes.with_columns(yearly_gbp=yearly),
        level,
        inputs,
        {"value": (pl.col("yearly_gbp").sum() / 1000).round(0) * 1000, "n": pl.len()},
        period=inputs.as_of.isoformat(),
        sector="sectors",
        client_group="client_groups",
    )
    return cells.filter(pl.col("sector").str.starts_with("care_home") | (pl.col("sector") == "all"))
