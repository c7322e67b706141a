"""Which adapter sends replies for which channel, and what each channel can do.
Adapters declare their CHANNEL name and CAPABILITIES; `triage/` asks here."""

from __future__ import annotations

from typing import Protocol

from channels import line, sms, web
from channels.base import ChannelCapabilities, OutboundReply, SendResult
from triage.core.settings import Settings

CAPABILITIES: dict[str, ChannelCapabilities] = {
    adapter.CHANNEL: adapter.CAPABILITIES for adapter in (sms, line, web)
}
# A channel nobody declared (a stored row from a retired adapter) is treated as the
# most careful one: no threading by sender, no messages back.
UNKNOWN = ChannelCapabilities(name="unknown", verified_sender=False, can_ask_back=False)


class ReplySender(Protocol):
    def send(self, reply: OutboundReply) -> SendResult: ...


def capabilities_of(channel: str) -> ChannelCapabilities:
    return CAPABILITIES.get(channel, UNKNOWN)


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
