"""Abuse limits for the web form and JSON API: per client IP and per sender.

The IP limit is generous on purpose: after a disaster many people share one address
(an evacuation centre's Wi-Fi, a mobile carrier's NAT: on Japanese mobile networks
hundreds of phones can leave through one IPv4 address). The client IP is the one
`triage.core.client_address` finds behind the trusted proxies, never the proxy's own.
The sender limit (a contact, or a status link for follow-ups) is tighter. Limits apply
only to new messages: a retry of something already accepted is never refused, and when
Redis is unreachable the limiter lets messages through rather than lose them. SMS and
LINE webhooks are never limited here: they are verified and every message is stored.
Real overload is answered for everyone alike, with 503 (`triage.core.load_shedding`),
not with a 429 to whoever happens to be counted.

Both limits are settings (`TRIAGE_RATE_LIMIT_PER_IP`, `TRIAGE_RATE_LIMIT_PER_SENDER`,
in the `limits` syntax "600/minute;6000/hour") so an operator can raise them for a known
shared address or a load test without turning the protection off.

All the windows of a batch of messages are counted in one round trip
(`triage.core.rate_windows`); the keys hold a keyed hash of the IP and the sender, never
the phone number or status link itself.
"""

from __future__ import annotations

import logging
import secrets

import redis
from limits import RateLimitItem, parse_many

from triage.core.rate_windows import RateWindows, rate_key_secret
from triage.core.settings import Settings

log = logging.getLogger(__name__)

# The defaults of TRIAGE_RATE_LIMIT_PER_IP and TRIAGE_RATE_LIMIT_PER_SENDER.
DEFAULT_PER_IP = Settings.model_fields["rate_limit_per_ip"].default
DEFAULT_PER_SENDER = Settings.model_fields["rate_limit_per_sender"].default


class InquiryRateLimiter:
    def __init__(
        self,
        connection: redis.Redis,
        *,
        secret: bytes | None = None,
        per_ip: str = DEFAULT_PER_IP,
        per_sender: str = DEFAULT_PER_SENDER,
    ) -> None:
        # Without the service's secret (`for_settings`) the key is this limiter's own,
        # and so are its windows: fine for a test, not for replicas that must share.
        self._windows = RateWindows(connection, secret=secret or secrets.token_bytes(32))
        self._per_ip: list[RateLimitItem] = parse_many(per_ip)
        self._per_sender: list[RateLimitItem] = parse_many(per_sender)

    @classmethod
    def for_settings(cls, connection: redis.Redis, settings: Settings) -> InquiryRateLimiter:
        return cls(
            connection,
            secret=rate_key_secret(settings),
            per_ip=settings.rate_limit_per_ip,
            per_sender=settings.rate_limit_per_sender,
        )

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
                checks += [(item, self._windows.key(item, "ip", ip)) for item in self._per_ip]
            if sender:
                key = sender.strip().lower()
                checks += [
                    (item, self._windows.key(item, "sender", key)) for item in self._per_sender
                ]
            per_message.append(checks)
        every_check = [check for checks in per_message for check in checks]
        if not every_check:
            return [None] * len(messages)
        try:
            counts = iter(self._windows.count(every_check))
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
