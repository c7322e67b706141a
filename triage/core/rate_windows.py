"""Fixed-window counters in the shared Redis, for the abuse limits of intake and sign-in.

Windows are written in the `limits` syntax ("60/minute;600/hour") and counted in the
shared Redis, so every API replica shares them. All the windows of a check are counted
in one pipelined MULTI/EXEC (the `limits` package's own Redis storage makes one round
trip per window).

Who is counted (a phone number, an e-mail address, a status link, an IP address, an
account name) never appears in Redis: the key holds an HMAC-SHA256 of it, keyed from the
session secret (`TRIAGE_SECRET_KEY`), so Redis's append-only file does not become a list
of who wrote in. Every replica derives the same key and so shares the windows; rotating
the secret only starts the windows afresh.
"""

from __future__ import annotations

import hashlib
import hmac

import redis
from limits import RateLimitItem

from triage.core.settings import Settings

KEY_PREFIX = "triage:limit"
_KEY_LABEL = b"triage rate-limit keys v1"


def rate_key_secret(settings: Settings) -> bytes:
    """The HMAC key of the limit keys: derived from, never equal to, the session secret."""
    return hmac.new(settings.session_secret().encode(), _KEY_LABEL, hashlib.sha256).digest()


class RateWindows:
    def __init__(self, connection: redis.Redis, *, secret: bytes) -> None:
        self._redis = connection
        self._secret = secret

    def key(self, item: RateLimitItem, scope: str, identifier: str) -> str:
        """The Redis key of one window for one identifier, which it does not reveal."""
        digest = hmac.new(self._secret, identifier.encode(), hashlib.sha256).hexdigest()
        return f"{KEY_PREFIX}:{item.key_for(scope, digest)}"

    def count(self, checks: list[tuple[RateLimitItem, str]]) -> list[tuple[int, int]]:
        """Count one hit in each (window, key); for each, the count and the seconds until
        it resets. SET NX starts a window with its expiry, INCR counts, TTL says when it
        resets, all in one MULTI/EXEC: without it a key expiring between SET NX and INCR
        came back without an expiry, and that window then refused its sender forever.
        Raises `redis.RedisError`; the caller decides whether to let the request through."""
        if not checks:
            return []
        with self._redis.pipeline(transaction=True) as pipeline:
            for item, key in checks:
                pipeline.set(key, 0, ex=item.get_expiry(), nx=True)
                pipeline.incr(key)
                pipeline.ttl(key)
            replies = pipeline.execute()
        return [(int(replies[i + 1]), int(replies[i + 2])) for i in range(0, len(replies), 3)]

    def retry_after(self, checks: list[tuple[RateLimitItem, str]]) -> int | None:
        """Count one hit in each window; the seconds to wait when any is over, else None."""
        waits = [
            max(1, ttl)
            for (item, _key), (count, ttl) in zip(checks, self.count(checks), strict=True)
            if count > item.amount
        ]
        return max(waits) if waits else None
