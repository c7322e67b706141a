"""SMS through Twilio: inbound webhook (verified, deduplicated by MessageSid), replies
through the REST API from the outbound queue, delivery status callbacks, STOP/START/HELP.

The router lives in `channels.sms.views`; the sender in `channels.sms.outbound`.
"""

from __future__ import annotations

from channels.base import ChannelCapabilities

CHANNEL = "sms"
CAPABILITIES = ChannelCapabilities(name=CHANNEL, verified_sender=True, can_ask_back=True)
