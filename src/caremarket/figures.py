"""Figures for one council as at a date: which releases to use, and the counted locations.

The store may hold many releases of many sources; for a council and a date
this module picks, per purpose, the latest release on or before the date
that covers the council, and hands the pure metrics one row per location.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache

import polars as pl

from caremarket.domain.area import Area, england_areas
from caremarket.domain.freshness import Freshness, long_date
from caremarket.domain.release_fact import Fact, ReleaseFacts
from caremarket.ingest.release_facts import FACT_SCHEMA, release_facts
from caremarket.ingest.sources import DIRECTORY_PRECEDENCE, RATING_PRECEDENCE, SOURCES
from caremarket.metrics.supply_quality import LOCATION_COLUMNS, supply_and_quality, within_release
from caremarket.store.store import Store


class Breakdown(StrEnum):
    """The areas figures are broken down by."""

    COUNCIL = "council"
    DISTRICT = "district"
    LOCALITY = "locality"


@dataclass(frozen=True, slots=True)
class UsedRelease:
    """A release the figures came from, with what it was used for."""

    purpose: str
    release_id: str
    source_id: str
    source_title: str
    release_date: date
    licence: str
    file_name: str


@dataclass(frozen=True, slots=True)
class Figures:
    """A council's figures as at a date, with the releases they came from."""

    council: Area
    as_of: date
    breakdown: Breakdown
    table: pl.DataFrame
    releases: tuple[UsedRelease, ...]
    facts: ReleaseFacts

    @property
    def freshness(self) -> Freshness:
        """The newest release used against the as-of date."""
        newest = max((r.release_date for r in self.releases), default=self.as_of)
        return Freshness(newest, self.as_of)

    def records(self) -> list[dict[str, object]]:
        """One dict per row with la_code, la_name and as_of first, for JSON and CSV."""
        frame = self.table.with_columns(
            la_code=pl.lit(self.council.code),
            la_name=pl.lit(self.council.name),
            as_of=pl.lit(self.as_of.isoformat()),
        )
        first = ["la_code", "la_name", "as_of"]
        if self.breakdown is Breakdown.COUNCIL:
            frame = frame.drop("area_code", "area_name")
        else:
            frame = frame.rename(
                {"area_code": f"{self.breakdown}_code", "area_name": self.breakdown.value}
            )
            first += [f"{self.breakdown}_code", self.breakdown.value]
        rest = [c for c in frame.columns if c not in first]
        return frame.select(first + rest).to_dicts()


def _precedence_sql(order: tuple[str, ...]) -> str:
    cases = " ".join(f"WHEN '{source}' THEN {i}" for i, source in enumerate(order))
    return f"CASE r.source_id {cases} END"


def chosen_releases(
    store: Store,
    as_of: date,
    order: tuple[str, ...],
    *,
    with_ratings: bool,
    la_code: str | None = None,
) -> pl.DataFrame:
    """Per council, the latest release on or before `as_of` covering it, ties by precedence.

    One row per council (or only `la_code`): la_code, release_id, source_id,
    source_title, release_date, licence, file_name.
    """
    rating_clause = (
        "AND EXISTS (SELECT 1 FROM rating x WHERE x.release_id = r.release_id)"
        if with_ratings
        else ""
    )
    council_clause = "AND c.la_code = ?" if la_code is not None else ""
    sources = ", ".join(f"'{s}'" for s in order)
    params: list[object] = [as_of] + ([la_code] if la_code is not None else [])
    return store.query(
        f"""
        SELECT c.la_code, r.release_id, r.source_id, r.source_title, r.release_date,
               r.licence, r.file_name
        FROM release r JOIN release_coverage c USING (release_id)
        WHERE r.release_date <= ? {council_clause} AND r.source_id IN ({sources})
        {rating_clause}
        QUALIFY row_number() OVER (
            PARTITION BY c.la_code
            ORDER BY r.release_date DESC, {_precedence_sql(order)}, r.loaded_at DESC) = 1
        """,
        params,
    )


# A location is counted when it is adult social care, not dormant and not deregistered by
# the date; a dual-registered pair counts once, under its primary id.
COUNT_ID = (
    "CASE WHEN l.dual_registered AND l.primary_id IS NOT NULL THEN l.primary_id "
    "ELSE l.location_id END"
)


def counted_on(day: str) -> str:
    """The SQL condition on `location l` for a location counted on `day` (an SQL expression)."""
    return (
        "l.adult_social_care AND NOT coalesce(l.dormant, false) "
        f"AND (l.deregistration_date IS NULL OR l.deregistration_date > {day})"
    )


def counted_locations(
    store: Store, as_of: date, directory: pl.DataFrame, ratings: pl.DataFrame
) -> pl.DataFrame:
    """One row per active adult social care location of each council, with its memberships.

    `directory` and `ratings` are `chosen_releases` frames: which release
    describes each council's locations, and which gives their ratings.
    """
    pairs = directory.select("la_code", "release_id")
    rated = ratings.select("la_code", pl.col("release_id").alias("rating_release_id"))
    return store.query(
        """
        WITH chosen AS (SELECT * FROM chosen_pairs),
        located AS (
            SELECT l.release_id, l.la_code, l.location_id, l.provider_id, l.beds, l.postcode,
                   l.name, l.care_home, l.latitude, l.longitude, """
        + COUNT_ID
        + """ AS count_id
            FROM location l JOIN chosen c ON l.release_id = c.release_id AND l.la_code = c.la_code
            WHERE """
        + counted_on("$as_of")
        + """
        ),
        releases AS (SELECT DISTINCT release_id FROM chosen),
        sectors AS (
            SELECT s.release_id, s.location_id, list(DISTINCT s.sector) AS sectors
            FROM location_sector s JOIN releases USING (release_id) GROUP BY ALL
        ),
        groups AS (
            SELECT g.release_id, g.location_id, list(DISTINCT g.client_group) AS client_groups
            FROM location_client_group g JOIN releases USING (release_id) GROUP BY ALL
        ),
        current AS (
            SELECT l.la_code, l.location_id, x.rating, x.publication_date
            FROM located l
            JOIN rated_pairs k ON k.la_code = l.la_code
            JOIN rating x ON x.release_id = k.rating_release_id AND x.location_id = l.location_id
            WHERE x.key_question = 'overall' AND x.current
              AND (x.publication_date IS NULL OR x.publication_date <= $as_of)
            QUALIFY row_number() OVER (
                PARTITION BY l.la_code, l.location_id
                ORDER BY coalesce(x.service_group, 'Overall') = 'Overall' DESC,
                         x.publication_date DESC NULLS LAST) = 1
        )
        SELECT l.la_code, l.location_id, l.provider_id, l.beds, l.postcode, l.count_id,
               l.name, l.care_home, l.latitude, l.longitude,
               coalesce(s.sectors, []) AS sectors, coalesce(g.client_groups, []) AS client_groups,
               r.rating, r.publication_date
        FROM located l
        LEFT JOIN sectors s USING (release_id, location_id)
        LEFT JOIN groups g USING (release_id, location_id)
        LEFT JOIN current r ON r.la_code = l.la_code AND r.location_id = l.location_id
        """,
        {"as_of": as_of},
        frames={"chosen_pairs": pairs, "rated_pairs": rated},
    )


def with_areas(store: Store, council: Area, as_of: date, frame: pl.DataFrame) -> pl.DataFrame:
    """Add district_code, district_name and locality to rows with a `postcode` or an
    outward code (`postcode_district`) and perhaps a declared `locality`.

    Districts come from the full postcode where there is one, else from the
    district most of the outward code's postcodes lie in; localities from the
    council's latest locality release on or before `as_of`, by postcode
    district first, then by district; a `locality` already on the row wins.
    """
    located = frame
    if "postcode" in located.columns:
        districts = district_of_postcodes(store, located["postcode"])
        located = located.join(districts, on="postcode", how="left").with_columns(
            postcode_district=pl.col("postcode").str.split(" ").list.first()
        )
    else:
        located = located.with_columns(district_code=pl.lit(None, pl.String))
    outward = located["postcode_district"].str.to_uppercase()
    majority = district_of_outward_codes(outward)
    located = (
        located.with_columns(postcode_district=outward)
        .join(majority, on="postcode_district", how="left")
        .with_columns(district_code=pl.coalesce("district_code", "outward_district"))
        .drop("outward_district")
    )
    names = pl.DataFrame(
        [(a.code, a.name) for a in england_areas()],
        schema={"district_code": pl.String, "district_name": pl.String},
        orient="row",
    )
    located = located.join(names, on="district_code", how="left")
    localities = council_localities(store, council, as_of)
    by_district = localities.filter(pl.col("district_code").is_not_null()).select(
        "district_code", district_locality="locality"
    )
    by_outward = localities.filter(pl.col("postcode_district").is_not_null()).select(
        pl.col("postcode_district").str.to_uppercase(), pc_locality="locality"
    )
    located = located.join(by_district, on="district_code", how="left").join(
        by_outward, on="postcode_district", how="left"
    )
    declared = pl.col("locality") if "locality" in located.columns else pl.lit(None, pl.String)
    return located.with_columns(
        locality=pl.coalesce(declared, "pc_locality", "district_locality")
    ).drop("pc_locality", "district_locality")


def council_localities(store: Store, council: Area, as_of: date) -> pl.DataFrame:
    """The council's latest locality release on or before a date: locality, district_code,
    postcode_district (empty when none is loaded)."""
    return store.query(
        """
        SELECT locality, district_code, postcode_district FROM locality
        WHERE la_code = ? AND release_id = (
            SELECT l.release_id FROM locality l JOIN release r USING (release_id)
            WHERE l.la_code = ? AND r.release_date <= ?
            ORDER BY r.release_date DESC, r.loaded_at DESC LIMIT 1)
        """,
        [council.code, council.code, as_of],
    )


def _areas(
    store: Store, council: Area, as_of: date, locations: pl.DataFrame, breakdown: Breakdown
) -> pl.DataFrame:
    """Add area_code and area_name for the breakdown asked for."""
    if breakdown is Breakdown.COUNCIL:
        return locations.with_columns(
            area_code=pl.lit(council.code), area_name=pl.lit(council.name)
        )
    located = with_areas(store, council, as_of, locations)
    if breakdown is Breakdown.DISTRICT:
        return located.with_columns(
            area_code=pl.col("district_code").fill_null("unknown"),
            area_name=pl.col("district_name").fill_null("Postcode not found"),
        )
    return located.with_columns(
        area_code=pl.col("locality").fill_null("unknown"),
        area_name=pl.col("locality").fill_null("No locality declared"),
    )


def district_of_outward_codes(outward: pl.Series) -> pl.DataFrame:
    """Outward code -> the district most of its (bundled ONSPD) postcodes lie in.

    Columns postcode_district, outward_district.
    """
    wanted = outward.drop_nulls().unique()
    schema = {"postcode_district": pl.String, "outward_district": pl.String}
    letters = sorted({code[0] for code in wanted.to_list() if code[:1].isalpha()})
    if not letters:
        return pl.DataFrame(schema=schema)
    majority = pl.concat([_outward_majority(letter) for letter in letters])
    return majority.filter(pl.col("postcode_district").is_in(wanted.implode()))


@cache
def _outward_majority(letter: str) -> pl.DataFrame:
    """Every outward code of one initial letter with its majority district (computed once:
    a postcode's outward code shares its initial, so each letter's file holds all of them)."""
    # Imported here: reading the bundled directory is only needed for breakdowns.
    from caremarket.ingest.geo.postcodes import bundled_letter

    counted = (
        bundled_letter(letter)
        .with_columns(postcode_district=pl.col("postcode").str.split(" ").list.first())
        .group_by("postcode_district", "district_code")
        .agg(postcodes=pl.len())
    )
    return (
        counted.sort("postcodes", "district_code", descending=[True, False])
        .unique("postcode_district", keep="first")
        .select("postcode_district", outward_district="district_code")
    )


def district_of_postcodes(store: Store, postcodes: pl.Series) -> pl.DataFrame:
    """Postcode -> district_code, from loaded postcode releases, else the bundled ONSPD."""
    wanted = postcodes.drop_nulls().unique()
    if wanted.is_empty():
        return pl.DataFrame(schema={"postcode": pl.String, "district_code": pl.String})
    loaded = store.query(
        """
        SELECT p.postcode, arg_max(p.district_code, r.release_date) AS district_code
        FROM postcode p JOIN release r USING (release_id)
        WHERE p.postcode IN (SELECT unnest(?))
        GROUP BY p.postcode
        """,
        [wanted.to_list()],
    )
    missing = wanted.filter(~wanted.is_in(loaded["postcode"].implode()))
    if not missing.is_empty():
        # Imported here: reading the bundled directory is only needed for breakdowns.
        from caremarket.ingest.geo.postcodes import bundled_postcodes

        bundled = bundled_postcodes(missing.to_list()).select("postcode", "district_code")
        loaded = pl.concat([loaded, bundled])
    return loaded


RATING_FACTS = frozenset({Fact.OVERALL_RATINGS, Fact.KEY_QUESTION_RATINGS, Fact.SERVICE_RATINGS})


def _stored_facts(store: Store, release_ids: list[str]) -> pl.DataFrame:
    """Releases' recorded facts (release_id, la_code, fact, known, detail); derived from their
    rows for a release loaded before facts were kept."""
    recorded = store.query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'release_fact'"
    )["n"][0]
    # A store made before facts were kept, opened read-only, has no such table yet.
    found = (
        store.query(
            "SELECT release_id, la_code, fact, known, detail FROM release_fact "
            "WHERE release_id IN (SELECT unnest(?))",
            [release_ids],
        )
        if recorded
        else pl.DataFrame(schema={"release_id": pl.String, **FACT_SCHEMA})
    )
    frames = [found]
    for release_id in sorted(set(release_ids) - set(found["release_id"].to_list())):
        source = next((s for s in SOURCES if s.id == release_id.split(":", 1)[0]), None)
        if source is None:
            continue
        tables = {
            name: store.query(f"SELECT * FROM {name} WHERE release_id = ?", [release_id])
            for name in ("location", "location_sector", "location_client_group", "rating")
        }
        derived = release_facts(source, tables)
        frames.append(derived.select(pl.lit(release_id).alias("release_id"), *FACT_SCHEMA))
    return pl.concat(frames, how="vertical_relaxed")


def councils_facts(
    store: Store, directory: pl.DataFrame, ratings: pl.DataFrame
) -> dict[str, ReleaseFacts]:
    """Per council, what the releases describing its locations (and giving their ratings) tell.

    `directory` and `ratings` are `chosen_releases` frames; rating facts come
    from the ratings release when it is another one.
    """
    ids = sorted(set(directory["release_id"].to_list()) | set(ratings["release_id"].to_list()))
    stored = _stored_facts(store, ids)
    rating_facts = [f.value for f in RATING_FACTS]
    rated = dict(zip(ratings["la_code"].to_list(), ratings["release_id"].to_list(), strict=True))
    found: dict[str, ReleaseFacts] = {}
    for row in directory.to_dicts():
        code, release_id = row["la_code"], row["release_id"]
        own = stored.filter((pl.col("release_id") == release_id) & (pl.col("la_code") == code))
        rating_id = rated.get(code, release_id)
        if rating_id != release_id:
            theirs = stored.filter(
                (pl.col("release_id") == rating_id)
                & (pl.col("la_code") == code)
                & pl.col("fact").is_in(rating_facts)
            )
            own = pl.concat([own.filter(~pl.col("fact").is_in(rating_facts)), theirs])
        title = f"{row['source_title']} of {long_date(row['release_date'])}"
        known = frozenset(Fact(f) for f in own.filter(pl.col("known"))["fact"].to_list())
        details = {Fact(r["fact"]): r["detail"] for r in own.filter(~pl.col("known")).to_dicts()}
        found[code] = ReleaseFacts(title, known, details)
    return found


def location_facts(
    store: Store, directory: pl.DataFrame, ratings: pl.DataFrame, la_code: str
) -> ReleaseFacts:
    """What the releases describing one council's locations tell (see `councils_facts`)."""
    chosen = directory.filter(pl.col("la_code") == la_code)
    facts = councils_facts(store, chosen, ratings.filter(pl.col("la_code") == la_code))
    return facts.get(la_code, ReleaseFacts("", frozenset()))


def used_releases(purpose: str, frame: pl.DataFrame) -> tuple[UsedRelease, ...]:
    """The distinct releases of a frame of release rows, oldest first, for a purpose."""
    rows = frame.select(
        "release_id", "source_id", "source_title", "release_date", "licence", "file_name"
    ).unique("release_id")
    return tuple(UsedRelease(purpose, **row) for row in rows.sort("release_date").to_dicts())


def location_releases(directory: pl.DataFrame, ratings: pl.DataFrame) -> tuple[UsedRelease, ...]:
    """The releases describing locations, then those giving ratings when they differ."""
    separate = ratings.filter(~pl.col("release_id").is_in(directory["release_id"].implode()))
    return used_releases("locations", directory) + used_releases("ratings", separate)


def latest_release_date(store: Store, council: Area) -> date | None:
    """The date of the latest CQC release covering the council (None if there is none).

    Every output without an as-of date asked for uses this one.
    """
    found = store.query(
        """
        SELECT max(r.release_date) AS d FROM release r JOIN release_coverage c USING (release_id)
        WHERE r.source_id LIKE 'cqc_%' AND c.la_code = ?
        """,
        [council.code],
    )["d"][0]
    return found if isinstance(found, date) else None


def resolve_as_of(store: Store, council: Area, as_of: date | None) -> date:
    """The as-of date asked for, or the latest CQC release covering the council.

    LookupError when none is asked for and no CQC release covers the council.
    """
    if as_of is not None:
        return as_of
    latest = latest_release_date(store, council)
    if latest is None:
        raise LookupError(
            f"no CQC release covers {council.name} ({council.code}): load one with "
            "`caremarket ingest`"
        )
    return latest


def council_figures(
    store: Store,
    council: Area,
    as_of: date | None = None,
    breakdown: Breakdown = Breakdown.COUNCIL,
) -> Figures:
    """Supply and quality figures for a council as at a date (default: its latest CQC
    release); LookupError if no release covers it."""
    as_of = resolve_as_of(store, council, as_of)
    directory = chosen_releases(
        store, as_of, DIRECTORY_PRECEDENCE, with_ratings=False, la_code=council.code
    )
    if directory.is_empty():
        raise LookupError(
            f"no CQC release on or before {as_of.isoformat()} covers {council.name} "
            f"({council.code}): load one with `caremarket ingest`"
        )
    ratings = chosen_releases(
        store, as_of, RATING_PRECEDENCE, with_ratings=True, la_code=council.code
    )
    locations = counted_locations(store, as_of, directory, ratings)
    located = _areas(store, council, as_of, locations, breakdown)
    facts = location_facts(store, directory, ratings, council.code)
    table = within_release(supply_and_quality(located.select(list(LOCATION_COLUMNS)), as_of), facts)
    return Figures(council, as_of, breakdown, table, location_releases(directory, ratings), facts)


def national_figures(store: Store, as_of: date) -> pl.DataFrame:
    """Every council's figures as at a date in one pass: one row per council x sector x group."""
    directory = chosen_releases(store, as_of, DIRECTORY_PRECEDENCE, with_ratings=False)
    ratings = chosen_releases(store, as_of, RATING_PRECEDENCE, with_ratings=True)
    locations = counted_locations(store, as_of, directory, ratings)
    names = pl.DataFrame(
        [(a.code, a.name) for a in england_areas()],
        schema={"la_code": pl.String, "area_name": pl.String},
        orient="row",
    )
    located = locations.join(names, on="la_code", how="left").with_columns(
        area_code=pl.col("la_code")
    )
    table = supply_and_quality(located.select(list(LOCATION_COLUMNS)), as_of)
    facts = councils_facts(store, directory, ratings)
    parts = [
        within_release(part, facts[str(code)])
        for (code,), part in table.group_by("area_code", maintain_order=True)
        if str(code) in facts
    ]
    if not parts:
        return within_release(table, ReleaseFacts.every()).rename(
            {"area_code": "la_code", "area_name": "la_name"}
        )
    return pl.concat(parts).rename({"area_code": "la_code", "area_name": "la_name"})


def fact_known(store: Store, release_ids: list[str], la_code: str, fact: Fact) -> dict[str, bool]:
    """Per release, whether it can tell `fact` about a council (as recorded at ingest)."""
    facts = _stored_facts(store, release_ids).filter(
        (pl.col("la_code") == la_code) & (pl.col("fact") == fact.value)
    )
    known = dict(zip(facts["release_id"].to_list(), facts["known"].to_list(), strict=True))
    return {release_id: bool(known.get(release_id, False)) for release_id in release_ids}
