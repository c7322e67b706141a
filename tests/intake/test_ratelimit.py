"""The abuse limits are settings: raised for a load test or a known shared address,
never switched off, and refused at start-up when unreadable. They count the client
behind the trusted proxies, never the proxy, keep no phone number in Redis, and give way
to load shedding (503 for everyone) under real overload."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_network

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import ValidationError
from redis.backoff import NoBackoff
from redis.retry import Retry

from triage.app import create_app
from triage.core.load_shedding import IntakeLoadGuard
from triage.core.settings import Settings
from triage.intake.ratelimit import InquiryRateLimiter

PROXY = ("10.0.0.5", 40000)


@pytest.fixture
def tight(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"rate_limit_per_ip": "3/minute", "rate_limit_per_sender": "2/minute"}
    )


@pytest.fixture
def tight_client(tight: Settings, redis_conn: redis.Redis) -> Iterator[TestClient]:
    with TestClient(create_app(tight, redis_conn=redis_conn)) as client:
        yield client


@pytest.fixture
def behind_proxy(tight: Settings, redis_conn: redis.Redis) -> Iterator[TestClient]:
    """The app behind a TLS proxy at 10.0.0.5: every connection comes from it."""
    proxied = tight.model_copy(update={"trusted_proxies": (ip_network("10.0.0.0/8"),)})
    with TestClient(create_app(proxied, redis_conn=redis_conn), client=PROXY) as client:
        yield client


def post_from(client: TestClient, forwarded_for: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/api/v1/inquiries", json={"text": "水"}, headers=headers).status_code


def test_defaults_are_sized_for_carrier_grade_nat() -> None:
    settings = Settings()
    assert settings.rate_limit_per_ip == "600/minute;6000/hour"
    assert settings.rate_limit_per_sender == "10/minute;60/hour"
    assert settings.trusted_proxies == ()


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


def test_citizens_behind_the_trusted_proxy_are_counted_apart(behind_proxy: TestClient) -> None:
    assert [post_from(behind_proxy, "203.0.113.1") for _ in range(4)] == [202, 202, 202, 429]
    # Another citizen through the same proxy is not in the first one's bucket.
    assert post_from(behind_proxy, "203.0.113.2") == 202
    # The web form counts the same address.
    form = behind_proxy.post(
        "/",
        data={"text": "水", "nonce": "n1"},
        headers={"X-Forwarded-For": "203.0.113.1"},
        follow_redirects=False,
    )
    assert form.status_code == 429


def test_a_client_cannot_choose_its_address_through_the_proxy(behind_proxy: TestClient) -> None:
    """The proxy appends what it saw; whatever the client wrote before that is ignored."""
    statuses = [post_from(behind_proxy, f"198.51.100.{i}, 203.0.113.9") for i in range(4)]
    assert statuses == [202, 202, 202, 429]


def test_forwarded_for_is_ignored_from_an_untrusted_peer(tight_client: TestClient) -> None:
    statuses = [post_from(tight_client, f"203.0.113.{i}") for i in range(4)]
    assert statuses == [202, 202, 202, 429]


def test_an_unreadable_proxy_list_is_refused_at_start_up() -> None:
    assert Settings(trusted_proxies="10.0.0.0/8, 192.0.2.7").trusted_proxies == (  # type: ignore[arg-type]
        ip_network("10.0.0.0/8"),
        ip_network("192.0.2.7/32"),
    )
    with pytest.raises(ValidationError):
        Settings(trusted_proxies="10.0.0.1/8")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Settings(trusted_proxies="the load balancer")  # type: ignore[arg-type]


def test_no_phone_number_or_status_link_is_kept_in_redis(
    client: TestClient, redis_conn: redis.Redis
) -> None:
    accepted = client.post(
        "/api/v1/inquiries", json={"text": "水", "contact": "+819012345678"}
    ).json()
    token = accepted["status_url"].rsplit("/", 1)[1]
    client.post(f"/status/{token}/messages", data={"text": "2階です", "nonce": "n1"})
    keys = [key.decode() for key in redis_conn.keys("triage:limit:*")]
    assert keys  # the windows are there …
    assert not any("9012345678" in key or token in key or "status:" in key for key in keys)
    assert not any("testclient" in key for key in keys)  # … and no address either


def test_overload_is_503_with_retry_after_for_everyone_not_429(
    tight: Settings, redis_conn: redis.Redis
) -> None:
    one_at_a_time = tight.model_copy(update={"intake_max_in_flight": 1})
    with TestClient(create_app(one_at_a_time, redis_conn=redis_conn)) as client:
        guard: IntakeLoadGuard = client.app.state.intake_guard  # type: ignore[attr-defined]
        with guard.admitted():  # a message already waiting: the process is full
            shed = client.post("/api/v1/inquiries", json={"text": "水"})
            form = client.post("/", data={"text": "水", "nonce": "n1"}, follow_redirects=False)
        assert (shed.status_code, form.status_code) == (503, 503)
        assert int(shed.headers["Retry-After"]) >= 1
        # Shed messages were not counted against the citizen's own limit.
        assert [post_from(client, None) for _ in range(4)] == [202, 202, 202, 429]


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
