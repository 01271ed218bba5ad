"""Building blocks of zones: postcode sectors (or districts) with their home-care demand.

A block is placed at the mean position of its postcodes (ONS Postcode
Directory, OS grid metres). Demand comes by postcode district (the outward
code the council's records keep), so a district's hours are shared among its
sectors in proportion to their postcodes: a declared rule, not a measurement.
A block's workload is its contact hours plus the travel between its visits
(see `parameters`), driven at the speed of the block's area: its rurality, the
median postcode density around its postcodes (see `rurality`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from caremarket.brokerage.zones.parameters import ZoneParameters, zone_parameters
from caremarket.brokerage.zones.rurality import area_class, local_density


class BlockLevel(StrEnum):
    """What a zone is built from."""

    SECTOR = "postcode-sector"
    DISTRICT = "postcode-district"


BLOCK_SCHEMA = pl.Schema(
    {
        "block": pl.String(),
        "postcode_district": pl.String(),
        "postcodes": pl.Int64(),
        "east": pl.Float64(),
        "north": pl.Float64(),
        "spread_km": pl.Float64(),
        "postcodes_per_km2": pl.Float64(),
        "area": pl.String(),
        "hours_per_week": pl.Float64(),
        "waiting_hours_per_week": pl.Float64(),
        "people": pl.Float64(),
        "travel_hours_per_week": pl.Float64(),
        "workload_hours_per_week": pl.Float64(),
    }
)


@dataclass(frozen=True)
class Blocks:
    """The blocks of one council, and the demand that could not be placed in any."""

    frame: pl.DataFrame
    level: BlockLevel
    unplaced_hours_per_week: float
    unplaced_districts: tuple[str, ...]
    """Postcode districts with demand but no postcode in the council (outside it, or mistyped)."""
    postcodes_without_position: int


def block_of(postcode: pl.Expr, level: BlockLevel) -> pl.Expr:
    """`NR1 1` (sector: outward code and the inward code's digit) or `NR1` (district)."""
    outward = postcode.str.split(" ").list.first()
    if level is BlockLevel.DISTRICT:
        return outward
    return pl.concat_str(
        [outward, postcode.str.split(" ").list.last().str.slice(0, 1)], separator=" "
    )


def build_blocks(
    postcodes: pl.DataFrame,
    demand: pl.DataFrame,
    level: BlockLevel = BlockLevel.SECTOR,
    parameters: ZoneParameters | None = None,
) -> Blocks:
    """Blocks from the council's postcodes (postcode, east, north) and demand
    (postcode_district, hours_per_week, waiting_hours_per_week, people)."""
    p = parameters or zone_parameters()
    placed = postcodes.filter(pl.col("east").is_not_null() & pl.col("north").is_not_null())
    xy = placed.select("east", "north").to_numpy()
    keyed = placed.with_columns(
        block=block_of(pl.col("postcode"), level),
        postcode_district=pl.col("postcode").str.split(" ").list.first(),
        density=pl.Series(local_density(xy, xy), dtype=pl.Float64),
    )
    blocks = (
        keyed.group_by("block", "postcode_district")
        .agg(
            postcodes=pl.len(),
            east=pl.col("east").mean(),
            north=pl.col("north").mean(),
            spread_km=(
                (
                    (pl.col("east") - pl.col("east").mean()) ** 2
                    + (pl.col("north") - pl.col("north").mean()) ** 2
                )
                .mean()
                .sqrt()
                / 1000
            ),
            postcodes_per_km2=pl.col("density").median(),
        )
        .with_columns(
            area=pl.col("postcodes_per_km2").map_elements(area_class, return_dtype=pl.String)
        )
    )
    per_district = blocks.group_by("postcode_district").agg(
        district_postcodes=pl.col("postcodes").sum()
    )
    wanted = demand.group_by("postcode_district").agg(
        pl.col("hours_per_week").sum(),
        pl.col("waiting_hours_per_week").sum(),
        pl.col("people").sum(),
    )
    outside = wanted.join(per_district, on="postcode_district", how="anti")
    shared = (
        blocks.join(per_district, on="postcode_district")
        .join(wanted, on="postcode_district", how="left")
        .with_columns(share=pl.col("postcodes") / pl.col("district_postcodes"))
        .with_columns(
            (pl.col(c).fill_null(0.0) * pl.col("share")).alias(c)
            for c in ("hours_per_week", "waiting_hours_per_week", "people")
        )
    )
    travel = _travel_hours(shared, p)
    frame = shared.with_columns(travel_hours_per_week=travel).with_columns(
        workload_hours_per_week=pl.col("hours_per_week")
        + pl.col("waiting_hours_per_week")
        + pl.col("travel_hours_per_week")
    )
    return Blocks(
        frame=frame.select(list(BLOCK_SCHEMA)).cast(BLOCK_SCHEMA).sort("block"),
        level=level,
        unplaced_hours_per_week=float(
            outside.select(
                pl.col("hours_per_week").sum() + pl.col("waiting_hours_per_week").sum()
            ).item()
            or 0.0
        ),
        unplaced_districts=tuple(sorted(outside["postcode_district"].to_list())),
        postcodes_without_position=postcodes.height - placed.height,
    )


def _travel_hours(blocks: pl.DataFrame, p: ZoneParameters) -> pl.Series:
    """Travel between a block's visits a week: road minutes over the spacing of visits
    spread evenly over the block (half the square root of the area per visit), at the
    speed of the block's area."""
    hours = []
    columns = ("hours_per_week", "waiting_hours_per_week", "spread_km", "area")
    for row in blocks.select(columns).iter_rows():
        contact = (row[0] or 0.0) + (row[1] or 0.0)
        visits = contact / p.mean_visit_hours
        if visits <= 0:
            hours.append(0.0)
            continue
        area_km2 = math.pi * max(row[2] or 0.0, 0.2) ** 2
        spacing_km = 0.5 * math.sqrt(area_km2 / visits)
        minutes = p.road.stop_minutes + p.road.minutes_per_km(row[3]) * spacing_km
        hours.append(visits * minutes / 60.0)
    return pl.Series("travel_hours_per_week", hours, dtype=pl.Float64)
