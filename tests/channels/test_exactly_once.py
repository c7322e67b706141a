"""Every citizen gets exactly one answer: a reply row is claimed before it is sent, a lost
answer is looked up before anything is resent, and a reply that cannot be delivered
brings its inquiry back to staff. Counted at the fake Twilio and LINE servers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from channels.sms.outbound import compose_body
from tests.channels.line.test_views import post_line
from tests.channels.payloads import TWILIO_FROM, line_body, twilio_form
from tests.channels.sms.test_views import INBOUND_URL, post_signed
from tests.fakes.json_api import STALL
from tests.fakes.line_server import FakeLine
from tests.fakes.twilio_server import FakeTwilio, SentSms
from tests.helpers import bearer, make_staff
from triage.auth.tables import Role
from triage.core.db import utcnow
from triage.core.job_failures import TriageWorker
from triage.core.queues import QueueName, get_queue
from triage.core.resources import Resources, resources_installed
from triage.core.settings import Settings
from triage.inquiries import delivery, optout, replies
from triage.inquiries.outbound import send_reply, settle_unknown
from triage.inquiries.sweeper import sweep_once
from triage.inquiries.tables import Inquiry, Reply, ReplyStatus


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A short provider timeout, so a lost answer is noticed in a fraction of a second."""
    return settings.model_copy(
        update={"outbound_timeout_seconds": 0.5, "reply_sending_timeout_seconds": 30}
    )


@pytest.fixture
def fake_twilio(fake_twilio: FakeTwilio) -> Iterator[FakeTwilio]:
    fake_twilio.stall_seconds = 1.5
    yield fake_twilio


def sms_inquiry(client: TestClient, session: Session) -> Inquiry:
    post_signed(client, INBOUND_URL, twilio_form("inbound_sms.json"))
    return session.scalars(select(Inquiry)).one()


def queue_reply(session: Session, inquiry: Inquiry, author: str = "staff-a") -> int:
    reply = replies.add_reply(inquiry, "給水所は七尾駅前です。", author=author, session=session)
    session.commit()
    return reply.id


def stored(session: Session, reply_id: int) -> Reply:
    session.expire_all()
    reply = session.get(Reply, reply_id)
    assert reply is not None
    return reply


def test_two_jobs_for_one_reply_send_it_once(
    client: TestClient, session: Session, resources: Resources, fake_twilio: FakeTwilio
) -> None:
    reply_id = queue_reply(session, sms_inquiry(client, session))
    assert delivery.claim(reply_id, session=session)  # another job got there first
    session.commit()
    send_reply(reply_id, resources=resources)
    assert fake_twilio.sent == []
    assert stored(session, reply_id).status == ReplyStatus.SENDING


def test_a_lost_answer_that_twilio_has_is_recorded_not_resent(
    client: TestClient, session: Session, resources: Resources, fake_twilio: FakeTwilio
) -> None:
    reply_id = queue_reply(session, sms_inquiry(client, session))
    fake_twilio.fail_next(STALL)  # Twilio takes the message; its answer never comes

    send_reply(reply_id, resources=resources)
    send_reply(reply_id, resources=resources)  # a duplicate job changes nothing

    assert len(fake_twilio.sent) == 1
    assert fake_twilio.lookups == 1
    reply = stored(session, reply_id)
    assert reply.status == ReplyStatus.SENT
    assert reply.provider_message_id == fake_twilio.sent[0].sid


def test_a_worker_killed_mid_send_is_settled_by_the_sweeper_without_a_second_sms(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    resources: Resources,
    settings: Settings,
    redis_conn: redis.Redis,
    fake_twilio: FakeTwilio,
) -> None:
    """The worker died after Twilio took the message: the row is still 'sending'. The
    sweeper hands it to the settle job, which finds the message at Twilio."""
    inquiry = sms_inquiry(client, session)
    reply_id = queue_reply(session, inquiry)
    delivery.claim(reply_id, session=session)
    session.commit()
    # What Twilio holds once it took the message, just before the worker died.
    body = compose_body(
        stored(session, reply_id).text, settings.status_url_for(inquiry.public_token), None
    )
    fake_twilio.sent.append(
        SentSms(inquiry.sender or "", TWILIO_FROM, body, None, "SM-before-the-crash")
    )
    sent_before_dying = "SM-before-the-crash"
    session.execute(
        update(Reply).where(Reply.id == reply_id).values(updated_at=utcnow() - timedelta(minutes=5))
    )
    session.commit()

    assert sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings)
    with resources_installed(resources):
        TriageWorker([get_queue(QueueName.OUTBOUND, redis_conn)], connection=redis_conn).work(
            burst=True
        )

    assert len(fake_twilio.sent) == 1
    reply = stored(session, reply_id)
    assert (reply.status, reply.provider_message_id) == (ReplyStatus.SENT, sent_before_dying)


def test_a_lost_answer_twilio_does_not_have_is_sent_once_more(
    client: TestClient, session: Session, resources: Resources, fake_twilio: FakeTwilio
) -> None:
    reply_id = queue_reply(session, sms_inquiry(client, session))
    delivery.claim(reply_id, session=session)
    delivery.mark_unknown(stored(session, reply_id), "worker died", session=session)
    session.commit()
    with resources_installed(resources):
        settle_unknown(reply_id, resources=resources)  # Twilio has nothing: queued again
        assert stored(session, reply_id).status == ReplyStatus.QUEUED
        send_reply(reply_id, resources=resources)
    assert len(fake_twilio.sent) == 1
    assert stored(session, reply_id).status == ReplyStatus.SENT


def test_a_lost_line_reply_token_answer_goes_to_a_person_not_to_a_push(
    client: TestClient,
    session: Session,
    resources: Resources,
    settings: Settings,
    fake_line: FakeLine,
) -> None:
    """The reply-token message may have arrived; a retry would push a second one."""
    fake_line.stall_seconds = 1.5
    post_line(client, line_body("text_only.json"))
    inquiry = session.scalars(select(Inquiry)).one()
    fake_line.issue_reply_token("replytoken99")
    inquiry.received_at = utcnow()  # the stored sample is old: its token is fresh now
    session.commit()
    reply_id = queue_reply(session, inquiry)
    fake_line.fail_next(STALL)

    send_reply(reply_id, resources=resources)
    send_reply(reply_id, resources=resources)

    assert len(fake_line.delivered) == 1
    assert [c.path for c in fake_line.calls] == ["/v2/bot/message/reply"]
    reply = stored(session, reply_id)
    assert reply.status == ReplyStatus.UNKNOWN
    assert [r.id for r in delivery.dead_letters(session=session)] == [reply_id]
    session.expire_all()
    back = session.get(Inquiry, inquiry.id)
    assert back is not None and back.route in ("staff", "urgent")


def test_a_permanent_refusal_puts_the_inquiry_back_in_front_of_staff(
    client: TestClient, session: Session, resources: Resources, fake_twilio: FakeTwilio
) -> None:
    inquiry = sms_inquiry(client, session)
    session.execute(
        update(Inquiry)
        .where(Inquiry.id == inquiry.id)
        .values(status="answered", route="auto_reply", priority="P3")
    )
    session.commit()
    reply_id = queue_reply(session, inquiry, author="playbook")
    fake_twilio.unsubscribed.add(inquiry.sender or "")

    send_reply(reply_id, resources=resources)

    session.expire_all()
    back = session.get(Inquiry, inquiry.id)
    assert back is not None and (back.route, back.status) == ("staff", "triaged")
    reply = stored(session, reply_id)
    assert reply.status == ReplyStatus.FAILED and "21610" in (reply.error or "")
    assert [r.id for r in delivery.dead_letters(session=session)] == [reply_id]
    # Twilio's 21610 says the citizen sent STOP: recorded, so nothing more is tried.
    assert optout.is_opted_out("sms", inquiry.sender or "", session=session)


def test_a_reply_out_of_attempts_is_a_dead_letter_and_can_be_resent_as_a_new_row(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    redis_conn: redis.Redis,
    resources: Resources,
    fake_twilio: FakeTwilio,
) -> None:
    inquiry = sms_inquiry(client, session)
    reply_id = queue_reply(session, inquiry)
    session.execute(
        update(Reply)
        .where(Reply.id == reply_id)
        .values(attempts=delivery.MAX_REPLY_ATTEMPTS, updated_at=utcnow() - timedelta(hours=1))
    )
    session.commit()
    sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings)
    assert stored(session, reply_id).status == ReplyStatus.FAILED

    token = make_staff(session_factory, "aya", Role.RESPONDER)
    listed = client.get("/api/v1/replies/dead-letters", headers=bearer(token)).json()
    assert [r["id"] for r in listed] == [reply_id]
    resent = client.post(f"/api/v1/replies/{reply_id}/resend", headers=bearer(token))
    assert resent.status_code == 202
    again = client.post(f"/api/v1/replies/{reply_id}/resend", headers=bearer(token))
    assert again.status_code == 409  # the old row is never sent twice
    with resources_installed(resources):
        TriageWorker([get_queue(QueueName.OUTBOUND, redis_conn)], connection=redis_conn).work(
            burst=True
        )
    assert len(fake_twilio.sent) == 1
    assert stored(session, resent.json()["id"]).status == ReplyStatus.SENT
    assert client.get("/api/v1/replies/dead-letters", headers=bearer(token)).json() == []


def test_line_credentials_missing_is_a_dead_letter_not_a_silent_answer(
    client: TestClient, session: Session, resources: Resources, settings: Settings
) -> None:
    post_line(client, line_body("text_only.json"))
    inquiry = session.scalars(select(Inquiry)).one()
    reply_id = queue_reply(session, inquiry)
    broken = resources.settings.model_copy(update={"line_channel_access_token": None})
    unconfigured = Resources(broken, resources.engine, resources.session_factory, resources.redis)
    send_reply(reply_id, resources=unconfigured)
    reply = stored(session, reply_id)
    assert reply.status == ReplyStatus.FAILED and "not configured" in (reply.error or "")
    assert [r.id for r in delivery.dead_letters(session=session)] == [reply_id]
