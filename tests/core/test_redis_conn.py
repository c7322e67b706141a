"""Production refuses a Redis that runs commands for anyone: RQ unpickles its jobs.

Each test starts its own real `redis-server` on a free localhost port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from triage.core.crypto import generate_data_key
from triage.core.redis_conn import (
    UnauthenticatedRedisError,
    connect_redis,
    redis_url_of,
    without_credentials,
)
from triage.core.settings import Settings

PASSWORD = "s3cret-redis-password"

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")

StartServer = Callable[..., int]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[StartServer]:
    """Start `redis-server` on a free port (extra arguments passed on); stopped afterwards."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*extra: str) -> int:
        port = _free_port()
        server = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
                *extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(server)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return port
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    try:
        yield start
    finally:
        for server in started:
            server.kill()
            server.wait()


def _production(tmp_path: Path, redis_url: str, **extra: str) -> Settings:
    return Settings(
        env="production",
        home=tmp_path,
        redis_url=redis_url,
        secret_key="a-real-secret-key-for-production-0123456789",
        data_key=generate_data_key(),
        **extra,  # type: ignore[arg-type]
    )


def test_production_refuses_a_redis_without_a_password(
    redis_server: StartServer, tmp_path: Path
) -> None:
    port = redis_server()
    with pytest.raises(UnauthenticatedRedisError, match="without a password"):
        connect_redis(_production(tmp_path, f"redis://127.0.0.1:{port}/0"))


def test_production_refuses_an_open_redis_even_when_given_a_password(
    redis_server: StartServer, tmp_path: Path
) -> None:
    """A password the server does not need proves nothing: strangers need none either."""
    port = redis_server()
    settings = _production(tmp_path, f"redis://127.0.0.1:{port}/0", redis_password="whatever")
    with pytest.raises(UnauthenticatedRedisError):
        connect_redis(settings)


def test_production_accepts_a_password_in_the_url(
    redis_server: StartServer, tmp_path: Path
) -> None:
    port = redis_server("--requirepass", PASSWORD)
    client = connect_redis(_production(tmp_path, f"redis://:{PASSWORD}@127.0.0.1:{port}/0"))
    assert client.ping() is True
    client.set("k", "v")
    assert client.get("k") == b"v"
    client.close()


def test_production_accepts_the_password_setting(redis_server: StartServer, tmp_path: Path) -> None:
    port = redis_server("--requirepass", PASSWORD)
    settings = _production(tmp_path, f"redis://127.0.0.1:{port}/0", redis_password=PASSWORD)
    client = connect_redis(settings)
    assert client.ping() is True
    client.close()


def test_a_wrong_password_fails_clearly(redis_server: StartServer, tmp_path: Path) -> None:
    port = redis_server("--requirepass", PASSWORD)
    with pytest.raises(redis.AuthenticationError):
        connect_redis(_production(tmp_path, f"redis://:wrong@127.0.0.1:{port}/0"))


def test_every_new_connection_is_checked(redis_server: StartServer, tmp_path: Path) -> None:
    """A server that loses its password later (restarted with the wrong config) is
    refused on the next connection, before any job is read from it."""
    port = redis_server("--requirepass", PASSWORD)
    client = connect_redis(_production(tmp_path, f"redis://:{PASSWORD}@127.0.0.1:{port}/0"))
    client.config_set("requirepass", "")
    client.connection_pool.disconnect()
    with pytest.raises(UnauthenticatedRedisError):
        client.ping()
    client.close()


def test_dev_does_not_check(redis_server: StartServer, tmp_path: Path) -> None:
    port = redis_server()
    client = connect_redis(Settings(home=tmp_path, redis_url=f"redis://127.0.0.1:{port}/0"))
    assert client.ping() is True
    client.close()


def test_a_redis_not_up_yet_does_not_stop_the_start(tmp_path: Path) -> None:
    """Work waits in the database; the first connection that succeeds is checked."""
    client = connect_redis(_production(tmp_path, f"redis://127.0.0.1:{_free_port()}/0"))
    with pytest.raises(redis.ConnectionError):
        client.ping()
    client.close()


def test_urls_keep_the_server_and_drop_the_credentials() -> None:
    assert without_credentials("redis://:pw@redis:6379/0") == "redis://redis:6379/0"
    assert (
        without_credentials("rediss://app:pw@[::1]:6380/2?ssl_cert_reqs=required&password=x")
        == "rediss://[::1]:6380/2?ssl_cert_reqs=required"
    )


def test_the_url_for_another_process_carries_the_password(
    redis_server: StartServer, tmp_path: Path
) -> None:
    port = redis_server("--requirepass", "p@ss/word")
    client = redis.Redis(host="127.0.0.1", port=port, password="p@ss/word")
    other = redis.Redis.from_url(redis_url_of(client))
    assert other.ping() is True
    other.close()
    client.close()
