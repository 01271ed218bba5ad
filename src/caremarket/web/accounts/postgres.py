"""Accounts in PostgreSQL (psycopg 3 with a connection pool): many users write at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from caremarket.web.accounts.account_store import AuditEntry, AuditEvent, User
from caremarket.web.accounts.passwords import check_password, digest, hash_password, new_secret
from caremarket.web.viewer import Role, Viewer

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_user (
    user_id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('council', 'provider')),
    provider_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (role <> 'provider' OR provider_id IS NOT NULL)
);
CREATE TABLE IF NOT EXISTS web_session (
    session_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES web_user ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS api_token (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES web_user ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS audit_log (
    entry_id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    event TEXT NOT NULL,
    user_name TEXT,
    role TEXT NOT NULL,
    detail JSONB NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS sign_in_failure (
    key_hash TEXT PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
    failures INTEGER NOT NULL
);
"""

_USER_COLUMNS = "u.user_id, u.name, u.role, u.provider_id"


def _user(row: dict[str, Any] | None) -> User | None:
    if row is None:
        return None
    return User(row["user_id"], row["name"], Role(row["role"]), row["provider_id"])


class PostgresAccountStore:
    """The account store in a PostgreSQL database (tables created when missing)."""

    def __init__(self, conninfo: str, *, max_size: int = 8) -> None:
        # Each connection is checked as it is lent: after PostgreSQL restarts, the pool
        # replaces the broken ones instead of failing the requests that draw them.
        self._pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max_size,
            kwargs={"row_factory": dict_row},
            open=True,
            check=ConnectionPool.check_connection,
        )
        self._pool.wait(timeout=30)
        with self._pool.connection() as con:
            con.execute("SELECT pg_advisory_xact_lock(770077)")
            con.execute(SCHEMA)

    def _one(self, sql: str, params: tuple[object, ...]) -> dict[str, Any] | None:
        with self._pool.connection() as con:
            row: dict[str, Any] | None = con.execute(sql, params).fetchone()  # type: ignore[assignment]
            return row

    def _run(self, sql: str, params: tuple[object, ...]) -> None:
        with self._pool.connection() as con:
            con.execute(sql, params)

    def add_user(
        self, name: str, password: str, role: Role, provider_id: str | None = None
    ) -> User:
        """Create an account (ValueError if the name is taken or a provider lacks its id)."""
        if role is Role.PUBLIC:
            raise ValueError("the public needs no account: choose council or provider")
        if role is Role.PROVIDER and not provider_id:
            raise ValueError("a provider account needs --provider-id (its CQC provider id)")
        if len(password) < 12:
            raise ValueError("a password needs at least 12 characters")
        row = self._one(
            "INSERT INTO web_user (name, password_hash, role, provider_id) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (name) DO NOTHING RETURNING user_id, name, role, provider_id",
            (
                name,
                hash_password(password),
                role.value,
                provider_id if role is Role.PROVIDER else None,
            ),
        )
        user = _user(row)
        if user is None:
            raise ValueError(f"there is already a user called {name!r}")
        return user

    def verify_password(self, name: str, password: str) -> User | None:
        """The user if the password is right, else None."""
        row = self._one(
            f"SELECT {_USER_COLUMNS}, u.password_hash FROM web_user u WHERE u.name = %s", (name,)
        )
        if not check_password(row["password_hash"] if row else None, password):
            return None
        return _user(row)

    def has_user(self, name: str) -> bool:
        """Whether there is an account with this name."""
        return self._one("SELECT 1 AS found FROM web_user WHERE name = %s", (name,)) is not None

    def failures(self, keys: Sequence[str], minutes: int) -> dict[str, int]:
        """Failed sign-ins counted under each key in its current window of `minutes`."""
        hashed = {digest(key): key for key in keys}
        with self._pool.connection() as con:
            rows: list[dict[str, Any]] = con.execute(  # type: ignore[assignment]
                "SELECT key_hash, failures FROM sign_in_failure WHERE key_hash = ANY(%s) "
                "AND window_start > now() - make_interval(mins => %s)",
                (list(hashed), minutes),
            ).fetchall()
        found = {hashed[r["key_hash"]]: int(r["failures"]) for r in rows}
        return {key: found.get(key, 0) for key in keys}

    def count_failure(self, keys: Sequence[str], minutes: int) -> None:
        """Count one failed sign-in under each key (a window starts at its first failure)."""
        with self._pool.connection() as con:
            for key in keys:
                con.execute(
                    "INSERT INTO sign_in_failure AS f (key_hash, window_start, failures) "
                    "VALUES (%s, now(), 1) ON CONFLICT (key_hash) DO UPDATE SET "
                    "failures = CASE WHEN f.window_start > now() - make_interval(mins => %s) "
                    "THEN f.failures + 1 ELSE 1 END, "
                    "window_start = CASE WHEN f.window_start > now() - make_interval(mins => %s) "
                    "THEN f.window_start ELSE now() END",
                    (digest(key), minutes, minutes),
                )

    def forget_failures(self, keys: Sequence[str]) -> None:
        """Forget the failures counted under these keys (after a sign-in succeeds)."""
        self._run(
            "DELETE FROM sign_in_failure WHERE key_hash = ANY(%s)", ([digest(k) for k in keys],)
        )

    def create_session(self, user: User, hours: float) -> str:
        """A new session's secret id, valid for `hours`."""
        secret = new_secret()
        expires = datetime.now(UTC) + timedelta(hours=hours)
        self._run(
            "INSERT INTO web_session (session_hash, user_id, expires_at) VALUES (%s, %s, %s)",
            (digest(secret), user.user_id, expires),
        )
        return secret

    def session_user(self, session_id: str) -> User | None:
        """The user of a live session, or None."""
        return _user(
            self._one(
                f"SELECT {_USER_COLUMNS} FROM web_session s JOIN web_user u USING (user_id) "
                "WHERE s.session_hash = %s AND s.expires_at > now()",
                (digest(session_id),),
            )
        )

    def end_session(self, session_id: str) -> None:
        """End a session (sign out)."""
        self._run("DELETE FROM web_session WHERE session_hash = %s", (digest(session_id),))

    def end_sessions(self, name: str) -> int:
        """End every session of a user; how many there were."""
        with self._pool.connection() as con:
            done = con.execute(
                "DELETE FROM web_session "
                "WHERE user_id = (SELECT user_id FROM web_user WHERE name = %s)",
                (name,),
            )
            return done.rowcount

    def reset_password(self, name: str, password: str) -> int:
        """Give a user a new password and end their sessions; how many sessions ended.

        ValueError if there is no such user or the password is too short.
        """
        if len(password) < 12:
            raise ValueError("a password needs at least 12 characters")
        with self._pool.connection() as con, con.transaction():
            changed = con.execute(
                "UPDATE web_user SET password_hash = %s WHERE name = %s",
                (hash_password(password), name),
            )
            if changed.rowcount != 1:
                raise ValueError(f"no user called {name!r}")
            ended = con.execute(
                "DELETE FROM web_session "
                "WHERE user_id = (SELECT user_id FROM web_user WHERE name = %s)",
                (name,),
            )
            return ended.rowcount

    def remove_user(self, name: str) -> None:
        """Remove a user with their sessions and API tokens (ValueError if there is none).

        The audit log keeps its entries about them.
        """
        with self._pool.connection() as con:
            done = con.execute("DELETE FROM web_user WHERE name = %s", (name,))
            if done.rowcount != 1:
                raise ValueError(f"no user called {name!r}")

    def create_token(self, name: str, label: str) -> str:
        """A new API bearer token for the user (shown once; only its hash is kept)."""
        row = self._one("SELECT user_id FROM web_user WHERE name = %s", (name,))
        if row is None:
            raise ValueError(f"no user called {name!r}")
        token = new_secret("cm_")
        self._run(
            "INSERT INTO api_token (token_hash, user_id, label) VALUES (%s, %s, %s)",
            (digest(token), row["user_id"], label),
        )
        return token

    def revoke_tokens(self, name: str) -> int:
        """Revoke every API token of a user; how many there were."""
        with self._pool.connection() as con:
            done = con.execute(
                "DELETE FROM api_token "
                "WHERE user_id = (SELECT user_id FROM web_user WHERE name = %s)",
                (name,),
            )
            return done.rowcount

    def token_user(self, token: str) -> User | None:
        """The user a bearer token belongs to, or None."""
        return _user(
            self._one(
                f"SELECT {_USER_COLUMNS} FROM api_token t JOIN web_user u USING (user_id) "
                "WHERE t.token_hash = %s",
                (digest(token),),
            )
        )

    def audit(self, event: AuditEvent, viewer: Viewer, detail: dict[str, Any]) -> None:
        """Append one entry to the audit log."""
        self._run(
            "INSERT INTO audit_log (event, user_name, role, detail) VALUES (%s, %s, %s, %s)",
            (event.value, viewer.name, viewer.role.value, Jsonb(detail)),
        )

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        """The latest audit entries, newest first."""
        with self._pool.connection() as con:
            rows: list[dict[str, Any]] = con.execute(  # type: ignore[assignment]
                "SELECT at, event, user_name, role, detail FROM audit_log "
                "ORDER BY entry_id DESC LIMIT %s",
                (limit,),
            ).fetchall()
        return [
            AuditEntry(r["at"], AuditEvent(r["event"]), r["user_name"], r["role"], r["detail"])
            for r in rows
        ]

    def close(self) -> None:
        """Close the pool."""
        self._pool.close()
