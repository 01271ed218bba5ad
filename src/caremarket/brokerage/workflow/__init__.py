"""The brokerage workflow: people waiting -> requests -> offers -> awards -> hand-backs.

`lifecycle` is the pure state machine of a request; `postgres` keeps the workflow in
PostgreSQL (versioned SQL migrations in `migrations/`), several people at once.
"""
