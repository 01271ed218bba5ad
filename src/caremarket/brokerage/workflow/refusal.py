"""Why the workflow refuses a step: each a sentence for the person who asked."""

from __future__ import annotations


class WorkflowError(Exception):
    """A workflow step that cannot be done, in one sentence for the person who asked."""


class NotFound(WorkflowError):
    """There is no such request, offer or review (or the asker may not know of it)."""


class Forbidden(WorkflowError):
    """The asker may not do this (another provider's offer, a person before award...)."""


class KeyReused(WorkflowError):
    """An idempotency key already used for a different step."""
