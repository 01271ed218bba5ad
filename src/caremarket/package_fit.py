"""A council's home-care branches, their running packages and the people waiting, read from
the store, with travel between postcode districts from the bundled ONS Postcode Directory:
the inputs of `caremarket.brokerage.fit`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from caremarket.analysis import gather
from caremarket.brokerage.fit import (
    Branch,
    DistrictTravel,
    FitParameters,
    FitRequest,
    ProviderRounds,
    RunningPackage,
    build_rounds,
    daily_calls,
)
from caremarket.domain.area import Area, districts_of
from caremarket.domain.sector import Sector
from caremarket.ingest.geo.postcodes import bundled_letter
from caremarket.metrics import Input
from caremarket.metrics.supply import active_agreements
from caremarket.metrics.waiting import waiting_on
from caremarket.store.store import Store


@dataclass(frozen=True)
class CouncilFit:
    """What ranking needs for one council on one day: branches, their packages, the waiting."""

    as_of: date
    branches: tuple[Branch, ...]
    packages: dict[str, tuple[RunningPackage, ...]]
    waiting: tuple[FitRequest, ...]
    waiting_hours: dict[str, float]
    travel: DistrictTravel


def district_travel(council: Area, letters: set[str], parameters: FitParameters) -> DistrictTravel:
    """Travel between the council's postcode districts (starting with `letters`), from an even
    sample of each one's postcodes in the bundled directory (every n-th in postcode order)."""
    codes = [d.code for d in districts_of(council.code)] or [council.code]
    frames = [bundled_letter(letter) for letter in sorted(letters)]
    if not any(f.height for f in frames):
        return DistrictTravel.calibrated({})
    postcodes = (
        pl.concat([f for f in frames if f.height])
        .filter(pl.col("district_code").is_in(codes))
        .drop_nans(["east", "north"])
        .drop_nulls(["east", "north"])
        .with_columns(outward=pl.col("postcode").str.split(" ").list.first())
        .sort("postcode")
    )
    samples: dict[str, list[tuple[float, float]]] = {}
    size = parameters.district_sample_postcodes
    for (outward,), group in postcodes.group_by(["outward"], maintain_order=True):
        step = max(1, group.height // size)
        picked = group[::step].head(size)
        samples[str(outward)] = list(zip(picked["east"], picked["north"], strict=True))
    return DistrictTravel.calibrated(samples)


def _skills(client_groups: Sequence[str] | None, parameters: FitParameters) -> frozenset[str]:
    skills = set(parameters.base_skills)
    for group in client_groups or ():
        skills |= parameters.skills_by_client_group.get(group, frozenset())
    return frozenset(skills)


def council_fit(
    store: Store,
    council: Area,
    parameters: FitParameters,
    as_of: date | None,
    also: Sequence[str] = (),
) -> CouncilFit:
    """The council's home-care branches with running packages, and the people waiting;
    travel covers their postcode districts and those `also` named."""
    from pyproj import Transformer

    inputs = gather(store, council, as_of).inputs
    packages: dict[str, list[RunningPackage]] = {}
    if inputs.agreements is not None:
        running = active_agreements(inputs).filter(
            (pl.col("sector") == Sector.HOME_CARE.value)
            & pl.col("cqc_location_id").is_not_null()
            & pl.col("hours_per_week").is_not_null()
            & pl.col("postcode_district").is_not_null()
        )
        for location, district, person, hours in running.select(
            "cqc_location_id", "postcode_district", "person_id", "hours_per_week"
        ).iter_rows():
            packages.setdefault(str(location), []).append(
                RunningPackage(str(person), str(district).upper(), float(hours))
            )
    branches = []
    if inputs.locations is not None and packages:
        to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
        located = inputs.frame(Input.LOCATIONS).filter(pl.col("location_id").is_in(list(packages)))
        for row in located.sort("location_id").iter_rows(named=True):
            office = None
            if row["latitude"] is not None and row["longitude"] is not None:
                east, north = to_grid.transform(row["longitude"], row["latitude"])
                office = (float(east), float(north))
            branches.append(
                Branch(
                    str(row["provider_id"] or ""),
                    str(row["location_id"]),
                    str(row["name"] or row["location_id"]),
                    office,
                    _skills(row["client_groups"], parameters),
                )
            )
    waiting: list[FitRequest] = []
    weekly_hours: dict[str, float] = {}
    if inputs.interim_care is not None:
        for person, district, weekly in (
            waiting_on(inputs)
            .filter(pl.col("postcode_district").is_not_null())
            .sort("date_added", "person_id")
            .select("person_id", "postcode_district", "hours_per_week")
            .iter_rows()
        ):
            waiting.append(
                FitRequest(
                    str(person), str(district).upper(), daily_calls(float(weekly), parameters)
                )
            )
            weekly_hours[str(person)] = float(weekly)
    outward = [p.postcode_district for ps in packages.values() for p in ps]
    outward += [r.postcode_district for r in waiting] + [d.upper() for d in also]
    letters = {code[0] for code in outward if code[:1].isalpha()}
    # And the first letters of the council's registered services' postcodes, so that a
    # request anywhere in the council is known even where no package runs yet.
    located = store.query(
        "SELECT DISTINCT left(postcode, 1) AS letter FROM location "
        "WHERE la_code = ? AND postcode IS NOT NULL",
        [council.code],
    )
    letters |= {v for v in located["letter"].to_list() if v and v.isalpha()}
    travel = district_travel(council, letters, parameters)
    return CouncilFit(
        inputs.as_of,
        tuple(branches),
        {k: tuple(v) for k, v in packages.items()},
        tuple(waiting),
        weekly_hours,
        travel,
    )


def council_rounds(
    found: CouncilFit,
    parameters: FitParameters,
    seed: int = 0,
    progress: Callable[[], None] | None = None,
) -> list[ProviderRounds]:
    """Every branch's typical day, planned from its running packages (`progress` after each)."""
    planned = []
    for branch in found.branches:
        planned.append(
            build_rounds(branch, found.packages.get(branch.location_id, ()), found.travel,
                         parameters, seed)
        )  # fmt: skip
        if progress is not None:
            progress()
    return planned
