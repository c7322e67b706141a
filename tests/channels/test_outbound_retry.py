"""A reply that Twilio turns away for now is retried by RQ's own `Retry` (scheduled, with
backoff) and goes out once; one that Twilio refuses for good is failed, not retried."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from rq import Queue
from rq.job import Job, JobStatus
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.channels.payloads import twilio_form
from tests.channels.sms.test_views import INBOUND_URL, post_signed
from tests.fakes.twilio_server import FakeTwilio
from tests.helpers import bearer, make_staff
from triage.auth.tables import Role
from triage.core.db import utcnow
from triage.core.job_failures import TriageWorker
from triage.core.queues import QueueName, enqueue_send_reply, get_queue, send_job_id
from triage.core.resources import Resources, resources_installed
from triage.core.settings import Settings
from triage.inquiries.sweeper import sweep_once
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, Reply, ReplyStatus


@pytest.fixture
def retry_intervals() -> tuple[int, ...]:
    return (2, 10, 60)


@pytest.fixture
def settings(settings: Settings, retry_intervals: tuple[int, ...]) -> Settings:
    return settings.model_copy(update={"job_retry_intervals": retry_intervals})


@pytest.fixture
def outbound(redis_conn: redis.Redis) -> Queue:
    return get_queue(QueueName.OUTBOUND, redis_conn)


def staff_reply_to_an_sms(
    client: TestClient, session: Session, session_factory: sessionmaker[Session]
) -> tuple[Inquiry, int]:
    """An SMS comes in, is routed to staff, and a responder answers it through the API,
    which queues the send. (The triage job is not run: its own replies would mix in.)"""
    post_signed(client, INBOUND_URL, twilio_form("inbound_sms.json"))
    inquiry = session.scalars(select(Inquiry)).one()
    inquiry.status, inquiry.route, inquiry.priority = "triaged", "staff", "P3"
    session.commit()
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    response = client.post(
        f"/api/v1/inquiries/{inquiry.id}/reply",
        json={"text": "給水所は七尾駅前です。"},
        headers=bearer(token),
    )
    assert response.status_code == 202, response.text
    (reply,) = [r for r in response.json()["replies"] if r["author"] == "aya"]
    return inquiry, reply["id"]


def work_outbound(resources: Resources, outbound: Queue, max_jobs: int | None = None) -> None:
    with resources_installed(resources):
        TriageWorker([outbound], connection=outbound.connection).work(burst=True, max_jobs=max_jobs)


def stored(session: Session, reply_id: int) -> Reply:
    session.expire_all()
    reply = session.get(Reply, reply_id)
    assert reply is not None
    return reply


def test_a_transient_error_is_scheduled_by_rq_and_the_retry_sends_once(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    resources: Resources,
    outbound: Queue,
    fake_twilio: FakeTwilio,
) -> None:
    inquiry, reply_id = staff_reply_to_an_sms(client, session, session_factory)
    job_id = send_job_id(reply_id)
    assert outbound.job_ids == [job_id]
    fake_twilio.fail_next(500)

    work_outbound(resources, outbound)

    job = Job.fetch(job_id, connection=outbound.connection)
    assert job.get_status() == JobStatus.SCHEDULED
    assert outbound.scheduled_job_registry.get_job_ids() == [job_id]
    assert outbound.count == 0
    assert job.retries_left == 2
    assert (fake_twilio.calls, fake_twilio.sent) == (1, [])
    reply = stored(session, reply_id)
    assert (reply.status, reply.attempts) == (ReplyStatus.QUEUED, 1)

    # What RQ's scheduler does when the retry is due.
    outbound.scheduled_job_registry.requeue(job_id)
    work_outbound(resources, outbound)

    assert Job.fetch(job_id, connection=outbound.connection).get_status() == JobStatus.FINISHED
    assert outbound.scheduled_job_registry.get_job_ids() == []
    assert outbound.failed_job_registry.get_job_ids() == []
    (sent,) = fake_twilio.sent
    assert fake_twilio.calls == 2
    assert sent.to == inquiry.sender
    reply = stored(session, reply_id)
    assert (reply.status, reply.attempts) == (ReplyStatus.SENT, 2)
    assert reply.provider_message_id == sent.sid

    # The job run once more (a worker lost after sending): the citizen gets no second SMS.
    enqueue_send_reply(outbound.connection, reply_id)
    work_outbound(resources, outbound)
    assert (fake_twilio.calls, len(fake_twilio.sent)) == (2, 1)


@pytest.mark.parametrize("status", [429, 500])
@pytest.mark.parametrize("retry_intervals", [(0,)])
def test_with_no_backoff_the_retry_is_queued_again_at_once(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    resources: Resources,
    outbound: Queue,
    fake_twilio: FakeTwilio,
    status: int,
) -> None:
    _, reply_id = staff_reply_to_an_sms(client, session, session_factory)
    job_id = send_job_id(reply_id)
    fake_twilio.fail_next(status)

    work_outbound(resources, outbound, max_jobs=1)

    job = Job.fetch(job_id, connection=outbound.connection)
    assert outbound.job_ids == [job_id]
    assert outbound.scheduled_job_registry.get_job_ids() == []
    assert job.retries_left == 0
    assert stored(session, reply_id).status == ReplyStatus.QUEUED
    assert fake_twilio.sent == []

    work_outbound(resources, outbound)

    assert (fake_twilio.calls, len(fake_twilio.sent)) == (2, 1)
    assert stored(session, reply_id).status == ReplyStatus.SENT


@pytest.mark.parametrize("retry_intervals", [(0,)])
def test_when_rq_gives_up_the_sweeper_sends_the_reply_later(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    resources: Resources,
    redis_conn: redis.Redis,
    outbound: Queue,
    fake_twilio: FakeTwilio,
) -> None:
    """Twilio down longer than RQ's retries: the job fails, the reply stays queued in the
    database, and the sweeper puts it back on the queue once Twilio is back."""
    _, reply_id = staff_reply_to_an_sms(client, session, session_factory)
    job_id = send_job_id(reply_id)
    fake_twilio.fail_next(503, times=2)

    work_outbound(resources, outbound)

    assert outbound.failed_job_registry.get_job_ids() == [job_id]
    assert stored(session, reply_id).status == ReplyStatus.QUEUED
    assert fake_twilio.sent == []

    session.execute(
        update(Reply).values(
            updated_at=utcnow() - timedelta(seconds=settings.sweep_after_seconds + 1)
        )
    )
    session.commit()
    assert (
        sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings) == 1
    )
    work_outbound(resources, outbound)

    assert (fake_twilio.calls, len(fake_twilio.sent)) == (3, 1)
    reply = stored(session, reply_id)
    assert (reply.status, reply.attempts) == (ReplyStatus.SENT, 3)
    assert Job.fetch(job_id, connection=redis_conn).get_status() == JobStatus.FINISHED


def test_a_permanent_error_fails_the_reply_without_a_retry(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    resources: Resources,
    outbound: Queue,
    fake_twilio: FakeTwilio,
) -> None:
    inquiry, reply_id = staff_reply_to_an_sms(client, session, session_factory)
    job_id = send_job_id(reply_id)
    assert inquiry.sender
    # Twilio answers 400, error 21610: this number has unsubscribed from our sender.
    fake_twilio.unsubscribed.add(inquiry.sender)

    work_outbound(resources, outbound)

    assert (fake_twilio.calls, fake_twilio.sent) == (1, [])
    job = Job.fetch(job_id, connection=outbound.connection)
    assert job.get_status() == JobStatus.FINISHED
    assert job.retries_left == 3
    assert outbound.count == 0
    assert outbound.scheduled_job_registry.get_job_ids() == []
    reply = stored(session, reply_id)
    assert (reply.status, reply.attempts) == (ReplyStatus.FAILED, 1)
    assert reply.error and "21610" in reply.error
    failed = session.scalars(
        select(InquiryEvent).where(
            InquiryEvent.inquiry_id == inquiry.id,
            InquiryEvent.kind == EventKind.REPLY_DEAD_LETTERED,
        )
    ).all()
    assert [event.detail["reply_id"] for event in failed] == [reply_id]
