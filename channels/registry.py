"""Which adapter sends replies for which channel, and what each channel can do.
Adapters declare their CHANNEL name and CAPABILITIES; `triage/` asks here."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from channels import line, sms, web
from channels.base import ChannelCapabilities, Lookup, OutboundReply, SendResult
from triage.core.settings import Settings

CAPABILITIES: dict[str, ChannelCapabilities] = {
    adapter.CHANNEL: adapter.CAPABILITIES for adapter in (sms, line, web)
}
# A channel nobody declared (a stored row from a retired adapter) is treated as the
# most careful one: no threading by sender, no messages back.
UNKNOWN = ChannelCapabilities(name="unknown", verified_sender=False, can_ask_back=False)


class ReplySender(Protocol):
    def send(self, reply: OutboundReply) -> SendResult: ...


class DeliveryLookup(Protocol):
    """A provider that can say whether it has a message (Twilio's message list)."""

    def lookup(self, reply: OutboundReply, since: datetime) -> tuple[Lookup, SendResult | None]: ...


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


def lookup_for(channel: str, settings: Settings) -> DeliveryLookup | None:
    """Who can settle an unknown outcome on this channel; None: only a person can.

    LINE has no such API: a push is made safe to retry by its X-Line-Retry-Key instead,
    and a reply-token message whose answer was lost cannot be checked."""
    if channel == sms.CHANNEL:
        from channels.sms.outbound import TwilioSmsSender

        return TwilioSmsSender.from_settings(settings)
    return None


def sms_segments(text: str) -> int:
    """How many SMS segments a text costs (the coordinator's preview shows it)."""
    from channels.sms.segments import count_segments

    return count_segments(text).segments
