"""LINE Messaging API: verified webhook (one stored message per event, deduplicated by
webhookEventId), replies by reply token while it lives and by push after, quick-reply
location requests, follow/unfollow.

The router lives in `channels.line.views`; the sender in `channels.line.outbound`.
"""

from __future__ import annotations

CHANNEL = "line"
