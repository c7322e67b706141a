"""Abuse limits for the web form and JSON API: per client IP and per sender.

The IP limit is generous on purpose: after a disaster many people share one address
(an evacuation centre's Wi-Fi, a carrier's NAT). The sender limit (a contact, or a status
link for follow-ups) is tighter. Limits apply only to new messages: a retry of something
already accepted is never refused, and when Redis is unreachable the limiter lets
messages through rather than lose them. SMS and LINE webhooks are never limited here:
they are verified and every message is stored.
"""

from __future__ import annotations

import logging
import math
import time

import redis
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)

PER_IP = parse_many("60/minute;600/hour")
PER_SENDER = parse_many("10/minute;60/hour")


class InquiryRateLimiter:
    def __init__(self, storage: Storage) -> None:
        self._limiter = FixedWindowRateLimiter(storage)

    @classmethod
    def for_redis(cls, connection: redis.Redis) -> InquiryRateLimiter:
        """Counters in the runtime's Redis, so every API replica shares them."""
        return cls(RedisStorage("redis://", connection_pool=connection.connection_pool))

    @classmethod
    def in_memory(cls) -> InquiryRateLimiter:
        return cls(MemoryStorage())

    def retry_after(self, *, ip: str | None, sender: str | None) -> int | None:
        """Count one message; the seconds to wait when over a limit, else None."""
        checks: list[tuple[RateLimitItem, str, str]] = []
        if ip:
            checks += [(item, "ip", ip) for item in PER_IP]
        if sender:
            checks += [(item, "sender", sender.strip().lower()) for item in PER_SENDER]
        try:
            for item, kind, key in checks:
                if not self._limiter.hit(item, "inquiry", kind, key):
                    reset = self._limiter.get_window_stats(item, "inquiry", kind, key).reset_time
                    return max(1, math.ceil(reset - time.time()))
        except (StorageError, redis.RedisError) as error:
            log.warning(
                "rate limiter unavailable; letting the message through",
                extra={"error": str(error)},
            )
        return None
