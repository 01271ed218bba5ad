"""The quality early warning over the store: read rating histories once, then hand them to
`caremarket.quality` (pure) for the warning, the backtest and local assessments beside CQC.

Rating rows from every CQC release are pooled into one history per location
(a rating's publication date says when it was known, whatever release
carries it); location attributes come from the latest release describing the
location on or before the as-of date, else the first one after it.
"""

from __future__ import annotations

from datetime import date

from caremarket.domain.area import Area
from caremarket.figures import chosen_releases
from caremarket.ingest.sources import DIRECTORY_PRECEDENCE
from caremarket.quality import Histories, Warning, prepare, warn, warning_parameters
from caremarket.quality.assessments import AssessedQuality, beside_cqc
from caremarket.quality.backtest import BacktestResult, month_steps, run_backtest
from caremarket.store.store import Store


def _table_exists(store: Store, table: str) -> bool:
    found = store.query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?", [table]
    )
    return bool(found["n"][0])


def _has_column(store: Store, table: str, column: str) -> bool:
    found = store.query(
        "SELECT count(*) AS n FROM information_schema.columns "
        "WHERE table_name = ? AND column_name = ?",
        [table, column],
    )
    return bool(found["n"][0])


def read_histories(store: Store, as_of: date | None = None) -> Histories:
    """Every loaded CQC rating, location and local assessment, the input rules applied."""
    day = as_of or date.max
    ratings = store.query(
        """
        SELECT x.location_id, x.key_question, x.rating, x.publication_date, x.inherited,
               r.release_date
        FROM rating x JOIN release r USING (release_id)
        WHERE coalesce(x.service_group, 'Overall') = 'Overall'
        """
    )
    # A store made before manager absence was kept (opened read-only) leaves it unknown.
    manager = (
        "l.registered_manager_absent, l.registered_manager_absent_date"
        if _has_column(store, "location", "registered_manager_absent_date")
        else "NULL::BOOLEAN AS registered_manager_absent, "
        "NULL::DATE AS registered_manager_absent_date"
    )
    locations = store.query(
        f"""
        WITH sectors AS (
            SELECT release_id, location_id, list(DISTINCT sector) AS sectors
            FROM location_sector GROUP BY ALL),
        groups AS (
            SELECT release_id, location_id, list(DISTINCT client_group) AS client_groups
            FROM location_client_group GROUP BY ALL)
        SELECT l.location_id, l.provider_id, l.name, l.postcode, l.la_code, l.beds,
               l.registration_date, l.deregistration_date, s.sectors, g.client_groups,
               {manager}
        FROM location l JOIN release r USING (release_id)
        LEFT JOIN sectors s USING (release_id, location_id)
        LEFT JOIN groups g USING (release_id, location_id)
        WHERE coalesce(l.adult_social_care, true)
        QUALIFY row_number() OVER (
            PARTITION BY l.location_id
            ORDER BY (r.release_date <= ?) DESC,
                     CASE WHEN r.release_date <= ? THEN r.release_date END DESC,
                     r.release_date, r.loaded_at DESC) = 1
        """,
        [day, day],
    )
    assessments = None
    if _table_exists(store, "local_assessment"):
        assessments = store.query(
            """
            SELECT cqc_location_id AS location_id, assessment_date, rating
            FROM local_assessment
            """
        )
    relationships = None
    if _table_exists(store, "location_relationship"):
        # CQC's links between registrations from every release, as ratings are: a link
        # counts from the later registration's date, so a later release tells nothing early.
        relationships = store.query(
            """
            SELECT DISTINCT location_id, related_location_id, relationship, reason
            FROM location_relationship
            """
        )
    return prepare(
        ratings,
        locations,
        assessments,
        gap_months=warning_parameters().history_gap_months,
        relationships=relationships,
    )


def council_scope(store: Store, council: Area, as_of: date) -> list[str]:
    """The council's active adult social care locations in the release describing it at the date.

    When no release precedes the date, the first release covering the council is used
    (the features still read nothing published after the date).
    """
    chosen = chosen_releases(
        store, as_of, DIRECTORY_PRECEDENCE, with_ratings=False, la_code=council.code
    )
    if chosen.is_empty():
        chosen = chosen_releases(
            store, date.max, DIRECTORY_PRECEDENCE, with_ratings=False, la_code=council.code
        )
    if chosen.is_empty():
        return []
    rows = store.query(
        """
        SELECT location_id FROM location
        WHERE release_id = ? AND la_code = ? AND coalesce(adult_social_care, true)
          AND NOT coalesce(dormant, false)
          AND (deregistration_date IS NULL OR deregistration_date > ?)
        """,
        [chosen["release_id"][0], council.code, as_of],
    )
    return rows["location_id"].to_list()


def latest_rating_date(histories: Histories) -> date | None:
    """The latest publication date of a loaded overall rating."""
    found = histories.last_date
    return found if isinstance(found, date) else None


def council_warning(
    store: Store, council: Area, as_of: date | None = None, *, seed: int = 0
) -> Warning:
    """The warning for a council's services as at a date (default: the latest rating loaded).

    Learns from every loaded location's history, scores the council's.
    Raises NotEnoughHistory when the ratings loaded hold too few past outcomes.
    """
    histories = read_histories(store, as_of)
    day = as_of or latest_rating_date(histories) or date.today()
    scope = council_scope(store, council, day)
    return warn(histories, day, warning_parameters(), scope=scope, seed=seed)


def backtest(
    store: Store,
    start: date | None = None,
    end: date | None = None,
    *,
    step_months: int = 6,
    replicates: int = 1000,
    boosted: bool = False,
    seed: int = 0,
) -> tuple[BacktestResult, Histories]:
    """The backtest over cut-offs every `step_months` from `start` to `end`.

    Defaults: from two years after the first loaded rating (so there is something to
    learn from) to a year before the last (so most services have a next rating).
    """
    histories = read_histories(store)
    first, last = histories.first_date, histories.last_date
    if not isinstance(first, date) or not isinstance(last, date):
        raise ValueError("no dated CQC overall ratings are loaded: load a release with ratings")
    begin = start or date(first.year + 2, 1, 1)
    finish = end or date(last.year - 1, last.month, 1)
    cutoffs = month_steps(begin, finish, step_months)
    if not cutoffs:
        raise ValueError(f"no cut-off between {begin} and {finish}")
    result = run_backtest(
        histories,
        cutoffs,
        warning_parameters(),
        seed=seed,
        replicates=replicates,
        boosted=boosted,
    )
    return result, histories


def council_assessments(store: Store, council: Area, as_of: date | None = None) -> AssessedQuality:
    """The council's services: CQC's last rating beside its own latest assessment."""
    histories = read_histories(store, as_of)
    day = as_of or latest_rating_date(histories) or date.today()
    scope = council_scope(store, council, day)
    return beside_cqc(histories, day, scope)
