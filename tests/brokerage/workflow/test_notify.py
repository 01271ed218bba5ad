"""Providers are emailed (a real local SMTP server) as each request opens to them, once."""

from __future__ import annotations

import email
from collections.abc import Iterator
from datetime import date
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from caremarket.brokerage.workflow.need import Need
from caremarket.brokerage.workflow.notify import notify_due
from caremarket.brokerage.workflow.postgres import WorkflowStore
from caremarket.brokerage.workflow.smtp import SmtpSender
from caremarket.web.accounts.cluster import free_port

from .conftest import BROKER, Clock, provider


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Keep the message."""
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, SmtpSender]]:
    """A local SMTP server on loopback and a sender pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, SmtpSender("127.0.0.1", port)
    controller.stop()


def test_principal_then_district_are_emailed_once(
    workflow: WorkflowStore, clock: Clock, smtp: tuple[Inbox, SmtpSender]
) -> None:
    """The principal is emailed at once, the district after 48 h; never twice, never a person."""
    inbox, send = smtp
    workflow.set_principal("Norwich", "1-100")
    workflow.declare_capacity(provider("1-200"), "home_care_hours", "NR1", 12)
    need = Need("NR1", 9.0, date(2026, 10, 1), zone="Norwich", person_ref="P-SECRET-9")
    rid = workflow.create_request(need, BROKER)["request_id"]
    args = {"sender": "brokerage@council.example", "portal_url": "http://127.0.0.1:8000"}
    assert notify_due(workflow, send, **args) == 1
    assert notify_due(workflow, send, **args) == 0
    clock.advance(48)
    assert notify_due(workflow, send, **args) == 1
    assert [m["To"] for m in inbox.messages] == ["alpha@example.org", "beta@example.org"]
    body = inbox.messages[0].get_payload()
    assert f"Request: {rid}" in str(body) and "NR1" in str(body)
    assert all("P-SECRET" not in m.as_string() for m in inbox.messages)
    assert {(n["provider_id"], n["tier"]) for n in workflow.notices()} == {
        ("1-100", "principal"),
        ("1-200", "district"),
    }
