"""The market as the web tool serves it: one council's figures per release date, cached.

Everything comes from the store through `caremarket.analysis` and
`caremarket.figures`; this module only remembers what it computed, per
(council, as-of date), so a request costs a dictionary look-up once warm.
DuckDB connections are not shared across threads, so every store call here
holds one lock.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from caremarket.analysis import Gathered, MetricResult, evaluate, gather
from caremarket.domain.area import Area
from caremarket.metrics import Input, Level, get_metric
from caremarket.metrics.cube import empty_result
from caremarket.store.store import Store

_LOG = logging.getLogger(__name__)

LOCATION_FIELDS = (
    "location_id",
    "name",
    "provider_id",
    "provider_name",
    "postcode",
    "latitude",
    "longitude",
    "beds",
    "care_home",
    "rating",
    "publication_date",
    "sectors",
    "client_groups",
    "district_code",
    "district_name",
    "locality",
)


class NoRelease(LookupError):
    """No CQC release covering the council lies on or before the date asked for."""


@dataclass(slots=True)
class Snapshot:
    """A council's market as at one release date: inputs, located locations, metric results."""

    as_of: date
    gathered: Gathered
    locations: pl.DataFrame
    results: dict[tuple[str, Level], MetricResult] = field(default_factory=dict)


class Market:
    """One council's market in the store, computed on demand and kept per release date."""

    def __init__(self, store: Store, council: Area) -> None:
        self.store = store
        self.council = council
        self._lock = threading.RLock()
        self._snapshots: dict[date, Snapshot] = {}
        self._dates: tuple[date, ...] | None = None
        self._boundaries: dict[str, dict[str, Any]] = {}
        self._trends: dict[tuple[str, str, str, str, str | None], list[dict[str, Any]]] = {}

    def query(self, sql: str, params: list[object] | dict[str, object]) -> pl.DataFrame:
        """A read-only query on the store, one thread at a time."""
        with self._lock:
            return self.store.query(sql, params)

    def history(self, until: date) -> pl.DataFrame:
        """The council's market at every CQC directory release up to a date (`history`)."""
        from caremarket.history import market_history

        with self._lock:
            return market_history(self.store, self.council, until)

    def release_dates(self) -> tuple[date, ...]:
        """The dates of the CQC releases covering the council, oldest first."""
        if self._dates is None:
            found = self.query(
                """
                SELECT DISTINCT r.release_date AS d
                FROM release r JOIN release_coverage c USING (release_id)
                WHERE r.source_id LIKE 'cqc_%' AND c.la_code = ? ORDER BY d
                """,
                [self.council.code],
            )
            self._dates = tuple(found["d"].to_list())
        return self._dates

    def resolve(self, as_of: date | None) -> date:
        """The latest release date on or before `as_of` (default: the latest); NoRelease if none."""
        dates = self.release_dates()
        chosen = [d for d in dates if as_of is None or d <= as_of]
        if not chosen:
            when = "" if as_of is None else f" on or before {as_of.isoformat()}"
            raise NoRelease(
                f"no CQC release{when} covers {self.council.name} ({self.council.code})"
            )
        return chosen[-1]

    def snapshot(self, as_of: date | None = None) -> Snapshot:
        """The market as at the release in force on `as_of` (computed once)."""
        day = self.resolve(as_of)
        found = self._snapshots.get(day)
        if found is not None:
            return found
        with self._lock:
            found = self._snapshots.get(day)
            if found is None:
                gathered = gather(self.store, self.council, day)
                found = Snapshot(day, gathered, self._located(gathered))
                self._snapshots[day] = found
        return found

    def _located(self, gathered: Gathered) -> pl.DataFrame:
        located = gathered.inputs.locations
        if located is None:
            return pl.DataFrame(
                schema={name: pl.String for name in LOCATION_FIELDS}
                | {"registered_as": pl.List(pl.String)}
            )
        used = [u for u in gathered.releases.get(Input.LOCATIONS, ()) if u.purpose == "locations"]
        names = self.store.query(
            "SELECT provider_id, name AS provider_name FROM provider WHERE release_id IN "
            "(SELECT unnest(?))",
            [[u.release_id for u in used]],
        ).unique("provider_id")
        # Counted as every other output counts them: a dual-registered pair once, by its
        # primary; the other registration is kept in `registered_as` for its profile.
        registrations = located.group_by("count_id").agg(registered_as=pl.col("location_id"))
        counted = located.sort(
            "count_id", pl.col("location_id") != pl.col("count_id"), "location_id"
        ).unique("count_id", keep="first")
        return (
            counted.join(names, on="provider_id", how="left")
            .join(registrations, on="count_id", how="left")
            .select(*LOCATION_FIELDS, "registered_as")
            .sort("location_id")
        )

    def result(self, name: str, level: Level, as_of: date | None = None) -> MetricResult:
        """One metric at a level as at a date (computed once per snapshot)."""
        snap = self.snapshot(as_of)
        key = (name, level)
        found = snap.results.get(key)
        if found is None:
            metric = get_metric(name)
            try:
                found = evaluate(snap.gathered, metric, level)
            except Exception as error:  # one failing metric must not take a page down
                _LOG.exception("metric %s at %s failed", name, level)
                reason = f"{metric.label} could not be computed: {type(error).__name__}"
                found = MetricResult(metric, level, empty_result(), (), (reason,))
            snap.results[key] = found
        return found

    def trend(
        self,
        name: str,
        sector: str,
        client_group: str,
        level: Level = Level.COUNCIL,
        area: str | None = None,
    ) -> list[dict[str, Any]]:
        """A metric's value (and n) at every loaded release date, for the council or one area."""
        key = (name, sector, client_group, level.value, area)
        if key not in self._trends:
            points: list[dict[str, Any]] = []
            for day in self.release_dates():
                frame = self.result(name, level, day).frame.filter(
                    (pl.col("sector") == sector) & (pl.col("client_group") == client_group)
                )
                if area is not None:
                    frame = frame.filter(pl.col("area_code") == area)
                for row in frame.sort("period").tail(1).to_dicts():
                    points.append({"as_of": day.isoformat(), "value": row["value"], "n": row["n"]})
            self._trends[key] = points
        return self._trends[key]

    def boundaries(self, level: Level) -> dict[str, Any]:
        """District boundaries from the store, or localities dissolved from whole districts."""
        if level.value not in self._boundaries:
            self._boundaries[level.value] = self._collection(level)
        return self._boundaries[level.value]

    def _collection(self, level: Level) -> dict[str, Any]:
        districts = self.snapshot().gathered.inputs.districts
        codes = districts["district_code"].to_list()
        rows = self.query(
            """
            SELECT b.area_code, b.geometry FROM boundary b JOIN release r USING (release_id)
            WHERE b.area_code IN (SELECT unnest(?))
            QUALIFY row_number() OVER (
                PARTITION BY b.area_code ORDER BY r.release_date DESC, r.loaded_at DESC) = 1
            """,
            [codes],
        )
        geometry = {row["area_code"]: json.loads(row["geometry"]) for row in rows.to_dicts()}
        features: list[dict[str, Any]] = []
        if level is Level.DISTRICT:
            for row in districts.to_dicts():
                if row["district_code"] in geometry:
                    features.append(
                        _feature(
                            row["district_code"],
                            row["district_name"],
                            geometry[row["district_code"]],
                            locality=row["locality"],
                        )
                    )
        elif level is Level.LOCALITY:
            whole = districts.filter(pl.col("locality").is_not_null())
            for (locality,), group in whole.group_by("locality", maintain_order=True):
                shapes = [shape(geometry[c]) for c in group["district_code"] if c in geometry]
                if shapes:
                    merged = mapping(unary_union(shapes).simplify(0.0005))
                    features.append(_feature(str(locality), str(locality), dict(merged)))
        return {"type": "FeatureCollection", "features": features}

    def rating_history(self, location_id: str, as_of: date | None = None) -> pl.DataFrame:
        """Every rating the releases out by `as_of` give the location, newest first
        (ratings published after `as_of` are left out: the profile follows the date)."""
        day = self.resolve(as_of)
        return self.query(
            """
            SELECT DISTINCT x.key_question, x.rating, x.publication_date, x.service_group,
                   x.inherited
            FROM rating x JOIN release r USING (release_id)
            WHERE x.location_id = ? AND r.release_date <= ?
              AND (x.publication_date IS NULL OR x.publication_date <= ?)
            ORDER BY x.publication_date DESC NULLS LAST, x.key_question
            """,
            [location_id, day, day],
        )

    def location_details(self, location_id: str, as_of: date | None = None) -> dict[str, Any]:
        """Address, town, postcode and registration date as the release in force describes
        them (empty when it does not describe the location)."""
        snap = self.snapshot(as_of)
        used = [u.release_id for u in snap.gathered.releases.get(Input.LOCATIONS, ())]
        found = self.query(
            """
            SELECT l.address, l.town, l.postcode, l.registration_date, l.location_type
            FROM location l JOIN release r USING (release_id)
            WHERE l.location_id = ? AND l.release_id IN (SELECT unnest(?))
            ORDER BY r.release_date DESC LIMIT 1
            """,
            [location_id, used],
        )
        return found.to_dicts()[0] if found.height else {}

    def clear(self) -> None:
        """Forget everything computed (after releases are loaded or removed)."""
        with self._lock:
            self._snapshots.clear()
            self._boundaries.clear()
            self._trends.clear()
            self._dates = None


def _feature(code: str, name: str, geometry: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": code,
        "properties": {"area_code": code, "area_name": name, **extra},
        "geometry": geometry,
    }
