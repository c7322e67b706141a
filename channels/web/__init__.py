"""The citizen web form and JSON API channel.

Web citizens read replies on their status page, so "sending" stores nothing extra.
The form lives in `channels.web.views`, the JSON API in `channels.web.api` and the
citizen's status page in `channels.web.status`.
"""

from __future__ import annotations

from channels.base import ChannelCapabilities, OutboundReply, SendResult

CHANNEL = "web"
# Web senders type their contact freely, so web messages thread only through the status
# link; replies are shown on the status page, and the form itself asks for a location.
CAPABILITIES = ChannelCapabilities(name=CHANNEL, verified_sender=False, can_ask_back=False)


class StatusPageSender:
    """Replies to web inquiries are shown on the citizen's status page."""

    def send(self, reply: OutboundReply) -> SendResult:
        return SendResult(method="status_page", status="delivered")
