"""The brokerage workflow kept in PostgreSQL: several brokers and providers at once.

Every state change runs in one transaction that first locks the request's row
(`SELECT ... FOR UPDATE`), asks the lifecycle whether the change is allowed,
writes it and appends it to the audit log: two brokers awarding the same
request at once get exactly one award, the other a clear refusal. A change
given an idempotency key answers a retry with the first answer, without doing
it twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from psycopg import Connection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from caremarket.brokerage.workflow.figures import brokerage_figures
from caremarket.brokerage.workflow.lifecycle import Action, Actor, Party, State, transition
from caremarket.brokerage.workflow.migrate import migrate
from caremarket.brokerage.workflow.need import Need, Urgency, Visit
from caremarket.brokerage.workflow.providers_file import ProviderEntry
from caremarket.brokerage.workflow.refusal import Forbidden, KeyReused, NotFound, WorkflowError
from caremarket.brokerage.workflow.who_is_asked import (
    AskingPolicy,
    Opening,
    Reach,
    Tier,
    asked_from,
    asking_policy,
    principal_within_share,
)

Row = dict[str, Any]
Con = Connection[Row]

REQUEST_FOR_PROVIDERS = (
    "request_id",
    "state",
    "postcode_district",
    "locality",
    "zone",
    "hours_per_week",
    "visits",
    "skills",
    "date_added",
    "start_by",
    "urgency",
    "funding",
    "opened_at",
)
"""What a provider may see of a request before award: district level, no person."""

CAPACITY_KINDS = ("home_care_hours", "care_home_vacancies")

NO_JIT = "-c jit=off"
"""Connection options: the workflow's queries are small, and JIT compiling them is not."""

_OPEN_WITH_PRINCIPALS = """
WITH live AS (
    SELECT r.zone, a.provider_id, a.hours_per_week
    FROM brokerage.award a JOIN brokerage.request r USING (request_id)
    WHERE a.ended_at IS NULL
), zones AS (
    SELECT zp.zone, zp.provider_id,
        coalesce(sum(l.hours_per_week) FILTER (WHERE l.provider_id = zp.provider_id), 0)
            AS principal_hours,
        coalesce(sum(l.hours_per_week), 0) AS zone_hours
    FROM brokerage.zone_principal zp LEFT JOIN live l ON l.zone = zp.zone
    GROUP BY zp.zone, zp.provider_id
)
SELECT r.request_id, r.state, r.postcode_district, r.locality, r.zone, r.hours_per_week,
    r.visits, r.skills, r.date_added, r.start_by, r.urgency, r.funding, r.opened_at,
    r.created_at, z.provider_id AS principal_id, z.principal_hours, z.zone_hours
FROM brokerage.request r LEFT JOIN zones z ON z.zone = r.zone
WHERE r.state IN ('open', 'offered')
  AND (r.postcode_district = ANY(%(districts)s) OR z.provider_id = %(me)s
       OR (%(on_framework)s AND coalesce(r.opened_at, r.created_at) <= %(framework_since)s))
ORDER BY r.request_id
"""
"""Open requests that may be open to a provider (its districts, its zones as principal, or
old enough for the whole framework), with their zone's principal and its share of the
zone's live awards; the asking rules then decide exactly."""


def plain(value: Any) -> Any:
    """A value as JSON holds it (numbers as floats, dates as ISO text)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _now() -> datetime:
    return datetime.now(UTC)


class WorkflowStore:
    """Requests, offers, awards, hand-backs, capacity and reviews in PostgreSQL."""

    def __init__(
        self,
        conninfo: str,
        *,
        max_size: int = 8,
        clock: Callable[[], datetime] = _now,
        policy: AskingPolicy | None = None,
    ) -> None:
        migrate(conninfo)
        self._clock = clock
        self.policy = policy or asking_policy()
        self._pool: ConnectionPool[Con] = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max_size,
            # JIT compiling costs a figure query ~0.4 s for ~1 ms of work: these are small queries.
            kwargs={"row_factory": dict_row, "options": NO_JIT},
            open=True,
            check=ConnectionPool.check_connection,
        )
        self._pool.wait(timeout=30)

    def close(self) -> None:
        """Close the pool."""
        self._pool.close()

    # -- the machinery every change goes through -------------------------------------------

    def _once(
        self, actor: Actor, key: str | None, action: str, work: Callable[[Con, datetime], Row]
    ) -> Row:
        """Run a change in one transaction, at most once per (actor, idempotency key)."""
        with self._pool.connection() as con, con.transaction():
            if key:
                fresh = con.execute(
                    "INSERT INTO brokerage.idempotency_key (actor, key, action) "
                    "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                    (actor.name, key, action),
                ).fetchone()
                if fresh is None:
                    first = con.execute(
                        "SELECT action, response FROM brokerage.idempotency_key "
                        "WHERE actor = %s AND key = %s",
                        (actor.name, key),
                    ).fetchone()
                    if first is None or first["action"] != action:
                        raise KeyReused(
                            f"the idempotency key {key!r} was already used for "
                            f"{first['action'] if first else 'another step'}: use a new key"
                        )
                    replay: Row = dict(first["response"] or {})
                    replay["replayed"] = True
                    return replay
            result = plain(work(con, self._clock()))
            if key:
                con.execute(
                    "UPDATE brokerage.idempotency_key SET response = %s "
                    "WHERE actor = %s AND key = %s",
                    (Jsonb(result), actor.name, key),
                )
            return dict(result)

    @staticmethod
    def _locked(con: Con, request_id: int) -> Row:
        row = con.execute(
            "SELECT * FROM brokerage.request WHERE request_id = %s FOR UPDATE", (request_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"there is no request {request_id}")
        return row

    @staticmethod
    def _audit(
        con: Con,
        at: datetime,
        actor: Actor,
        action: str,
        request_id: int | None,
        source: str | None = None,
        target: str | None = None,
        why: str = "",
        detail: Row | None = None,
    ) -> None:
        con.execute(
            "INSERT INTO brokerage.audit_log (at, request_id, actor, party, provider_id, action, "
            "from_state, to_state, why, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                at,
                request_id,
                actor.name,
                actor.party.value,
                actor.provider_id,
                action,
                source,
                target,
                why,
                Jsonb(plain(detail or {})),
            ),
        )

    def _move(
        self,
        con: Con,
        at: datetime,
        request: Row,
        action: Action,
        actor: Actor,
        why: str = "",
        detail: Row | None = None,
    ) -> State:
        """Check and make one lifecycle change of a locked request; audited."""
        change = transition(request["request_id"], State(request["state"]), action, actor, at, why)
        extra = ", opened_at = %s" if change.target is State.OPEN else ""
        params: tuple[Any, ...] = (change.target.value, at)
        if change.target is State.OPEN:
            params = (*params, at)
        con.execute(
            f"UPDATE brokerage.request SET state = %s, updated_at = %s{extra} "
            "WHERE request_id = %s",
            (*params, request["request_id"]),
        )
        self._audit(
            con,
            at,
            actor,
            action.value,
            request["request_id"],
            change.source.value,
            change.target.value,
            why,
            detail,
        )
        return change.target

    @staticmethod
    def _provider_of(actor: Actor) -> str:
        if actor.party is not Party.PROVIDER or not actor.provider_id:
            raise Forbidden("only a provider may do that")
        return actor.provider_id

    @staticmethod
    def _broker(actor: Actor) -> None:
        if actor.party is not Party.BROKER:
            raise Forbidden("only a broker may do that")

    # -- providers and zones ---------------------------------------------------------------

    def register_provider(
        self,
        provider_id: str,
        name: str,
        *,
        email: str | None = None,
        districts: Iterable[str] = (),
        on_framework: bool = True,
        rating: str | None = None,
        last_resort: bool = False,
    ) -> None:
        """Add or update a provider the council brokers with (`last_resort`: the council's
        own service, asked only when the framework has not sourced the care)."""
        with self._pool.connection() as con:
            con.execute(
                "INSERT INTO brokerage.provider (provider_id, name, email, on_framework, rating, "
                "districts, last_resort) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (provider_id) DO UPDATE "
                "SET name = excluded.name, email = excluded.email, "
                "on_framework = excluded.on_framework, rating = excluded.rating, "
                "districts = excluded.districts, last_resort = excluded.last_resort",
                (provider_id, name, email, on_framework, rating, sorted(set(districts)),
                 last_resort),
            )  # fmt: skip

    def register_providers(self, entries: Sequence[ProviderEntry]) -> int:
        """Add or update every provider of the council's file, and the zones they are principal
        provider of, in one transaction (all or nothing); how many providers."""
        with self._pool.connection() as con, con.transaction():
            for e in entries:
                con.execute(
                    "INSERT INTO brokerage.provider (provider_id, name, email, on_framework, "
                    "rating, districts, last_resort) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (provider_id) DO UPDATE SET name = excluded.name, "
                    "email = excluded.email, on_framework = excluded.on_framework, "
                    "rating = excluded.rating, districts = excluded.districts, "
                    "last_resort = excluded.last_resort",
                    (e.provider_id, e.name, e.email, e.on_framework, e.rating,
                     list(e.districts), e.last_resort),
                )  # fmt: skip
                for zone in e.principal_of:
                    con.execute(
                        "INSERT INTO brokerage.zone_principal (zone, provider_id) VALUES (%s, %s) "
                        "ON CONFLICT (zone) DO UPDATE SET provider_id = excluded.provider_id",
                        (zone, e.provider_id),
                    )
        return len(entries)

    def set_principal(self, zone: str, provider_id: str) -> None:
        """Name a zone's principal provider."""
        with self._pool.connection() as con:
            con.execute(
                "INSERT INTO brokerage.zone_principal (zone, provider_id) VALUES (%s, %s) "
                "ON CONFLICT (zone) DO UPDATE SET provider_id = excluded.provider_id",
                (zone, provider_id),
            )

    def principal_of(self, zone: str) -> str | None:
        """The zone's principal provider, if one is named."""
        with self._pool.connection() as con:
            row = con.execute(
                "SELECT provider_id FROM brokerage.zone_principal WHERE zone = %s", (zone,)
            ).fetchone()
        return None if row is None else str(row["provider_id"])

    def providers(self) -> list[Row]:
        """Every provider the council brokers with."""
        with self._pool.connection() as con:
            rows = con.execute("SELECT * FROM brokerage.provider ORDER BY provider_id").fetchall()
        return [plain(r) for r in rows]

    # -- requests --------------------------------------------------------------------------

    @staticmethod
    def _insert_request(con: Con, need: Need, at: datetime) -> int:
        wrong = need.problems()
        if wrong:
            column, expected, got = wrong[0]
            raise WorkflowError(f"{column}: expected {expected}, got {got}")
        row = con.execute(
            "INSERT INTO brokerage.request (postcode_district, locality, zone, hours_per_week, "
            "visits, skills, date_added, start_by, urgency, funding, usual_rate_gbp_per_hour, "
            "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "RETURNING request_id",
            (
                need.postcode_district,
                need.locality,
                need.zone,
                need.hours_per_week,
                Jsonb([v.as_json() for v in need.visits]),
                list(need.skills),
                need.date_added,
                need.start_by,
                need.urgency.value,
                need.funding,
                need.usual_rate_gbp_per_hour,
                at,
                at,
            ),
        ).fetchone()
        assert row is not None
        request_id = int(row["request_id"])
        if need.person_ref:
            con.execute(
                "INSERT INTO brokerage.person (request_id, person_ref, details) "
                "VALUES (%s, %s, %s)",
                (request_id, need.person_ref, Jsonb(need.person_details)),
            )
        return request_id

    def create_request(
        self, need: Need, actor: Actor, *, publish: bool = True, key: str | None = None
    ) -> Row:
        """A new request (a draft, or open when `publish`); its id and state."""
        self._broker(actor)

        def work(con: Con, at: datetime) -> Row:
            request_id = self._insert_request(con, need, at)
            self._audit(con, at, actor, "create", request_id, None, State.DRAFT.value)
            state = State.DRAFT
            if publish:
                state = self._move(con, at, self._locked(con, request_id), Action.PUBLISH, actor)
            return {"request_id": request_id, "state": state.value}

        return self._once(actor, key, "create", work)

    def import_waiting(self, needs: Sequence[Need], actor: Actor) -> list[Need]:
        """Open a request for every person waiting, all in one transaction; the needs opened.

        A person who already holds a request that was not withdrawn is skipped, so importing
        the same list again opens nothing twice.
        """
        self._broker(actor)
        opened: list[Need] = []
        with self._pool.connection() as con, con.transaction():
            # One import at a time: two reading the same list must not both open a person.
            con.execute("LOCK TABLE brokerage.person IN SHARE ROW EXCLUSIVE MODE")
            held = {
                row["person_ref"]
                for row in con.execute(
                    "SELECT p.person_ref FROM brokerage.person p JOIN brokerage.request r "
                    "USING (request_id) WHERE r.state <> 'withdrawn' AND p.person_ref = ANY(%s)",
                    ([n.person_ref for n in needs if n.person_ref],),
                ).fetchall()
            }
            at = self._clock()
            for need in needs:
                if need.person_ref is not None and need.person_ref in held:
                    continue
                if need.person_ref is not None:
                    held.add(need.person_ref)
                opened.append(need)
                request_id = self._insert_request(con, need, at)
                self._audit(con, at, actor, "create", request_id, None, State.DRAFT.value)
                self._move(
                    con,
                    at,
                    self._locked(con, request_id),
                    Action.PUBLISH,
                    actor,
                    "from the interim care list",
                )
        return opened

    def _change(
        self,
        request_id: int,
        action: Action,
        actor: Actor,
        why: str = "",
        key: str | None = None,
    ) -> Row:
        def work(con: Con, at: datetime) -> Row:
            state = self._move(con, at, self._locked(con, request_id), action, actor, why)
            return {"request_id": request_id, "state": state.value}

        return self._once(actor, key, f"{action.value}:{request_id}", work)

    def publish(self, request_id: int, actor: Actor, key: str | None = None) -> Row:
        """Open a draft request to offers."""
        return self._change(request_id, Action.PUBLISH, actor, key=key)

    def withdraw(self, request_id: int, actor: Actor, why: str, key: str | None = None) -> Row:
        """Withdraw a request no longer needed (a broker; the reason is kept)."""
        return self._change(request_id, Action.WITHDRAW, actor, why, key)

    def reopen(self, request_id: int, actor: Actor, why: str = "", key: str | None = None) -> Row:
        """Open a handed-back request to offers again."""
        return self._change(request_id, Action.REOPEN, actor, why, key)

    def start(self, request_id: int, actor: Actor, key: str | None = None) -> Row:
        """Record that the awarded care has started (the broker, or the awarded provider)."""

        def work(con: Con, at: datetime) -> Row:
            request = self._locked(con, request_id)
            if actor.party is Party.PROVIDER:
                self._live_award(con, request_id, self._provider_of(actor))
            state = self._move(con, at, request, Action.START, actor)
            return {"request_id": request_id, "state": state.value}

        return self._once(actor, key, f"start:{request_id}", work)

    # -- offers and awards -----------------------------------------------------------------

    def _opening(self, con: Con, request: Row) -> Opening:
        zone = request["zone"]
        principal = con.execute(
            "SELECT provider_id FROM brokerage.zone_principal WHERE zone = %s", (zone,)
        ).fetchone()
        principal_id = principal["provider_id"] if principal else None
        within = False
        if principal_id is not None:
            hours = con.execute(
                "SELECT coalesce(sum(a.hours_per_week) FILTER (WHERE a.provider_id = %s), 0) "
                "AS principal, coalesce(sum(a.hours_per_week), 0) AS zone "
                "FROM brokerage.award a JOIN brokerage.request r USING (request_id) "
                "WHERE a.ended_at IS NULL AND r.zone = %s",
                (principal_id, zone),
            ).fetchone()
            assert hours is not None
            within = principal_within_share(
                float(hours["principal"]),
                float(hours["zone"]),
                self.policy.principal_share,
            )
        return Opening(
            request["postcode_district"],
            Urgency(request["urgency"]),
            request["opened_at"] or request["created_at"],
            principal_id,
            within,
        )

    @staticmethod
    def _reach(con: Con, provider_id: str) -> Reach:
        provider = con.execute(
            "SELECT p.on_framework, p.districts, p.last_resort, "
            "(SELECT coalesce(jsonb_object_agg(c.area, c.amount), '{}') "
            "FROM (SELECT DISTINCT ON (area) area, amount FROM brokerage.capacity "
            "WHERE provider_id = p.provider_id AND kind = 'home_care_hours' "
            "ORDER BY area, declared_at DESC, capacity_id DESC) c) "
            "AS spare FROM brokerage.provider p WHERE p.provider_id = %s",
            (provider_id,),
        ).fetchone()
        if provider is None:
            raise Forbidden(f"provider {provider_id} is not one the council brokers with")
        return Reach(
            provider_id,
            bool(provider["on_framework"]),
            frozenset(provider["districts"]),
            {area: float(amount) for area, amount in provider["spare"].items()},
            bool(provider["last_resort"]),
        )

    def _asked(self, con: Con, request: Row, provider_id: str, at: datetime) -> Tier | None:
        found = asked_from(self._reach(con, provider_id), self._opening(con, request), self.policy)
        if found is None or found[1] > at:
            return None
        return found[0]

    def make_offer(
        self,
        request_id: int,
        actor: Actor,
        *,
        start_date: date,
        rate_gbp_per_hour: float,
        visits_covered: Sequence[int] | None = None,
        notes: str = "",
        key: str | None = None,
    ) -> Row:
        """A provider's offer for an open request it is asked about; the offer's id."""
        provider_id = self._provider_of(actor)
        if not 0 < round(rate_gbp_per_hour, 2) < 1000:
            raise WorkflowError(
                f"rate_gbp_per_hour: expected pounds an hour above 0, got {rate_gbp_per_hour}"
            )

        def work(con: Con, at: datetime) -> Row:
            request = self._locked(con, request_id)
            transition(request_id, State(request["state"]), Action.OFFER, actor, at)
            tier = self._asked(con, request, provider_id, at)
            if tier is None:
                raise Forbidden(
                    f"request {request_id} is not open to offers from provider {provider_id} yet"
                )
            if visits_covered is not None:
                count = len(request["visits"])
                wrong = [v for v in visits_covered if not 0 <= v < count]
                if wrong or not visits_covered:
                    raise WorkflowError(
                        f"visits_covered: expected visit numbers from 0 to {count - 1}, "
                        f"got {list(visits_covered)}"
                    )
            offer = con.execute(
                "INSERT INTO brokerage.offer (request_id, provider_id, start_date, "
                "rate_gbp_per_hour, visits_covered, notes, made_at, made_by) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING offer_id",
                (
                    request_id,
                    provider_id,
                    start_date,
                    rate_gbp_per_hour,
                    sorted(set(visits_covered)) if visits_covered is not None else None,
                    notes,
                    at,
                    actor.name,
                ),
            ).fetchone()
            assert offer is not None
            detail = {"offer_id": offer["offer_id"], "rate_gbp_per_hour": rate_gbp_per_hour,
                      "tier": tier.value}  # fmt: skip
            state = self._move(con, at, request, Action.OFFER, actor, "", detail)
            return {"request_id": request_id, "offer_id": offer["offer_id"], "state": state.value}

        return self._once(actor, key, f"offer:{request_id}", work)

    def award(
        self, request_id: int, offer_id: int, actor: Actor, why: str = "", key: str | None = None
    ) -> Row:
        """Award a request to one of its offers: exactly one award however many brokers try."""
        self._broker(actor)

        def work(con: Con, at: datetime) -> Row:
            request = self._locked(con, request_id)
            transition(request_id, State(request["state"]), Action.AWARD, actor, at)
            offer = con.execute(
                "SELECT * FROM brokerage.offer WHERE offer_id = %s AND request_id = %s",
                (offer_id, request_id),
            ).fetchone()
            if offer is None:
                raise NotFound(f"request {request_id} has no offer {offer_id}")
            if offer["status"] != "made":
                raise WorkflowError(f"offer {offer_id} was {offer['status'].replace('_', ' ')}")
            award = con.execute(
                "INSERT INTO brokerage.award (request_id, offer_id, provider_id, hours_per_week, "
                "awarded_at, awarded_by) VALUES (%s, %s, %s, %s, %s, %s) RETURNING award_id",
                (
                    request_id,
                    offer_id,
                    offer["provider_id"],
                    request["hours_per_week"],
                    at,
                    actor.name,
                ),
            ).fetchone()
            assert award is not None
            con.execute(
                "UPDATE brokerage.offer SET status = CASE WHEN offer_id = %s THEN 'accepted' "
                "ELSE 'not_chosen' END WHERE request_id = %s AND status = 'made'",
                (offer_id, request_id),
            )
            detail = {"offer_id": offer_id, "award_id": award["award_id"],
                      "provider_id": offer["provider_id"],
                      "hours_per_week": request["hours_per_week"]}  # fmt: skip
            state = self._move(con, at, request, Action.AWARD, actor, why, detail)
            return {
                "request_id": request_id,
                "award_id": award["award_id"],
                "provider_id": offer["provider_id"],
                "state": state.value,
            }

        return self._once(actor, key, f"award:{request_id}", work)

    @staticmethod
    def _live_award(con: Con, request_id: int, provider_id: str) -> Row:
        award = con.execute(
            "SELECT * FROM brokerage.award WHERE request_id = %s AND ended_at IS NULL",
            (request_id,),
        ).fetchone()
        if award is None or award["provider_id"] != provider_id:
            raise Forbidden(f"request {request_id} is not awarded to provider {provider_id}")
        return award

    def hand_back(
        self,
        request_id: int,
        actor: Actor,
        *,
        reason: str,
        notice_date: date,
        key: str | None = None,
    ) -> Row:
        """The awarded provider hands a package back, with a reason and a notice date."""
        provider_id = self._provider_of(actor)
        if not reason.strip():
            raise WorkflowError("reason: expected why the package is handed back, got nothing")

        def work(con: Con, at: datetime) -> Row:
            request = self._locked(con, request_id)
            award = self._live_award(con, request_id, provider_id)
            if notice_date < at.date():
                raise WorkflowError(
                    f"notice_date: expected today or later, got {notice_date.isoformat()}"
                )
            con.execute(
                "UPDATE brokerage.award SET ended_at = %s WHERE award_id = %s",
                (at, award["award_id"]),
            )
            con.execute(
                "INSERT INTO brokerage.hand_back (award_id, request_id, provider_id, reason, "
                "notice_date, at) VALUES (%s, %s, %s, %s, %s, %s)",
                (award["award_id"], request_id, provider_id, reason, notice_date, at),
            )
            detail = {"award_id": award["award_id"], "notice_date": notice_date,
                      "hours_per_week": award["hours_per_week"]}  # fmt: skip
            state = self._move(con, at, request, Action.HAND_BACK, actor, reason, detail)
            return {"request_id": request_id, "state": state.value}

        return self._once(actor, key, f"hand_back:{request_id}", work)

    # -- capacity and reviews --------------------------------------------------------------

    def declare_capacity(
        self, actor: Actor, kind: str, area: str, amount: float, key: str | None = None
    ) -> Row:
        """A provider declares spare capacity: home-care hours in a district, or vacancies."""
        provider_id = self._provider_of(actor)
        if kind not in CAPACITY_KINDS:
            raise WorkflowError(f"kind: expected one of {', '.join(CAPACITY_KINDS)}, got {kind}")
        if not 0 <= amount <= 10_000:
            raise WorkflowError(f"amount: expected 0 to 10,000, got {amount}")

        def work(con: Con, at: datetime) -> Row:
            row = con.execute(
                "INSERT INTO brokerage.capacity (provider_id, kind, area, amount, declared_at) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING capacity_id",
                (provider_id, kind, area, amount, at),
            ).fetchone()
            assert row is not None
            detail = {"kind": kind, "area": area, "amount": amount}
            self._audit(con, at, actor, "declare_capacity", None, detail=detail)
            return {"capacity_id": row["capacity_id"], **detail}

        return self._once(actor, key, "declare_capacity", work)

    def submit_review(
        self,
        request_id: int,
        actor: Actor,
        *,
        hours_change: float,
        reason: str,
        key: str | None = None,
    ) -> Row:
        """The awarded provider asks for more or fewer hours, with the reason."""
        provider_id = self._provider_of(actor)
        if round(hours_change, 2) == 0 or not reason.strip():
            raise WorkflowError("a review needs hours up or down (not 0) and a reason")

        def work(con: Con, at: datetime) -> Row:
            self._locked(con, request_id)
            award = self._live_award(con, request_id, provider_id)
            row = con.execute(
                "INSERT INTO brokerage.review (award_id, request_id, provider_id, hours_change, "
                "reason, submitted_at) VALUES (%s, %s, %s, %s, %s, %s) RETURNING review_id",
                (award["award_id"], request_id, provider_id, hours_change, reason, at),
            ).fetchone()
            assert row is not None
            detail = {"review_id": row["review_id"], "hours_change": hours_change}
            self._audit(con, at, actor, "submit_review", request_id, why=reason, detail=detail)
            return {"review_id": row["review_id"], "status": "submitted"}

        return self._once(actor, key, f"review:{request_id}", work)

    def decide_review(
        self, review_id: int, actor: Actor, *, approve: bool, key: str | None = None
    ) -> Row:
        """A broker approves (hours change) or refuses a provider-led review."""
        self._broker(actor)

        def work(con: Con, at: datetime) -> Row:
            review = con.execute(
                "SELECT * FROM brokerage.review WHERE review_id = %s FOR UPDATE", (review_id,)
            ).fetchone()
            if review is None:
                raise NotFound(f"there is no review {review_id}")
            if review["status"] != "submitted":
                raise WorkflowError(f"review {review_id} was already {review['status']}")
            request = self._locked(con, review["request_id"])
            status = "approved" if approve else "refused"
            if approve:
                hours = float(request["hours_per_week"]) + float(review["hours_change"])
                if not 0 < hours <= 168:
                    raise WorkflowError(f"the review would leave {hours} hours a week")
                con.execute(
                    "UPDATE brokerage.request SET hours_per_week = %s, updated_at = %s "
                    "WHERE request_id = %s",
                    (hours, at, review["request_id"]),
                )
                con.execute(
                    "UPDATE brokerage.award SET hours_per_week = %s WHERE award_id = %s",
                    (hours, review["award_id"]),
                )
            con.execute(
                "UPDATE brokerage.review SET status = %s, decided_at = %s, decided_by = %s "
                "WHERE review_id = %s",
                (status, at, actor.name, review_id),
            )
            detail = {"review_id": review_id, "hours_change": review["hours_change"]}
            self._audit(con, at, actor, f"review_{status}", review["request_id"], detail=detail)
            return {"review_id": review_id, "status": status}

        return self._once(actor, key, f"decide_review:{review_id}", work)

    # -- reading ---------------------------------------------------------------------------

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        with self._pool.connection() as con:
            return [plain(r) for r in con.execute(sql.encode(), params).fetchall()]

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        """Rows of a read-only query (the figures' counts over the audit log)."""
        return self._rows(sql, params)

    def figures(self, *, weeks: int = 8, threshold: int | None = None) -> Row:
        """The brokerage figures as of today (see caremarket.brokerage.workflow.figures)."""
        return brokerage_figures(self.query, self._clock().date(), weeks=weeks, threshold=threshold)

    def queue(
        self,
        states: Sequence[str] = ("open", "offered", "handed_back"),
        *,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Row]:
        """The brokers' queue: requests in these states, most urgent and oldest first (a page)."""
        return self._rows(
            "SELECT r.request_id, r.state, r.postcode_district, r.locality, r.zone, "
            "r.hours_per_week, r.urgency, r.start_by, r.date_added, r.opened_at, "
            "r.hard_to_serve, "
            "coalesce(o.offers, 0) AS offers "
            "FROM brokerage.request r LEFT JOIN (SELECT request_id, count(*) AS offers "
            "FROM brokerage.offer WHERE status = 'made' GROUP BY request_id) o USING (request_id) "
            "WHERE r.state = ANY(%s) "
            "ORDER BY r.urgency = 'hospital_discharge' DESC, r.urgency = 'urgent' DESC, "
            "r.start_by NULLS LAST, r.request_id LIMIT %s OFFSET %s",
            (list(states), limit, offset),
        )

    def record_fit(self, request_id: int, hard_to_serve: bool) -> bool:
        """Record where the request's package fits as the brokers saw it; whether it changed."""
        with self._pool.connection() as con:
            changed = con.execute(
                "UPDATE brokerage.request SET hard_to_serve = %s, fit_checked_at = %s "
                "WHERE request_id = %s AND hard_to_serve IS DISTINCT FROM %s",
                (hard_to_serve, self._clock(), request_id, hard_to_serve),
            ).rowcount
        return bool(changed)

    def request(self, request_id: int, actor: Actor) -> Row:
        """One request as the actor may see it: all for a broker; district level for a
        provider asked about it or holding an offer or award on it (NotFound otherwise)."""
        with self._pool.connection() as con:
            row = con.execute(
                "SELECT * FROM brokerage.request WHERE request_id = %s", (request_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"there is no request {request_id}")
            if actor.party is Party.BROKER:
                return dict(plain(row))
            provider_id = self._provider_of(actor)
            involved = con.execute(
                "SELECT 1 FROM brokerage.offer WHERE request_id = %s AND provider_id = %s",
                (request_id, provider_id),
            ).fetchone()
            asked = row["state"] in ("open", "offered") and (
                self._asked(con, row, provider_id, self._clock()) is not None
            )
            if not (involved or asked):
                raise NotFound(f"there is no request {request_id} open to you")
            return dict(plain({k: row[k] for k in REQUEST_FOR_PROVIDERS}))

    def open_for(self, provider_id: str) -> list[Row]:
        """The open requests a provider is asked about now, at district level, with the tier."""
        at = self._clock()
        shown: list[Row] = []
        with self._pool.connection() as con:
            reach = self._reach(con, provider_id)
            if reach.last_resort:
                soonest = min(
                    self.policy.last_resort_after(u, False) for u in self.policy.district_hours
                )
            else:
                soonest = timedelta(hours=min(self.policy.district_hours.values()))
            rows = con.execute(
                _OPEN_WITH_PRINCIPALS,
                {
                    "districts": [] if reach.last_resort else sorted(reach.districts),
                    "me": provider_id,
                    "on_framework": reach.on_framework or reach.last_resort,
                    "framework_since": at - soonest,
                },
            ).fetchall()
        share = self.policy.principal_share
        for row in rows:
            principal = row["principal_id"]
            opening = Opening(
                row["postcode_district"],
                Urgency(row["urgency"]),
                row["opened_at"] or row["created_at"],
                principal,
                principal is not None
                and principal_within_share(
                    float(row["principal_hours"]), float(row["zone_hours"]), share
                ),
            )
            found = asked_from(reach, opening, self.policy)
            if found is not None and found[1] <= at:
                shown.append({**{k: row[k] for k in REQUEST_FOR_PROVIDERS}, "tier": found[0].value})
        return [plain(r) for r in shown]

    def asked_now(self) -> list[tuple[Row, Row, Tier]]:
        """(request at district level, provider, tier) for every provider asked now."""
        pairs: list[tuple[Row, Row, Tier]] = []
        for provider in self.providers():
            for request in self.open_for(provider["provider_id"]):
                pairs.append((request, provider, Tier(request["tier"])))
        return pairs

    def record_notice(self, request_id: int, provider_id: str, tier: Tier, channel: str) -> bool:
        """Record a notice as sent; False if it already was (by this or another process)."""
        with self._pool.connection() as con:
            row = con.execute(
                "INSERT INTO brokerage.notification (request_id, provider_id, tier, channel, at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING notification_id",
                (request_id, provider_id, tier.value, channel, self._clock()),
            ).fetchone()
            return row is not None

    def forget_notice(self, request_id: int, provider_id: str, tier: Tier, channel: str) -> None:
        """Forget a notice that could not be sent, so it is tried again."""
        with self._pool.connection() as con:
            con.execute(
                "DELETE FROM brokerage.notification WHERE request_id = %s AND provider_id = %s "
                "AND tier = %s AND channel = %s",
                (request_id, provider_id, tier.value, channel),
            )

    def notices(self, provider_id: str | None = None) -> list[Row]:
        """The notices recorded as sent."""
        return self._rows(
            "SELECT * FROM brokerage.notification WHERE %s::text IS NULL OR provider_id = %s "
            "ORDER BY notification_id",
            (provider_id, provider_id),
        )

    def offers(self, request_id: int, actor: Actor) -> list[Row]:
        """A request's offers: all for a broker (with the provider's rating), a provider's own."""
        sql = (
            "SELECT o.*, p.name AS provider_name, p.rating AS provider_rating "
            "FROM brokerage.offer o JOIN brokerage.provider p USING (provider_id) "
            "WHERE o.request_id = %s"
        )
        if actor.party is Party.BROKER:
            return self._rows(sql + " ORDER BY o.offer_id", (request_id,))
        provider_id = self._provider_of(actor)
        return self._rows(
            sql + " AND o.provider_id = %s ORDER BY o.offer_id", (request_id, provider_id)
        )

    def offers_of(self, provider_id: str) -> list[Row]:
        """Every offer a provider has made."""
        return self._rows(
            "SELECT * FROM brokerage.offer WHERE provider_id = %s ORDER BY offer_id",
            (provider_id,),
        )

    def awards_of(self, provider_id: str) -> list[Row]:
        """A provider's awards (live and ended), with the request's district-level details."""
        return self._rows(
            "SELECT a.*, r.postcode_district, r.state, r.visits, r.start_by "
            "FROM brokerage.award a JOIN brokerage.request r USING (request_id) "
            "WHERE a.provider_id = %s ORDER BY a.award_id",
            (provider_id,),
        )

    def person(self, request_id: int, actor: Actor) -> Row:
        """Who the person is: for brokers, and for the provider holding the live award."""
        with self._pool.connection() as con:
            if actor.party is not Party.BROKER:
                self._live_award(con, request_id, self._provider_of(actor))
            row = con.execute(
                "SELECT * FROM brokerage.person WHERE request_id = %s", (request_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"request {request_id} has no person recorded")
            self._audit(con, self._clock(), actor, "person_viewed", request_id)
            return dict(plain(row))

    def capacity(self, provider_id: str | None = None) -> list[Row]:
        """The latest capacity each provider declared, per kind and area."""
        return self._rows(
            "SELECT DISTINCT ON (provider_id, kind, area) * FROM brokerage.capacity "
            "WHERE %s::text IS NULL OR provider_id = %s "
            "ORDER BY provider_id, kind, area, declared_at DESC, capacity_id DESC",
            (provider_id, provider_id),
        )

    def reviews(self, provider_id: str | None = None) -> list[Row]:
        """Provider-led reviews (a provider's own, or all for brokers)."""
        return self._rows(
            "SELECT * FROM brokerage.review WHERE %s::text IS NULL OR provider_id = %s "
            "ORDER BY review_id",
            (provider_id, provider_id),
        )

    def audit(self, request_id: int | None = None) -> list[Row]:
        """The audit log (of one request, or all), oldest first."""
        return self._rows(
            "SELECT * FROM brokerage.audit_log WHERE %s::bigint IS NULL OR request_id = %s "
            "ORDER BY event_id",
            (request_id, request_id),
        )

    def visits(self, request_id: int) -> list[Visit]:
        """A request's visit pattern."""
        rows = self._rows(
            "SELECT visits FROM brokerage.request WHERE request_id = %s", (request_id,)
        )
        if not rows:
            raise NotFound(f"there is no request {request_id}")
        return [Visit.from_json(v) for v in rows[0]["visits"]]
