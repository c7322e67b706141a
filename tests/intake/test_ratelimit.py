"""The abuse limits are settings: raised for a load test or a known shared address,
never switched off, and refused at start-up when unreadable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import ValidationError
from redis.backoff import NoBackoff
from redis.retry import Retry

from triage.app import create_app
from triage.core.settings import Settings
from triage.intake.ratelimit import InquiryRateLimiter


@pytest.fixture
def tight_client(settings: Settings, redis_conn: redis.Redis) -> Iterator[TestClient]:
    tight = settings.model_copy(
        update={"rate_limit_per_ip": "3/minute", "rate_limit_per_sender": "2/minute"}
    )
    with TestClient(create_app(tight, redis_conn=redis_conn)) as client:
        yield client


def test_defaults_are_unchanged() -> None:
    settings = Settings()
    assert settings.rate_limit_per_ip == "60/minute;600/hour"
    assert settings.rate_limit_per_sender == "10/minute;60/hour"


def test_ip_limit_comes_from_the_setting(tight_client: TestClient) -> None:
    statuses = [
        tight_client.post("/api/v1/inquiries", json={"text": "水"}).status_code for _ in range(4)
    ]
    assert statuses == [202, 202, 202, 429]


def test_sender_limit_comes_from_the_setting(tight_client: TestClient) -> None:
    statuses = [
        tight_client.post("/api/v1/inquiries", json={"text": "水", "contact": "x"}).status_code
        for _ in range(3)
    ]
    assert statuses == [202, 202, 429]


def test_an_unreadable_limit_is_refused_at_start_up() -> None:
    with pytest.raises(ValidationError, match="rate limit"):
        Settings(rate_limit_per_ip="sixty a minute")


def test_the_longest_wait_is_reported(redis_conn: redis.Redis) -> None:
    limiter = InquiryRateLimiter(redis_conn, per_ip="1/minute;1/hour", per_sender="100/minute")
    assert limiter.retry_after(ip="10.0.0.1", sender="a") is None
    wait = limiter.retry_after(ip="10.0.0.1", sender="a")
    assert wait is not None and 60 < wait <= 3600


def test_redis_down_lets_the_message_through() -> None:
    down = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    assert InquiryRateLimiter(down).retry_after(ip="10.0.0.1", sender="a") is None
