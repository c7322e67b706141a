"""The citizen web form and JSON API channel.

Web citizens read replies on their status page, so "sending" stores nothing extra.
The form's router lives in `channels.web.views`.
"""

from __future__ import annotations

from channels.base import OutboundReply, SendResult

CHANNEL = "web"


class StatusPageSender:
    """Replies to web inquiries are shown on the citizen's status page."""

    def send(self, reply: OutboundReply) -> SendResult:
        return SendResult(method="status_page", status="delivered")
