"""Rolling row-level frames up to area x sector x client group, with `all` totals.

Every metric's rows are cells of one cube: an area at a level, a sector
(with `care_home` over its nursing and residential parts, and `all`), a
client group (with `all`) and a period.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from caremarket.domain.sector import Sector
from caremarket.metrics.inputs import MetricInputs
from caremarket.metrics.registry import Level

ALL = "all"
AREA_KEYS = ("area_code", "area_name")
CELL_KEYS = ("area_code", "area_name", "sector", "client_group")

_CARE_HOME_PARTS = (Sector.CARE_HOME_NURSING.value, Sector.CARE_HOME_RESIDENTIAL.value)


def at_level(frame: pl.DataFrame, level: Level, inputs: MetricInputs) -> pl.DataFrame:
    """Add area_code and area_name for the level (rows whose area is unknown say so)."""
    council = inputs.council
    if level is Level.COUNCIL:
        return frame.with_columns(area_code=pl.lit(council.code), area_name=pl.lit(council.name))
    if level is Level.DISTRICT:
        return frame.with_columns(
            area_code=pl.col("district_code").fill_null("unknown"),
            area_name=pl.col("district_name").fill_null("District not known"),
        )
    if level is Level.LOCALITY:
        return frame.with_columns(
            area_code=pl.col("locality").fill_null("unknown"),
            area_name=pl.col("locality").fill_null("Locality not known"),
        )
    return frame.with_columns(
        area_code=pl.col("location_id"), area_name=pl.col("name").fill_null(pl.col("location_id"))
    )


def _members(column: str, frame: pl.DataFrame, *, sector: bool) -> pl.Expr:
    """A list of the cube members a row belongs to: its own, its parents and `all`."""
    if column not in frame.columns:
        return pl.lit([ALL])
    own = pl.col(column)
    if frame.schema[column] == pl.String:
        own = pl.concat_list(own)
    own = own.list.drop_nulls()
    if sector:
        parts = own.list.eval(pl.element().is_in(list(_CARE_HOME_PARTS))).list.any()
        own = pl.when(parts).then(own.list.concat(pl.lit([Sector.CARE_HOME.value]))).otherwise(own)
    return own.list.concat(pl.lit([ALL])).list.unique()


def rollup(
    frame: pl.DataFrame,
    level: Level,
    inputs: MetricInputs,
    aggregations: Mapping[str, pl.Expr],
    *,
    period: str,
    sector: str | None = "sector",
    client_group: str | None = "client_group",
) -> pl.DataFrame:
    """Aggregate rows into cube cells: `aggregations` must give `value` and `n`.

    `sector` and `client_group` name a text or list column of the frame (or
    None for a metric without that dimension: its rows are all `all`).
    """
    located = at_level(frame, level, inputs)
    located = located.with_columns(
        _members(sector or "", located, sector=True).alias("_sector"),
        _members(client_group or "", located, sector=False).alias("_client_group"),
    )
    drop = [c for c in ("sector", "client_group") if c in located.columns]
    long = (
        located.drop(drop)
        .rename({"_sector": "sector", "_client_group": "client_group"})
        .explode("sector")
        .explode("client_group")
    )
    cells = long.group_by(list(CELL_KEYS)).agg(**aggregations)
    return cells.with_columns(period=pl.lit(period))


def empty_result() -> pl.DataFrame:
    """A result with no rows."""
    return pl.DataFrame(
        schema={
            "area_code": pl.String,
            "area_name": pl.String,
            "sector": pl.String,
            "client_group": pl.String,
            "period": pl.String,
            "value": pl.Float64,
            "n": pl.Int64,
        }
    )
