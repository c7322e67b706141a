"""The sweeper re-enqueues what Redis lost, and leaves alone what is still waiting."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from rq.job import Job
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import post_inquiry
from triage.core.db import utcnow
from triage.core.queues import (
    QueueName,
    assess_job_id,
    enqueue_send_reply,
    get_queue,
    send_job_id,
)
from triage.core.settings import Settings
from triage.inquiries import replies
from triage.inquiries.delivery import MAX_REPLY_ATTEMPTS
from triage.inquiries.sweeper import SWEEP_LOCK, SweeperThread, sweep_once
from triage.inquiries.tables import Inquiry, InquiryStatus, Reply


def _age_enqueue_stamps(session_factory: sessionmaker[Session], seconds: int) -> None:
    with session_factory() as session:
        session.execute(update(Inquiry).values(enqueued_at=utcnow() - timedelta(seconds=seconds)))
        session.commit()


def test_wiped_redis_is_refilled_from_the_database(
    client: TestClient,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    settings: Settings,
) -> None:
    first = post_inquiry(client, "助けて")
    second = post_inquiry(client, "水がない")
    redis_conn.flushdb()
    _age_enqueue_stamps(session_factory, 60)

    count = sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings)

    assert count == 2
    assert set(get_queue(QueueName.TRIAGE, redis_conn).job_ids) == {
        assess_job_id(first["id"]),
        assess_job_id(second["id"]),
    }


def test_recent_or_still_queued_inquiries_are_not_duplicated(
    client: TestClient,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    settings: Settings,
) -> None:
    post_inquiry(client, "助けて")
    # Recent: not swept even though its job is gone.
    redis_conn.flushdb()
    assert (
        sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings) == 0
    )
    # Old but its job is still waiting in the queue: not enqueued twice.
    post_inquiry(client, "水がない")
    _age_enqueue_stamps(session_factory, 60)
    assert (
        sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings) == 1
    )
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 2
    _age_enqueue_stamps(session_factory, 60)
    assert (
        sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings) == 0
    )


def test_processed_inquiries_are_not_swept(
    client: TestClient,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    settings: Settings,
) -> None:
    post_inquiry(client, "ありがとう")
    redis_conn.flushdb()
    with session_factory() as session:
        session.execute(
            update(Inquiry).values(
                status=InquiryStatus.CLOSED, enqueued_at=utcnow() - timedelta(hours=1)
            )
        )
        session.commit()
    assert (
        sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings) == 0
    )


def _mark_started(redis_conn: redis.Redis, job_id: str, minutes_ago: float) -> None:
    from rq.job import Job, JobStatus

    job = Job.fetch(job_id, connection=redis_conn)
    job.started_at = utcnow() - timedelta(minutes=minutes_ago)
    job.set_status(JobStatus.STARTED)
    job.save()
    get_queue(QueueName.TRIAGE, redis_conn).remove(job)


def test_a_job_left_started_by_a_killed_worker_is_enqueued_again(
    client: TestClient,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    settings: Settings,
) -> None:
    """A worker killed mid-job leaves the job "started"; the inquiry must not wait for
    RQ's own cleanup minutes later."""
    working = post_inquiry(client, "助けて")
    killed = post_inquiry(client, "水がない")
    _mark_started(redis_conn, assess_job_id(working["id"]), minutes_ago=0.1)
    _mark_started(redis_conn, assess_job_id(killed["id"]), minutes_ago=10)
    _age_enqueue_stamps(session_factory, 60)

    assert (
        sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings) == 1
    )
    assert get_queue(QueueName.TRIAGE, redis_conn).job_ids == [assess_job_id(killed["id"])]


def _queued_reply(
    client: TestClient, session_factory: sessionmaker[Session], *, attempts: int = 0
) -> int:
    """A reply waiting in `queued`, as a send job that Redis lost would leave it."""
    inquiry_id = post_inquiry(client, "避難所はどこですか")["id"]
    with session_factory() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None
        reply = replies.add_reply(inquiry, "七尾小学校です。", author="staff-a", session=session)
        reply.attempts = attempts
        session.commit()
        return reply.id


def _age_reply_stamps(session_factory: sessionmaker[Session], seconds: int) -> None:
    with session_factory() as session:
        session.execute(update(Reply).values(updated_at=utcnow() - timedelta(seconds=seconds)))
        session.commit()


def _sweep(
    session_factory: sessionmaker[Session], redis_conn: redis.Redis, settings: Settings
) -> int:
    return sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings)


def test_a_stuck_reply_is_enqueued_again_exactly_once(
    client: TestClient,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    settings: Settings,
) -> None:
    reply_id = _queued_reply(client, session_factory)
    outbound = get_queue(QueueName.OUTBOUND, redis_conn)
    # Recent: the send job may simply not have run yet.
    assert _sweep(session_factory, redis_conn, settings) == 0
    assert outbound.count == 0

    _age_reply_stamps(session_factory, 60)
    assert _sweep(session_factory, redis_conn, settings) == 1
    assert outbound.job_ids == [send_job_id(reply_id)]

    # Old again, but its job is now waiting in Redis: the next sweep leaves it alone.
    _age_reply_stamps(session_factory, 60)
    assert _sweep(session_factory, redis_conn, settings) == 0
    assert outbound.job_ids == [send_job_id(reply_id)]


def _schedule_for_retry(redis_conn: redis.Redis, job_id: str) -> None:
    """Leave the job as RQ does after a failed attempt: scheduled, not in the queue."""
    queue = get_queue(QueueName.OUTBOUND, redis_conn)
    job = Job.fetch(job_id, connection=redis_conn)
    queue.remove(job)
    queue.schedule_job(job, utcnow() + timedelta(minutes=1))


@pytest.mark.parametrize("job_state", ["queued", "scheduled for a retry"])
def test_a_reply_whose_job_is_pending_is_not_enqueued_again(
    client: TestClient,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    settings: Settings,
    job_state: str,
) -> None:
    reply_id = _queued_reply(client, session_factory)
    enqueue_send_reply(redis_conn, reply_id, settings.job_retry_intervals)
    if job_state == "scheduled for a retry":
        _schedule_for_retry(redis_conn, send_job_id(reply_id))
    _age_reply_stamps(session_factory, 60)
    outbound = get_queue(QueueName.OUTBOUND, redis_conn)
    waiting = (outbound.job_ids, outbound.scheduled_job_registry.get_job_ids())

    assert _sweep(session_factory, redis_conn, settings) == 0
    assert (outbound.job_ids, outbound.scheduled_job_registry.get_job_ids()) == waiting


def test_a_reply_out_of_attempts_is_not_enqueued_again(
    client: TestClient,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    settings: Settings,
) -> None:
    _queued_reply(client, session_factory, attempts=MAX_REPLY_ATTEMPTS)
    one_left = _queued_reply(client, session_factory, attempts=MAX_REPLY_ATTEMPTS - 1)
    _age_reply_stamps(session_factory, 60)

    assert _sweep(session_factory, redis_conn, settings) == 1
    assert get_queue(QueueName.OUTBOUND, redis_conn).job_ids == [send_job_id(one_left)]


class LockCountingRedis(redis.Redis):
    """The test's Redis, counting how often the sweeper asks for its lock: each ask after
    the first means the previous round (and its sweep, had it got the lock) is over."""

    def __init__(self, connection: redis.Redis) -> None:
        super().__init__(connection_pool=connection.connection_pool)
        self.lock_requests = 0

    def lock(self, *args: Any, **kwargs: Any) -> Any:
        self.lock_requests += 1
        return super().lock(*args, **kwargs)


def _wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_the_sweeper_thread_sweeps_only_while_it_holds_the_lock(
    client: TestClient,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    settings: Settings,
) -> None:
    inquiry_id = post_inquiry(client, "助けて")["id"]
    redis_conn.flushdb()
    _age_enqueue_stamps(session_factory, 60)
    triage_queue = get_queue(QueueName.TRIAGE, redis_conn)
    counting = LockCountingRedis(redis_conn)
    other_sweeper = redis_conn.lock(SWEEP_LOCK, timeout=60)
    assert other_sweeper.acquire(blocking=False)
    thread = SweeperThread(
        session_factory=session_factory,
        redis_conn=counting,
        settings=settings.model_copy(update={"sweep_interval_seconds": 0.05}),
    )
    thread.start()
    try:
        # Three asks: at least two whole rounds ran while the lock was held elsewhere.
        assert _wait_until(lambda: counting.lock_requests >= 3), "the sweeper never ran"
        assert triage_queue.count == 0
        with session_factory() as session:
            stamp = session.get(Inquiry, inquiry_id).enqueued_at  # type: ignore[union-attr]
        assert stamp is not None and stamp < utcnow() - timedelta(seconds=30)

        other_sweeper.release()
        assert _wait_until(lambda: triage_queue.count > 0), "no sweep after the lock was free"
        assert triage_queue.job_ids == [assess_job_id(inquiry_id)]
    finally:
        thread.stop()
        thread.join(timeout=5)
        if other_sweeper.owned():
            other_sweeper.release()
    assert not thread.is_alive()
