"""`send_reply` through each channel: what is stored (message id, method, segments,
statuses), opt-outs suppress, transient provider errors leave the reply for a retry."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from channels.base import TransientSendError
from tests.channels.line.test_views import post_line
from tests.channels.payloads import line_body, twilio_form
from tests.channels.sms.test_views import INBOUND_URL, STATUS_URL, post_signed
from tests.fakes.line_server import FakeLine
from tests.fakes.twilio_server import FakeTwilio
from triage.core.db import utcnow
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries import optout, replies
from triage.inquiries.outbound import send_reply
from triage.inquiries.tables import Inquiry, Reply, ReplyStatus


def queue_reply(session: Session, inquiry: Inquiry, text: str = "給水所は七尾駅前です。") -> int:
    reply = replies.add_reply(inquiry, text, author="staff-a", session=session, language="ja")
    session.commit()
    return reply.id


def stored(session: Session, reply_id: int) -> Reply:
    session.expire_all()
    reply = session.get(Reply, reply_id)
    assert reply is not None
    return reply


def sms_inquiry(client: TestClient, session: Session) -> Inquiry:
    post_signed(client, INBOUND_URL, twilio_form("inbound_sms.json"))
    return session.scalars(select(Inquiry)).one()


def test_sms_reply_stores_sid_segments_and_delivery(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    resources: Resources,
    fake_twilio: FakeTwilio,
) -> None:
    inquiry = sms_inquiry(client, session)
    reply_id = queue_reply(session, inquiry)
    send_reply(reply_id, resources=resources)

    (sent,) = fake_twilio.sent
    assert sent.to == inquiry.sender
    assert sent.body.endswith(f"https://triage.example.jp/status/{inquiry.public_token}")
    reply = stored(session, reply_id)
    assert (reply.status, reply.send_method) == (ReplyStatus.SENT, "rest")
    assert reply.provider_message_id == sent.sid
    assert reply.segments == 2

    delivered = {**twilio_form("status_delivered.json"), "MessageSid": sent.sid, "SmsSid": sent.sid}
    assert post_signed(client, STATUS_URL, delivered).status_code == 204
    assert stored(session, reply_id).status == ReplyStatus.DELIVERED


def test_after_stop_replies_are_suppressed(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    resources: Resources,
    fake_twilio: FakeTwilio,
) -> None:
    inquiry = sms_inquiry(client, session)
    post_signed(client, INBOUND_URL, twilio_form("inbound_stop.json"))
    reply_id = queue_reply(session, inquiry)
    send_reply(reply_id, resources=resources)
    assert fake_twilio.calls == 0
    assert stored(session, reply_id).status == ReplyStatus.SUPPRESSED


def test_transient_error_leaves_the_reply_queued_for_rq_to_retry(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    resources: Resources,
    fake_twilio: FakeTwilio,
) -> None:
    inquiry = sms_inquiry(client, session)
    reply_id = queue_reply(session, inquiry)
    fake_twilio.fail_next(500)
    with pytest.raises(TransientSendError):
        send_reply(reply_id, resources=resources)
    assert stored(session, reply_id).status == ReplyStatus.QUEUED
    send_reply(reply_id, resources=resources)
    reply = stored(session, reply_id)
    assert (reply.status, reply.attempts) == (ReplyStatus.SENT, 2)
    assert len(fake_twilio.sent) == 1


def test_line_uses_the_reply_token_once_then_pushes(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    resources: Resources,
    fake_line: FakeLine,
) -> None:
    post_line(client, line_body("text_only.json"))
    inquiry = session.scalars(select(Inquiry)).one()
    fake_line.issue_reply_token("replytoken99")
    # The stored sample is old; make its token fresh as if it had just arrived.
    inquiry.received_at = utcnow()
    session.commit()

    first, second = queue_reply(session, inquiry), queue_reply(session, inquiry, "続報です。")
    send_reply(first, resources=resources)
    send_reply(second, resources=resources)

    assert [c.path for c in fake_line.calls] == ["/v2/bot/message/reply", "/v2/bot/message/push"]
    assert (stored(session, first).send_method, stored(session, second).send_method) == (
        "reply",
        "push",
    )
    assert stored(session, first).provider_message_id
    # The location is unknown, so the reply offers the "send my location" button.
    quick = fake_line.calls[0].body["messages"][0]["quickReply"]
    assert quick["items"][0]["action"]["type"] == "location"
    session.expire_all()
    assert session.get(Inquiry, inquiry.id).reply_token is None  # type: ignore[union-attr]


def test_line_reply_after_unfollow_is_suppressed(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    resources: Resources,
    fake_line: FakeLine,
) -> None:
    post_line(client, line_body("text_only.json"))
    inquiry = session.scalars(select(Inquiry)).one()
    optout.opt_out("line", inquiry.sender or "", "unfollow", session=session)
    session.commit()
    reply_id = queue_reply(session, inquiry)
    send_reply(reply_id, resources=resources)
    assert fake_line.calls == []
    assert stored(session, reply_id).status == ReplyStatus.SUPPRESSED
