"""Which adapter sends replies for which channel. Adapters register by their CHANNEL name."""

from __future__ import annotations

from typing import Protocol

from channels import web
from channels.base import OutboundReply, SendResult
from triage.settings import Settings


class ReplySender(Protocol):
    def send(self, reply: OutboundReply) -> SendResult: ...


def sender_for(channel: str, settings: Settings) -> ReplySender:
    if channel == web.CHANNEL:
        return web.StatusPageSender()
    raise LookupError(f"no reply sender for channel {channel!r}")
