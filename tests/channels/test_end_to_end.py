"""End to end per channel, in process: inbound webhook or form -> stored -> assessed by
the real pipeline -> a reply sent back through the same channel (fake provider APIs)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.channels.line.test_views import post_line
from tests.channels.payloads import line_body, twilio_form
from tests.channels.sms.test_views import INBOUND_URL, post_signed
from tests.fakes.line_server import FakeLine
from tests.fakes.twilio_server import FakeTwilio
from tests.helpers import bearer, make_staff, post_inquiry
from triage.auth.tables import Role
from triage.core.db import utcnow
from triage.inquiries.tables import Inquiry, Reply, ReplyStatus

pytestmark = pytest.mark.slow


def staff_reply(client: TestClient, token: str, inquiry_id: str, text: str) -> None:
    response = client.post(
        f"/api/v1/inquiries/{inquiry_id}/reply", json={"text": text}, headers=bearer(token)
    )
    assert response.status_code == 202, response.text


def the_inquiry(session: Session) -> Inquiry:
    """The first message's inquiry (the others joined its conversation)."""
    session.expire_all()
    return session.scalars(select(Inquiry).where(Inquiry.id == Inquiry.conversation_id)).one()


def test_sms_end_to_end(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    fake_twilio: FakeTwilio,
    work: Callable[[], None],
) -> None:
    post_signed(client, INBOUND_URL, twilio_form("inbound_sms.json"))
    work()
    inquiry = the_inquiry(session)
    assert (inquiry.priority, inquiry.route) == ("P1", "urgent")

    staff = make_staff(session_factory, "resp", Role.RESPONDER)
    staff_reply(client, staff, inquiry.id, "救助隊が向かっています。安全な場所で待ってください。")
    work()

    (sent,) = fake_twilio.sent
    assert sent.to == "+819012345678"
    assert sent.body.startswith("救助隊が向かっています")
    assert sent.body.endswith(f"/status/{inquiry.public_token}")
    reply = session.scalars(select(Reply)).one()
    assert (reply.status, reply.provider_message_id, reply.segments) == (
        ReplyStatus.SENT,
        sent.sid,
        2,
    )


def test_line_end_to_end(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    fake_line: FakeLine,
    work: Callable[[], None],
) -> None:
    post_line(client, line_body("events_mixed.json"))
    inquiry = the_inquiry(session)
    fake_line.issue_reply_token(inquiry.reply_token or "")
    inquiry.received_at = utcnow()  # the stored sample is old; its token is fresh here
    session.commit()
    work()  # triage, and the follow event's welcome
    inquiry = the_inquiry(session)
    assert inquiry.route == "urgent"
    assert inquiry.location is not None and inquiry.location["precision"] == "point"

    staff = make_staff(session_factory, "resp", Role.RESPONDER)
    staff_reply(client, staff, inquiry.id, "担当者が向かいます。")
    work()

    welcome = [
        c for c in fake_line.delivered if c.body.get("to") == "U33333333333333333333333333333333"
    ]
    assert len(welcome) == 1 and "119" in welcome[0].body["messages"][0]["text"]
    answer = [c for c in fake_line.delivered if c.path == "/v2/bot/message/reply"]
    calls = [(c.path, c.body.get("replyToken"), c.body.get("to")) for c in fake_line.calls]
    assert answer, f"no reply by reply token; LINE saw {calls}"
    assert answer[0].body["messages"][0]["text"] == "担当者が向かいます。"
    reply = session.scalars(select(Reply)).one()
    assert (reply.status, reply.send_method) == (ReplyStatus.SENT, "reply")


def test_web_end_to_end_auto_reply_on_the_status_page(
    client: TestClient, session: Session, work: Callable[[], None]
) -> None:
    accepted = post_inquiry(client, "七尾市の避難所はどこですか")
    work()
    path = accepted["status_url"].removeprefix("https://triage.example.jp")
    status = client.get(path, headers={"Accept": "application/json"}).json()
    assert (status["status"], status["route"]) == ("answered", "auto_reply")
    (reply,) = status["replies"]
    assert reply["author"] == "playbook" and "119" in reply["text"]
    assert reply["text"][:20] in client.get(path).text
