"""Abuse limits for the web form and JSON API: per client IP and per sender.

The IP limit is generous on purpose: after a disaster many people share one address
(an evacuation centre's Wi-Fi, a carrier's NAT). The sender limit (a contact, or a status
link for follow-ups) is tighter. Limits apply only to new messages: a retry of something
already accepted is never refused, and when Redis is unreachable the limiter lets
messages through rather than lose them. SMS and LINE webhooks are never limited here:
they are verified and every message is stored.

Both limits are settings (`TRIAGE_RATE_LIMIT_PER_IP`, `TRIAGE_RATE_LIMIT_PER_SENDER`,
in the `limits` syntax "60/minute;600/hour") so an operator can raise them for a known
shared address or a load test without turning the protection off.

Fixed windows, counted in the shared Redis so every API replica shares them. All the
windows of one message are counted in a single pipelined round trip (the `limits`
package's Redis storage makes one round trip per window, four for a message with a
contact; that was a fifth of the intake's CPU).
"""

from __future__ import annotations

import logging

import redis
from limits import RateLimitItem, parse_many

log = logging.getLogger(__name__)

# The defaults of TRIAGE_RATE_LIMIT_PER_IP and TRIAGE_RATE_LIMIT_PER_SENDER.
DEFAULT_PER_IP = "60/minute;600/hour"
DEFAULT_PER_SENDER = "10/minute;60/hour"
KEY_PREFIX = "triage:limit"


class InquiryRateLimiter:
    def __init__(
        self,
        connection: redis.Redis,
        *,
        per_ip: str = DEFAULT_PER_IP,
        per_sender: str = DEFAULT_PER_SENDER,
    ) -> None:
        self._redis = connection
        self._per_ip: list[RateLimitItem] = parse_many(per_ip)
        self._per_sender: list[RateLimitItem] = parse_many(per_sender)

    def retry_after(self, *, ip: str | None, sender: str | None) -> int | None:
        """Count one message; the seconds to wait when over a limit, else None."""
        return self.retry_after_many([(ip, sender)])[0]

    def retry_after_many(self, messages: list[tuple[str | None, str | None]]) -> list[int | None]:
        """Count many (ip, sender) messages in order, in one round trip; for each, the
        seconds to wait when over a limit, else None."""
        per_message: list[list[tuple[RateLimitItem, str]]] = []
        for ip, sender in messages:
            checks: list[tuple[RateLimitItem, str]] = []
            if ip:
                checks += [(item, item.key_for("ip", ip)) for item in self._per_ip]
            if sender:
                key = sender.strip().lower()
                checks += [(item, item.key_for("sender", key)) for item in self._per_sender]
            per_message.append(checks)
        every_check = [check for checks in per_message for check in checks]
        if not every_check:
            return [None] * len(messages)
        try:
            counts = iter(self._count(every_check))
        except redis.RedisError as error:
            log.warning(
                "rate limiter unavailable; letting the message through",
                extra={"error": str(error)},
            )
            return [None] * len(messages)
        results: list[int | None] = []
        for checks in per_message:
            waits = [
                max(1, ttl)
                for item, _key in checks
                for count, ttl in [next(counts)]
                if count > item.amount
            ]
            results.append(max(waits) if waits else None)
        return results

    def _count(self, checks: list[tuple[RateLimitItem, str]]) -> list[tuple[int, int]]:
        """For each window: SET NX starts it with its expiry, INCR counts, TTL says when
        it resets. One round trip for all of them, as one MULTI/EXEC: without it a key
        expiring between SET NX and INCR came back without an expiry, and that window
        then refused its IP or sender forever."""
        with self._redis.pipeline(transaction=True) as pipeline:
            for item, key in checks:
                name = f"{KEY_PREFIX}:{key}"
                pipeline.set(name, 0, ex=item.get_expiry(), nx=True)
                pipeline.incr(name)
                pipeline.ttl(name)
            replies = pipeline.execute()
        return [(int(replies[i + 1]), int(replies[i + 2])) for i in range(0, len(replies), 3)]
