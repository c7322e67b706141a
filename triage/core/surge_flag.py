"""Whether surge mode is on, shared through Redis.

The refine worker decides it (`triage.assessment.surge`) and publishes it with a short
expiry, so a stopped worker reads as "off" within two minutes; the API reads it.
"""

from __future__ import annotations

import redis

SURGE_KEY = "triage:surge-active"
SURGE_TTL_SECONDS = 120


def publish_surge_state(redis_conn: redis.Redis, active: bool) -> None:
    redis_conn.set(SURGE_KEY, "1" if active else "0", ex=SURGE_TTL_SECONDS)


def read_surge_state(redis_conn: redis.Redis) -> bool:
    return redis_conn.get(SURGE_KEY) == b"1"
