"""Tell providers by email of the requests newly open to them (each notice sent once)."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

from caremarket.brokerage.workflow.notice import notice
from caremarket.brokerage.workflow.postgres import WorkflowStore


def notify_due(
    store: WorkflowStore,
    send: Callable[[EmailMessage], None],
    *,
    sender: str,
    portal_url: str,
) -> int:
    """Email every provider with an address about each request open to it and not yet told
    under that tier; how many were sent. A notice that fails to send is tried again next time."""
    sent = 0
    for request, provider, tier in store.asked_now():
        if not provider.get("email"):
            continue
        rid, pid = int(request["request_id"]), str(provider["provider_id"])
        if not store.record_notice(rid, pid, tier, "email"):
            continue
        try:
            send(notice(request, tier, sender, provider["email"], portal_url))
        except OSError:
            store.forget_notice(rid, pid, tier, "email")
            raise
        sent += 1
    return sent
