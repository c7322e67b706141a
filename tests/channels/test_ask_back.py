"""Ask back: an urgent SMS with no usable place gets one location question; the answer
joins the thread and gives the responders' inquiry its place."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.channels.payloads import twilio_form
from tests.channels.sms.test_views import INBOUND_URL, post_signed
from tests.fakes.twilio_server import FakeTwilio
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent

pytestmark = pytest.mark.slow


def sms(client: TestClient, sid: str, body: str) -> None:
    form = {
        **twilio_form("inbound_sms.json"),
        "Body": body,
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
    }
    post_signed(client, INBOUND_URL, form)


def root_inquiry(session: Session) -> Inquiry:
    session.expire_all()
    return session.scalars(select(Inquiry).where(Inquiry.id == Inquiry.conversation_id)).one()


def test_urgent_sms_without_a_place_is_asked_once_and_the_answer_is_merged(
    client: TestClient, session: Session, fake_twilio: FakeTwilio, work: Callable[[], None]
) -> None:
    sms(client, "SM" + "1" * 32, "家が倒れて祖母が中に閉じ込められています。助けて")
    work()
    inquiry = root_inquiry(session)
    assert inquiry.route == "urgent"
    (question,) = fake_twilio.sent
    assert question.body.startswith("住所か近くの目印を返信してください")
    assert "119" in question.body  # every automatic message carries the 119/110 rule

    sms(client, "SM" + "2" * 32, "まだ閉じ込められています、早く来て")
    work()
    assert len(fake_twilio.sent) == 1  # asked once per conversation

    sms(client, "SM" + "3" * 32, "輪島市河井町です")
    work()
    inquiry = root_inquiry(session)
    assert inquiry.location is not None
    assert inquiry.location["municipality"] == "輪島市"
    assert inquiry.location["precision"] in ("town", "point")
    kinds = session.scalars(
        select(InquiryEvent.kind).where(InquiryEvent.inquiry_id == inquiry.id)
    ).all()
    assert EventKind.ASKED_LOCATION in kinds and EventKind.LOCATION_UPDATED in kinds


def test_routine_sms_is_not_asked_for_a_place(
    client: TestClient, session: Session, fake_twilio: FakeTwilio, work: Callable[[], None]
) -> None:
    sms(client, "SM" + "4" * 32, "ごみの出し方を教えてください")
    work()
    assert all("目印" not in sent.body for sent in fake_twilio.sent)
