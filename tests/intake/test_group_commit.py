"""The intake port and its group commit: one commit for many requests, each request
answered only after that commit, every delivery stored once, a retry never refused, and
a failed commit acknowledges nothing."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from channels.base import InboundMessage
from triage.app import create_app
from triage.core.db import utcnow
from triage.core.errors import RateLimitedError
from triage.core.queues import QueueName, get_queue
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent
from triage.intake.group_commit import GroupCommit
from triage.intake.port import Accepted, Delivery, IntakePort, LimitKeys
from triage.intake.ratelimit import InquiryRateLimiter

BURST = 40


def count(session: Session, table: type[Inquiry] | type[InquiryEvent]) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(table)) or 0


def new_web_message(provider_message_id: str, *, may_be_a_retry: bool = True) -> Delivery:
    message = InboundMessage(
        channel="web", provider_message_id=provider_message_id, text="水", received_at=utcnow()
    )
    return Delivery(
        message, limit=LimitKeys(ip="192.0.2.1", sender=None), may_be_a_retry=may_be_a_retry
    )


def unlimited(resources: Resources) -> IntakePort:
    limiter = InquiryRateLimiter(
        resources.redis, per_ip="100000/minute", per_sender="100000/minute"
    )
    return IntakePort(resources, limiter)


@pytest.fixture
def resources(client: TestClient) -> Resources:
    app_resources: Resources = client.app.state.resources  # type: ignore[attr-defined]
    return app_resources


def test_a_burst_of_posts_is_stored_once_each(
    client: TestClient, session: Session, redis_conn: redis.Redis
) -> None:
    def post(number: int) -> tuple[int, str]:
        # Every fourth request repeats the Idempotency-Key of the one before it.
        key = f"burst-{number - number % 4 // 3}"
        response = client.post(
            "/api/v1/inquiries", json={"text": f"水 {key}"}, headers={"Idempotency-Key": key}
        )
        return response.status_code, response.json()["id"]

    with ThreadPoolExecutor(BURST) as pool:
        answers = list(pool.map(post, range(BURST)))

    assert {status for status, _ in answers} == {202}
    ids = {inquiry_id for _, inquiry_id in answers}
    assert count(session, Inquiry) == len(ids) == BURST - BURST // 4
    assert count(session, InquiryEvent) == len(ids)
    assert set(get_queue(QueueName.TRIAGE, redis_conn).job_ids) == {f"assess-{i}" for i in ids}


def test_duplicates_inside_one_batch_make_one_inquiry(
    resources: Resources, session: Session, redis_conn: redis.Redis
) -> None:
    batch = [new_web_message("key:a"), new_web_message("key:b"), new_web_message("key:a")]
    first, other, again = unlimited(resources).accept(batch)

    assert isinstance(first, Accepted) and isinstance(again, Accepted)
    assert isinstance(other, Accepted)
    assert first.created and other.created and not again.created
    assert (again.inquiry_id, again.public_token) == (first.inquiry_id, first.public_token)
    assert count(session, Inquiry) == 2
    events = session.scalars(select(InquiryEvent)).all()
    assert sorted(e.inquiry_id for e in events) == sorted([first.inquiry_id, other.inquiry_id])
    assert {e.kind for e in events} == {EventKind.RECEIVED}
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 2


def test_a_batch_repeating_a_stored_delivery_returns_the_first_inquiry(
    resources: Resources, session: Session
) -> None:
    port = unlimited(resources)
    (stored,) = port.accept([new_web_message("k")])
    # Without Idempotency-Key the lookup is skipped; the unique constraint still decides.
    later = port.accept([new_web_message("k"), new_web_message("k", may_be_a_retry=False)])

    assert isinstance(stored, Accepted)
    for result in later:
        assert isinstance(result, Accepted)
        assert (result.inquiry_id, result.public_token, result.created) == (
            stored.inquiry_id,
            stored.public_token,
            False,
        )
    assert count(session, Inquiry) == 1


def test_the_limiter_refuses_only_the_requests_over_it(
    resources: Resources, session: Session
) -> None:
    limiter = InquiryRateLimiter(resources.redis, per_ip="2/minute")
    results = IntakePort(resources, limiter).accept(
        [new_web_message(f"k{n}", may_be_a_retry=False) for n in range(3)]
    )

    assert [type(r) for r in results] == [Accepted, Accepted, RateLimitedError]
    assert count(session, Inquiry) == 2


def test_a_failed_commit_acknowledges_nothing(
    settings: Settings,
    redis_conn: redis.Redis,
    unreachable_database: Engine,
    session: Session,
) -> None:
    app = create_app(settings, redis_conn=redis_conn)
    with TestClient(app, raise_server_exceptions=False) as failing:
        resources: Resources = app.state.resources
        working, resources.engine = resources.engine, unreachable_database
        try:
            with ThreadPoolExecutor(8) as pool:
                statuses = list(
                    pool.map(
                        lambda n: failing.post("/api/v1/inquiries", json={"text": f"{n}"}),
                        range(8),
                    )
                )
        finally:
            resources.engine = working

    # 503 with Retry-After: the senders try again, and nothing unstored was acknowledged.
    assert [r.status_code for r in statuses] == [503] * 8
    assert all(r.headers["Retry-After"] == "5" for r in statuses)
    assert count(session, Inquiry) == 0
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 0


def test_requests_wait_for_their_batch_and_share_it() -> None:
    batches: list[list[int]] = []

    def flush(items: list[int]) -> list[int | Exception]:
        batches.append(items)
        return [ValueError(item) if item == 3 else item * 10 for item in items]

    async def burst() -> list[int | BaseException]:
        group = GroupCommit[int, int](flush, max_batch=4, max_wait=0.05, max_in_flight=1)
        try:
            return await asyncio.gather(
                *(group.submit(n) for n in range(6)), return_exceptions=True
            )
        finally:
            await group.close()

    results = asyncio.run(burst())

    assert results[:3] == [0, 10, 20] and results[4:] == [40, 50]
    assert isinstance(results[3], ValueError)
    assert batches == [[0, 1, 2, 3], [4, 5]]


def test_a_failed_flush_fails_every_request_of_its_batch() -> None:
    def flush(items: list[int]) -> list[int | Exception]:
        raise ConnectionError("commit failed")

    async def burst() -> list[int | BaseException]:
        group = GroupCommit[int, int](flush, max_batch=8, max_wait=0.01)
        try:
            return await asyncio.gather(
                *(group.submit(n) for n in range(5)), return_exceptions=True
            )
        finally:
            await group.close()

    assert all(isinstance(r, ConnectionError) for r in asyncio.run(burst()))
