"""The email telling a provider a request is open to its offer: district level, no person."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from caremarket.brokerage.workflow.who_is_asked import Tier

_WHY = {
    Tier.PRINCIPAL: "as the zone's principal provider, you have first refusal",
    Tier.DISTRICT: "you serve this district and have declared spare hours",
    Tier.FRAMEWORK: "it is now open to every provider on the framework",
}


def notice(
    request: dict[str, Any], tier: Tier, sender: str, recipient: str, portal_url: str
) -> EmailMessage:
    """The notification email for one request and one provider (no personal data)."""
    message = EmailMessage()
    rid = request["request_id"]
    district = request["postcode_district"]
    message["Subject"] = (
        f"Care request {rid}: {request['hours_per_week']:g} hours a week in {district}"
    )
    message["From"] = sender
    message["To"] = recipient
    start_by = request.get("start_by") or "not set"
    urgency = str(request.get("urgency", "routine")).replace("_", " ")
    message.set_content(
        f"A home care request is open to your offer: {_WHY[tier]}.\n\n"
        f"Request: {rid}\nPostcode district: {district}\n"
        f"Hours a week: {request['hours_per_week']:g}\nStart by: {start_by}\n"
        f"Urgency: {urgency}\n\n"
        f"See it and offer on the provider portal: {portal_url}/brokerage/portal\n"
    )
    return message
