"""The people a council's home care serves today and the branches serving them, read from
the store, for evaluating zones with simulated days of rounds.

Agreements keep only the outward code of a person's home (`NR1`), so each
person is placed at a postcode of that district drawn from the seed and their
id (the same postcode whatever is evaluated). An agreement that names no
branch (a direct payment, a personal assistant) is served from the nearest
home-care branch: a declared rule, not a record. People waiting on the interim
care list are clients too, with the hours a week they wait for; today nobody
serves them, so they are given the nearest home-care branch, the one a broker
asks first. Each home and office carries its rurality (postcode density around
it), which sets the road speed of drives to it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import polars as pl

from caremarket.analysis import gather
from caremarket.brokerage.zones.blocks import BlockLevel, block_of
from caremarket.brokerage.zones.rurality import area_class, local_density
from caremarket.brokerage.zones.scenario import Branch
from caremarket.brokerage.zones.simulation import Client
from caremarket.domain.area import Area, districts_of
from caremarket.domain.sector import Sector
from caremarket.ingest.geo.postcodes import bundled_letter
from caremarket.metrics.supply import active_agreements
from caremarket.metrics.waiting import waiting_on
from caremarket.store.store import Store


@dataclass(frozen=True)
class ClientsRead:
    """The clients and branches found, and what had to be left out and why."""

    clients: tuple[Client, ...]
    branches: dict[str, Branch]
    as_of: date
    outside_districts: tuple[str, ...]
    """Postcode districts of agreements with no postcode in the council."""
    people_outside: int
    people_without_district: int
    people_without_branch: int
    """People whose agreement names no branch (served from the nearest)."""
    people_waiting: int
    """People on the interim care list placed in the council (among `clients`)."""
    localities: dict[str, str]
    """District GSS code -> the council's locality."""
    district_names: dict[str, str]


def _council_postcodes(council: Area, letters: set[str]) -> pl.DataFrame:
    codes = [d.code for d in districts_of(council.code)]
    frames = [
        bundled_letter(letter).filter(pl.col("district_code").is_in(codes))
        for letter in sorted(letters)
    ]
    frames = [f for f in frames if f.height]
    if not frames:
        return pl.DataFrame(
            schema={
                "postcode": pl.String,
                "district_code": pl.String,
                "east": pl.Float64,
                "north": pl.Float64,
            }
        )
    return pl.concat(frames).drop_nulls(["east", "north"])


def council_clients(
    store: Store,
    council: Area,
    level: BlockLevel = BlockLevel.SECTOR,
    as_of: date | None = None,
    seed: int = 0,
) -> ClientsRead:
    """People with a running home-care agreement on a date, placed in the council, and the
    home-care branches (CQC locations) with a position."""
    from pyproj import Transformer

    inputs = gather(store, council, as_of).inputs
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform
    branches: dict[str, Branch] = {}
    if inputs.locations is not None:
        located = inputs.locations.filter(
            pl.col("latitude").is_not_null()
            & pl.col("longitude").is_not_null()
            & pl.col("sectors").list.contains(Sector.HOME_CARE.value)
        )
        for row in located.iter_rows(named=True):
            east, north = to_grid(row["longitude"], row["latitude"])
            branches[row["location_id"]] = Branch(
                row["location_id"], row["name"] or row["location_id"], east, north, row["rating"]
            )
    localities = {}
    names = {}
    if inputs.districts is not None:
        for row in inputs.districts.iter_rows(named=True):
            localities[row["district_code"]] = row["locality"]
            names[row["district_code"]] = row["district_name"]
    if inputs.agreements is None:
        return ClientsRead((), branches, inputs.as_of, (), 0, 0, 0, 0, localities, names)
    running = (
        active_agreements(inputs)
        .filter(
            (pl.col("sector") == Sector.HOME_CARE.value)
            & (pl.col("hours_per_week").fill_null(0.0) > 0)
        )
        .group_by("person_id")
        .agg(
            pl.col("postcode_district").drop_nulls().str.to_uppercase().first(),
            pl.col("cqc_location_id").drop_nulls().first(),
            pl.col("hours_per_week").sum(),
        )
        .with_columns(waiting=pl.lit(False))
        .sort("person_id")
    )
    if inputs.interim_care is not None:
        waiting = (
            waiting_on(inputs)
            .filter(pl.col("hours_per_week").fill_null(0.0) > 0)
            .group_by("person_id")
            .agg(
                pl.col("postcode_district").drop_nulls().str.to_uppercase().first(),
                cqc_location_id=pl.lit(None, dtype=pl.String),
                hours_per_week=pl.col("hours_per_week").sum(),
            )
            .with_columns(waiting=pl.lit(True))
            # Someone both served and waiting is served: their agreement stands.
            .join(running.select("person_id"), on="person_id", how="anti")
            .sort("person_id")
        )
        running = pl.concat([running, waiting.select(running.columns)], how="vertical_relaxed")
    letters = {d[0] for d in running["postcode_district"].drop_nulls().to_list() if d}
    postcodes = _council_postcodes(council, letters).with_columns(
        outward=pl.col("postcode").str.split(" ").list.first(),
        block=block_of(pl.col("postcode"), level),
    )
    by_district: dict[str, list[tuple[str, float, float, str, str]]] = {}
    for row in postcodes.sort("postcode").iter_rows(named=True):
        by_district.setdefault(row["outward"], []).append(
            (row["postcode"], row["east"], row["north"], row["block"], row["district_code"])
        )
    xy = postcodes.select("east", "north").to_numpy()
    branches = {
        b.id: Branch(b.id, b.name, b.east, b.north, b.rating, area_class(density))
        for b, density in zip(
            branches.values(),
            local_density(xy, [(b.east, b.north) for b in branches.values()]),
            strict=True,
        )
    }
    density_at = dict(
        zip(postcodes["postcode"].to_list(), local_density(xy, xy).tolist(), strict=True)
    )
    clients: list[Client] = []
    outside: set[str] = set()
    people_outside = without_district = without_branch = people_waiting = 0
    for person, district, location, hours, is_waiting in running.iter_rows():
        if not district:
            without_district += 1
            continue
        homes = by_district.get(district)
        if not homes:
            outside.add(district)
            people_outside += 1
            continue
        postcode, east, north, block, code = random.Random(f"{seed}:{person}:home").choice(homes)
        branch = location if location in branches else None
        if branch is None:
            without_branch += not is_waiting
            branch = _nearest(branches, east, north)
        people_waiting += is_waiting
        clients.append(
            Client(
                person,
                east,
                north,
                float(hours),
                branch or "",
                block,
                code,
                localities.get(code, ""),
                area_class(density_at.get(postcode)),
                bool(is_waiting),
            )
        )
    return ClientsRead(
        clients=tuple(clients),
        branches=branches,
        as_of=inputs.as_of,
        outside_districts=tuple(sorted(outside)),
        people_outside=people_outside,
        people_without_district=without_district,
        people_without_branch=without_branch,
        people_waiting=people_waiting,
        localities=localities,
        district_names=names,
    )


def _nearest(branches: dict[str, Branch], east: float, north: float) -> str | None:
    if not branches:
        return None
    return min(
        branches.values(), key=lambda b: ((b.east - east) ** 2 + (b.north - north) ** 2, b.id)
    ).id
