"""Sending notification emails over SMTP (smtplib)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True, slots=True)
class SmtpSender:
    """An SMTP server to send through (STARTTLS and login when given)."""

    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_seconds: float = 10.0

    def __call__(self, message: EmailMessage) -> None:
        """Send one message."""
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_seconds) as server:
            if self.starttls:
                server.starttls()
            if self.username:
                server.login(self.username, self.password or "")
            server.send_message(message)
