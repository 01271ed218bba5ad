"""The small interface the web tool needs from wherever accounts are kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from caremarket.web.viewer import Role, Viewer


class AuditEvent(StrEnum):
    """What the audit log records."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    TOKEN_CREATED = "token_created"
    PERSONAL_DATA_VIEWED = "personal_data_viewed"


@dataclass(frozen=True, slots=True)
class User:
    """A local account."""

    user_id: int
    name: str
    role: Role
    provider_id: str | None

    def viewer(self) -> Viewer:
        """The viewer this user is when signed in."""
        return Viewer(self.role, self.name, self.user_id, self.provider_id)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log."""

    at: datetime
    event: AuditEvent
    user_name: str | None
    role: str
    detail: dict[str, Any]


class AccountStore(Protocol):
    """Accounts, sessions, API tokens and the audit log."""

    def add_user(
        self, name: str, password: str, role: Role, provider_id: str | None = None
    ) -> User:
        """Create an account (ValueError if the name is taken or the role lacks a provider)."""
        ...

    def verify_password(self, name: str, password: str) -> User | None:
        """The user if the password is right, else None."""
        ...

    def has_user(self, name: str) -> bool:
        """Whether there is an account with this name."""
        ...

    def failures(self, keys: Sequence[str], minutes: int) -> dict[str, int]:
        """Failed sign-ins counted under each key in its current window of `minutes`."""
        ...

    def count_failure(self, keys: Sequence[str], minutes: int) -> None:
        """Count one failed sign-in under each key (a window starts at its first failure)."""
        ...

    def forget_failures(self, keys: Sequence[str]) -> None:
        """Forget the failures counted under these keys (after a sign-in succeeds)."""
        ...

    def create_session(self, user: User, hours: float) -> str:
        """A new session's secret id, valid for `hours`."""
        ...

    def session_user(self, session_id: str) -> User | None:
        """The user of a live session, or None."""
        ...

    def end_session(self, session_id: str) -> None:
        """End a session (sign out)."""
        ...

    def end_sessions(self, name: str) -> int:
        """End every session of a user; how many there were."""
        ...

    def reset_password(self, name: str, password: str) -> int:
        """Give a user a new password and end their sessions; how many sessions ended."""
        ...

    def remove_user(self, name: str) -> None:
        """Remove a user with their sessions and API tokens (ValueError if there is none)."""
        ...

    def create_token(self, name: str, label: str) -> str:
        """A new API bearer token for the user (shown once; only its hash is kept)."""
        ...

    def revoke_tokens(self, name: str) -> int:
        """Revoke every API token of a user; how many there were."""
        ...

    def token_user(self, token: str) -> User | None:
        """The user a bearer token belongs to, or None."""
        ...

    def audit(self, event: AuditEvent, viewer: Viewer, detail: dict[str, Any]) -> None:
        """Append one entry to the audit log."""
        ...

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        """The latest audit entries, newest first."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
