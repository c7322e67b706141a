"""Which adapter sends replies for which channel. Adapters register by their CHANNEL name."""

from __future__ import annotations

from typing import Protocol

from channels import line, sms, web
from channels.base import OutboundReply, SendResult
from triage.settings import Settings


class ReplySender(Protocol):
    def send(self, reply: OutboundReply) -> SendResult: ...


def sender_for(channel: str, settings: Settings) -> ReplySender:
    """The sender for a channel; a channel without credentials raises PermanentSendError."""
    if channel == web.CHANNEL:
        return web.StatusPageSender()
    if channel == sms.CHANNEL:
        from channels.sms.outbound import TwilioSmsSender

        return TwilioSmsSender.from_settings(settings)
    if channel == line.CHANNEL:
        from channels.line.outbound import LineSender

        return LineSender.from_settings(settings)
    raise LookupError(f"no reply sender for channel {channel!r}")
