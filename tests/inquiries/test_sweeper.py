"""The sweeper re-enqueues what Redis lost, and leaves alone what is still waiting."""

from __future__ import annotations

from datetime import timedelta

import redis
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import post_inquiry
from triage.core.db import utcnow
from triage.core.queues import QueueName, assess_job_id, get_queue
from triage.core.settings import Settings
from triage.inquiries.sweeper import sweep_once
from triage.inquiries.tables import Inquiry, InquiryStatus


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
