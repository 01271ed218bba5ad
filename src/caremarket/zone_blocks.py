"""A council's zone building blocks, read from the store: its postcodes (the bundled ONS
Postcode Directory) and its home-care demand (running agreements and people waiting)."""

from __future__ import annotations

from datetime import date

import polars as pl
from shapely.geometry.base import BaseGeometry

from caremarket.analysis import gather
from caremarket.brokerage.zones.blocks import BlockLevel, Blocks, block_of, build_blocks
from caremarket.brokerage.zones.parameters import zone_parameters
from caremarket.domain.area import Area, districts_of
from caremarket.domain.sector import Sector
from caremarket.figures import council_localities
from caremarket.ingest.geo.postcodes import bundled_letter
from caremarket.metrics.supply import active_agreements
from caremarket.metrics.waiting import waiting_on
from caremarket.store.store import Store


def council_postcodes(council: Area, letters: set[str]) -> pl.DataFrame:
    """The council's postcodes (postcode, east, north) among those starting with `letters`."""
    codes = [d.code for d in districts_of(council.code)]
    frames = [
        bundled_letter(letter).filter(pl.col("district_code").is_in(codes))
        for letter in sorted(letters)
    ]
    frames = [f for f in frames if f.height]
    if not frames:
        return pl.DataFrame(schema={"postcode": pl.String, "east": pl.Float64, "north": pl.Float64})
    return pl.concat(frames).select("postcode", "east", "north")


def home_care_demand(store: Store, council: Area, as_of: date | None) -> tuple[pl.DataFrame, date]:
    """Per postcode district: hours a week of running home-care agreements, hours of people
    waiting, and people; with the date the demand is read at."""
    inputs = gather(store, council, as_of).inputs
    parts = []
    if inputs.agreements is not None:
        running = active_agreements(inputs).filter(pl.col("sector") == Sector.HOME_CARE.value)
        parts.append(
            running.select(
                "postcode_district",
                "person_id",
                hours=pl.col("hours_per_week"),
                waiting=pl.lit(0.0),
            )
        )
    if inputs.interim_care is not None:
        waiting = waiting_on(inputs)
        parts.append(
            waiting.select(
                "postcode_district",
                "person_id",
                hours=pl.lit(0.0),
                waiting=pl.col("hours_per_week"),
            )
        )
    schema = {
        "postcode_district": pl.String,
        "hours_per_week": pl.Float64,
        "waiting_hours_per_week": pl.Float64,
        "people": pl.Float64,
    }
    if not parts:
        return pl.DataFrame(schema=schema), inputs.as_of
    rows = pl.concat(parts, how="vertical_relaxed").filter(
        pl.col("postcode_district").is_not_null()
    )
    demand = rows.group_by(pl.col("postcode_district").str.to_uppercase()).agg(
        hours_per_week=pl.col("hours").fill_null(0.0).sum(),
        waiting_hours_per_week=pl.col("waiting").fill_null(0.0).sum(),
        people=pl.col("person_id").n_unique().cast(pl.Float64),
    )
    return demand.cast(schema), inputs.as_of  # type: ignore[arg-type]


def council_blocks(
    store: Store, council: Area, level: BlockLevel, as_of: date | None = None
) -> tuple[Blocks, date]:
    """The council's blocks with their demand on a date (default: the latest release's)."""
    demand, day = home_care_demand(store, council, as_of)
    letters = {code[0] for code in demand["postcode_district"].to_list() if code[:1].isalpha()}
    located = store.query(
        "SELECT DISTINCT left(postcode, 1) AS letter FROM location "
        "WHERE la_code = ? AND postcode IS NOT NULL",
        [council.code],
    )
    letters |= {v for v in located["letter"].to_list() if v and v.isalpha()}
    postcodes = council_postcodes(council, letters)
    return build_blocks(postcodes, demand, level), day


def block_localities(
    store: Store, council: Area, blocks: Blocks, as_of: date
) -> tuple[list[str], list[str]]:
    """Each block's locality (the council's localities release on `as_of`: by postcode
    district where it names them, else by local authority district), taken from most of
    its postcodes; and the blocks whose postcodes fall in no locality (named by district)."""
    localities = council_localities(store, council, as_of)
    if localities.is_empty():
        raise LookupError(
            f"no localities of {council.name} are loaded: load the council's localities "
            "with `caremarket ingest-council`"
        )
    by_outward = dict(
        localities.filter(pl.col("postcode_district").is_not_null())
        .select(pl.col("postcode_district").str.to_uppercase(), "locality")
        .iter_rows()
    )
    by_district = dict(
        localities.filter(pl.col("district_code").is_not_null())
        .select("district_code", "locality")
        .iter_rows()
    )
    letters = {str(b)[0] for b in blocks.frame["block"].to_list() if str(b)[:1].isalpha()}
    codes = [d.code for d in districts_of(council.code)]
    frames = [
        bundled_letter(letter).filter(pl.col("district_code").is_in(codes))
        for letter in sorted(letters)
    ]
    postcodes = pl.concat([f.select("postcode", "district_code") for f in frames if f.height])
    keyed = postcodes.with_columns(
        block=block_of(pl.col("postcode"), blocks.level),
        outward=pl.col("postcode").str.split(" ").list.first(),
    ).with_columns(
        locality=pl.col("outward")
        .replace_strict(by_outward, default=None, return_dtype=pl.String)
        .fill_null(
            pl.col("district_code").replace_strict(
                by_district, default=None, return_dtype=pl.String
            )
        )
    )
    named = keyed.filter(pl.col("locality").is_not_null())
    most = dict(
        named.group_by("block", "locality")
        .len()
        .sort("len", "locality", descending=[True, False])
        .unique("block", keep="first")
        .select("block", "locality")
        .iter_rows()
    )
    fallback = dict(keyed.select("block", "district_code").unique("block").iter_rows())
    found, unnamed = [], []
    for block in blocks.frame["block"].to_list():
        if block in most:
            found.append(str(most[block]))
        else:
            found.append(f"district {fallback.get(block, '?')}")
            unnamed.append(str(block))
    return found, unnamed


def council_outline(store: Store, council: Area) -> BaseGeometry | None:
    """The council's area in OS grid metres, widened by the declared margin, from the newest
    district (or council) boundaries loaded; None when none is loaded."""
    import json

    from pyproj import Transformer
    from shapely.geometry import shape
    from shapely.ops import transform, unary_union

    codes = [council.code, *(d.code for d in districts_of(council.code))]
    rows = store.query(
        """
        SELECT b.area_code, b.geometry FROM boundary b JOIN release r USING (release_id)
        WHERE b.area_code IN (SELECT unnest(?))
        QUALIFY row_number() OVER (
            PARTITION BY b.area_code ORDER BY r.release_date DESC, r.loaded_at DESC) = 1
        """,
        [codes],
    )
    if rows.is_empty():
        return None
    parts = [shape(json.loads(g)) for g in rows["geometry"].to_list()]
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform
    outline = transform(to_grid, unary_union(parts))
    return outline.buffer(zone_parameters().outline_margin_km * 1000)
