"""LINE Messaging API: verified webhook (one stored message per event, deduplicated by
webhookEventId), replies by reply token while it lives and by push after, quick-reply
location requests, follow/unfollow.

The router lives in `channels.line.views`; the sender in `channels.line.outbound`.
"""

from __future__ import annotations

from datetime import timedelta

from channels.base import ChannelCapabilities

CHANNEL = "line"
# LINE documents about a minute; a little less leaves time for the request itself.
REPLY_TOKEN_LIFETIME = timedelta(seconds=50)
CAPABILITIES = ChannelCapabilities(
    name=CHANNEL,
    verified_sender=True,
    can_ask_back=True,
    reply_token_lifetime=REPLY_TOKEN_LIFETIME,
)
