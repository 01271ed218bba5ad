"""What a release can tell about each council it covers: derived once, from its rows.

A fact is known for a council when the release's source can carry it (its
declaration, `Source.carries`) and the release's rows for that council do
carry it (beds filled in for its care homes, client groups listed, ...). The
pipeline stores the result with the release; figures, metrics, the report and
the web tool ask it. The same function re-derives the facts of a release
loaded before they were recorded.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from caremarket.domain.release import Source
from caremarket.domain.release_fact import Fact
from caremarket.domain.sector import Sector

FACT_SCHEMA = {"la_code": pl.String, "fact": pl.String, "known": pl.Boolean, "detail": pl.String}
_CARE_HOME_PARTS = [Sector.CARE_HOME_NURSING.value, Sector.CARE_HOME_RESIDENTIAL.value]


def _of(tables: Mapping[str, pl.DataFrame], name: str, ids: pl.Series) -> pl.DataFrame:
    frame = tables.get(name)
    if frame is None or "location_id" not in frame.columns:
        return pl.DataFrame(schema={"location_id": pl.String})
    return frame.filter(pl.col("location_id").is_in(ids.implode()))


def _placed(located: pl.DataFrame) -> int:
    """Locations with a postcode or both coordinates."""
    has = pl.lit(False)
    if "postcode" in located.columns:
        has = has | pl.col("postcode").is_not_null()
    if {"latitude", "longitude"} <= set(located.columns):
        has = has | (pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null())
    return int(located.select(has.sum()).item())


def _council_facts(
    source: Source, located: pl.DataFrame, tables: Mapping[str, pl.DataFrame]
) -> list[tuple[Fact, bool, str]]:
    """(fact, known, detail) for one council's adult social care locations."""
    ids = located["location_id"]
    total = located.height
    sectors = _of(tables, "location_sector", ids)
    groups = _of(tables, "location_client_group", ids)
    ratings = _of(tables, "rating", ids)
    care_home = located["care_home"].fill_null(False) if "care_home" in located.columns else None
    homes = located.filter(care_home) if care_home is not None else located.head(0)

    def column_filled(name: str, frame: pl.DataFrame = located) -> int:
        return int(frame[name].is_not_null().sum()) if name in frame.columns else 0

    split = sectors.filter(pl.col("sector").is_in(_CARE_HOME_PARTS))["location_id"].n_unique()
    beds = column_filled("beds", homes)
    placed = _placed(located)
    beyond = total - homes.height
    key_questions = (
        ratings.filter(pl.col("key_question") != "overall")["location_id"].n_unique()
        if ratings.height
        else 0
    )
    by_service = (
        ratings.filter(
            pl.col("service_group").is_not_null() & (pl.col("service_group") != "Overall")
        )["location_id"].n_unique()
        if ratings.height and "service_group" in ratings.columns
        else 0
    )
    overall = (
        ratings.filter(pl.col("key_question") == "overall")["location_id"].n_unique()
        if ratings.height
        else 0
    )
    # (fact, rows carrying it, rows it could be carried by): known when some carry it,
    # or when nothing could (no care homes: no beds to give).
    counts: dict[Fact, tuple[int, int]] = {
        Fact.SERVICE_TYPES: (sectors["location_id"].n_unique(), total),
        Fact.SERVICE_GROUPS: (sectors["location_id"].n_unique(), total),
        Fact.SERVICES_BEYOND_CARE_HOMES: (beyond, total),
        Fact.NURSING_SPLIT: (split, homes.height),
        Fact.BEDS: (beds, homes.height),
        Fact.CLIENT_GROUPS: (groups["location_id"].n_unique(), total),
        Fact.POSITIONS: (placed, total),
        Fact.OVERALL_RATINGS: (overall, total),
        Fact.KEY_QUESTION_RATINGS: (key_questions, total),
        Fact.SERVICE_RATINGS: (by_service, total),
        Fact.REGISTRATION_DATES: (column_filled("registration_date"), total),
    }
    found: list[tuple[Fact, bool, str]] = []
    for fact, (carrying, of) in counts.items():
        if fact not in source.carries:
            found.append((fact, False, "not in this kind of release"))
        elif fact is Fact.SERVICES_BEYOND_CARE_HOMES and not carrying:
            found.append((fact, False, "it lists care homes only"))
        elif of and not carrying:
            found.append((fact, False, f"none of its {of:,} locations has it"))
        else:
            found.append((fact, True, f"{carrying:,} of {of:,} locations"))
    return found


def release_facts(source: Source, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per council x fact: la_code, fact, known, detail (empty without locations)."""
    locations = tables.get("location")
    if not source.carries or locations is None or "la_code" not in locations.columns:
        return pl.DataFrame(schema=FACT_SCHEMA)
    social = (
        locations.filter(pl.col("adult_social_care").fill_null(False))
        if "adult_social_care" in locations.columns
        else locations
    )
    rows: list[tuple[str, str, bool, str]] = []
    for la_code in sorted(locations["la_code"].drop_nulls().unique().to_list()):
        located = social.filter(pl.col("la_code") == la_code)
        rows += [
            (la_code, fact.value, known, detail)
            for fact, known, detail in _council_facts(source, located, tables)
        ]
    return pl.DataFrame(rows, schema=FACT_SCHEMA, orient="row")
