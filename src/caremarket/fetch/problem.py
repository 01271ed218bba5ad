"""Why a release could not be fetched, in words a user can act on."""

from __future__ import annotations


class FetchError(Exception):
    """A listing or a download that failed; the message says what to do. Nothing was loaded."""
