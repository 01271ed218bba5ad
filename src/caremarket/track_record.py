"""The demand projections' track record, read from the store: recorded counts and the
population projections each base year could have used (see `forecast.backtest`)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from caremarket.domain.area import Area
from caremarket.forecast.backtest import (
    GROWTH_SCHEMA,
    BacktestMeasure,
    errors,
    known_then,
    settings,
    summary,
)
from caremarket.store.store import Store


@dataclass(frozen=True)
class TrackRecord:
    """Scored forecasts (every council's, or one's) and the summary over every council by
    measure, horizon and forecast."""

    scored: pl.DataFrame
    summary: pl.DataFrame
    projections_used: tuple[str, ...]
    """The population projection releases the projections were grown with."""


def recorded_counts(store: Store, since: int | None = None) -> pl.DataFrame:
    """Per council, measure and year: the count recorded and the population it is over
    (the newest release giving that year wins)."""
    codes = [m.code for m in settings().measures]
    frame = store.query(
        """
        SELECT v.la_code, v.measure_code, CAST(left(v.year, 4) AS INTEGER) AS year,
               v.numerator AS count, v.denominator AS population
        FROM ascof_value v JOIN release r USING (release_id)
        WHERE v.measure_code IN (SELECT unnest(?)) AND v.breakdown = 'total'
        QUALIFY row_number() OVER (
            PARTITION BY v.la_code, v.measure_code, v.year
            ORDER BY r.release_date DESC, r.loaded_at DESC) = 1
        """,
        [codes],
    )
    return frame.filter(pl.col("year") >= since) if since is not None else frame


def projected_growth(store: Store, recorded: pl.DataFrame) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """For each council, measure and (base, target) pair: the growth of the band's population
    in the newest projection released by the end of the base year; and the releases used."""
    growth_rows: list[pl.DataFrame] = []
    used: set[str] = set()
    years = sorted(set(recorded["year"].to_list()))
    projections = store.query(
        """
        SELECT DISTINCT r.release_id, r.release_date
        FROM population p JOIN release r USING (release_id)
        WHERE p.kind = 'projection' ORDER BY r.release_date
        """
    )
    for base in years:
        dates = projections["release_date"].to_list()
        known = projections.filter(
            pl.Series([known_then(day, base) for day in dates], dtype=pl.Boolean)
        )
        if known.is_empty():
            continue
        release_id = known["release_id"][-1]
        for measure in settings().measures:
            frame = _band_growth(store, release_id, measure, base, [y for y in years if y > base])
            if frame.height:
                used.add(release_id)
                growth_rows.append(frame)
    if not growth_rows:
        return pl.DataFrame(schema=GROWTH_SCHEMA), ()
    return pl.concat(growth_rows).cast(GROWTH_SCHEMA), tuple(sorted(used))


def _band_growth(
    store: Store, release_id: str, measure: BacktestMeasure, base: int, targets: list[int]
) -> pl.DataFrame:
    people = store.query(
        """
        SELECT area_code AS la_code, year, sum(persons) AS people FROM population
        WHERE release_id = ? AND sex = 'persons' AND age >= ? AND age <= ?
          AND year IN (SELECT unnest(?))
        GROUP BY ALL
        """,
        [release_id, measure.age_from, measure.age_to or 200, [base, *targets]],
    )
    then = people.filter(pl.col("year") == base).select("la_code", base_people="people")
    later = people.filter(pl.col("year") != base).select(
        "la_code", target_year="year", target_people="people"
    )
    return then.join(later, on="la_code").select(
        "la_code",
        measure_code=pl.lit(measure.code),
        base_year=pl.lit(base),
        target_year="target_year",
        growth=pl.col("target_people") / pl.col("base_people"),
    )


def demand_track_record(
    store: Store, council: Area | None = None, since: int | None = None
) -> TrackRecord:
    """Both forecasts scored for every council (or one), with the summary."""
    recorded = recorded_counts(store, since)
    growth, used = projected_growth(store, recorded)
    scored = errors(recorded, growth)
    overall = summary(scored)  # every council's, the yardstick for one
    if council is not None:
        scored = scored.filter(pl.col("la_code") == council.code)
    return TrackRecord(scored, overall, used)
