"""Sign-in attempts are limited per account name and per client address.

Each attempt costs an argon2 computation (64 MiB, tens of milliseconds), and each is a
password guess. Attempts are counted before any hashing, in the shared Redis so every
replica counts together (`triage.core.rate_windows`, keys hashed), and an attempt over a
limit is answered 429 with Retry-After without touching the password.

The per-address limit stops one machine guessing across many accounts; the per-account
limit stops many machines guessing one account. The account limit is also what lets an
attacker who knows a name keep that person out for a while, so it is kept moderate
(`TRIAGE_LOGIN_LIMIT_PER_ACCOUNT`, default 10 a minute and 100 an hour) and the
address limit is the generous one (`TRIAGE_LOGIN_LIMIT_PER_IP`, 60 a minute: a
headquarters behind one NAT at a shift change). When Redis is unreachable sign-in goes
on unthrottled (hashing is still bounded): staff must be able to work.
"""

from __future__ import annotations

import logging

import redis
from limits import RateLimitItem, parse_many

from triage.core.rate_windows import RateWindows, rate_key_secret
from triage.core.settings import Settings

log = logging.getLogger(__name__)


class LoginThrottle:
    def __init__(
        self, connection: redis.Redis, *, secret: bytes, per_account: str, per_ip: str
    ) -> None:
        self._windows = RateWindows(connection, secret=secret)
        self._per_account: list[RateLimitItem] = parse_many(per_account)
        self._per_ip: list[RateLimitItem] = parse_many(per_ip)

    @classmethod
    def for_settings(cls, connection: redis.Redis, settings: Settings) -> LoginThrottle:
        return cls(
            connection,
            secret=rate_key_secret(settings),
            per_account=settings.login_limit_per_account,
            per_ip=settings.login_limit_per_ip,
        )

    def retry_after(self, *, account: str, address: str | None) -> int | None:
        """Count one attempt; the seconds to wait when over a limit, else None."""
        name = account.strip().lower()
        checks = [
            (item, self._windows.key(item, "login-account", name)) for item in self._per_account
        ]
        if address:
            checks += [
                (item, self._windows.key(item, "login-ip", address)) for item in self._per_ip
            ]
        try:
            return self._windows.retry_after(checks)
        except redis.RedisError as error:
            log.warning(
                "sign-in throttle unavailable; letting the attempt through",
                extra={"error": str(error)},
            )
            return None
