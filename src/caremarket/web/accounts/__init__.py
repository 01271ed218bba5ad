"""Local accounts, sessions, API tokens and the audit log (kept in PostgreSQL)."""

from caremarket.web.accounts.account_store import AccountStore, AuditEvent, User
from caremarket.web.accounts.postgres import PostgresAccountStore

__all__ = ["AccountStore", "AuditEvent", "PostgresAccountStore", "User"]
