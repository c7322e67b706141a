"""Twilio webhooks: signed over the public URL, stored once per MessageSid, answered
with empty TwiML; STOP/START/HELP honoured; delivery reports update the reply."""

from __future__ import annotations

import httpx
import redis
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.channels.payloads import PUBLIC_URL, twilio_form, twilio_signature
from triage.core.queues import QueueName, get_queue
from triage.inquiries import optout
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, Reply, ReplyStatus

INBOUND_URL = PUBLIC_URL + "/webhooks/twilio/sms"
STATUS_URL = PUBLIC_URL + "/webhooks/twilio/status"


def post_signed(
    client: TestClient, url: str, params: dict[str, str], signature: str | None = None
) -> httpx.Response:
    headers = {"X-Twilio-Signature": signature or twilio_signature(url, params)}
    return client.post(url.removeprefix(PUBLIC_URL), data=params, headers=headers)


def count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Inquiry)) or 0


def test_signed_sms_is_stored_enqueued_and_answered_with_empty_twiml(
    client: TestClient, session: Session, redis_conn: redis.Redis
) -> None:
    params = twilio_form("inbound_sms.json")
    response = post_signed(client, INBOUND_URL, params)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text.endswith("<Response />")
    inquiry = session.scalars(select(Inquiry)).one()
    assert inquiry.channel == "sms"
    assert inquiry.provider_message_id == params["MessageSid"]
    assert inquiry.sender == "+819012345678"
    assert inquiry.text == params["Body"]
    assert "AccountSid" not in inquiry.attachments
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 1


def test_twilio_retry_of_the_same_message_sid_makes_one_inquiry(
    client: TestClient, session: Session, redis_conn: redis.Redis
) -> None:
    params = twilio_form("inbound_sms.json")
    assert post_signed(client, INBOUND_URL, params).status_code == 200
    assert post_signed(client, INBOUND_URL, params).status_code == 200
    assert count(session) == 1
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 1


def test_media_are_stored_as_links(client: TestClient, session: Session) -> None:
    params = twilio_form("inbound_mms.json")
    assert post_signed(client, INBOUND_URL, params).status_code == 200
    inquiry = session.scalars(select(Inquiry)).one()
    assert [(a["kind"], a["content_type"]) for a in inquiry.attachments] == [
        ("media", "image/jpeg"),
        ("media", "image/png"),
    ]
    assert inquiry.attachments[0]["url"] == params["MediaUrl0"]


def test_missing_signature_is_403_and_stores_nothing(client: TestClient, session: Session) -> None:
    response = client.post("/webhooks/twilio/sms", data=twilio_form("inbound_sms.json"))
    assert response.status_code == 403
    assert count(session) == 0


def test_one_changed_byte_is_403(client: TestClient, session: Session) -> None:
    params = twilio_form("inbound_sms.json")
    signature = twilio_signature(INBOUND_URL, params)
    params["Body"] = params["Body"].replace("祖母", "祖父")
    assert post_signed(client, INBOUND_URL, params, signature).status_code == 403
    assert count(session) == 0


def test_signature_for_another_url_is_403(client: TestClient, session: Session) -> None:
    """Signed for the internal URL the app sees behind a proxy, not the public one."""
    params = twilio_form("inbound_sms.json")
    signature = twilio_signature("http://10.0.0.5:8000/webhooks/twilio/sms", params)
    assert post_signed(client, INBOUND_URL, params, signature).status_code == 403
    assert count(session) == 0


def test_signature_with_another_auth_token_is_403(client: TestClient, session: Session) -> None:
    params = twilio_form("inbound_sms.json")
    signature = twilio_signature(INBOUND_URL, params, token="0" * 32)
    assert post_signed(client, INBOUND_URL, params, signature).status_code == 403
    assert count(session) == 0


def test_stop_opts_out_is_not_triaged_and_start_opts_back_in(
    client: TestClient, session: Session, redis_conn: redis.Redis
) -> None:
    stop = twilio_form("inbound_stop.json")
    response = post_signed(client, INBOUND_URL, stop)
    assert response.status_code == 200
    assert "<Message>" in response.text and "START" in response.text
    assert count(session) == 0
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 0
    assert optout.is_opted_out("sms", stop["From"], session=session)

    start = {**stop, "Body": "開始", "MessageSid": "SM" + "1" * 32}
    assert post_signed(client, INBOUND_URL, start).status_code == 200
    session.expire_all()
    assert not optout.is_opted_out("sms", stop["From"], session=session)


def test_japanese_and_full_width_stop_count_too(client: TestClient, session: Session) -> None:
    for sid, body in (("SM" + "2" * 32, "停止"), ("SM" + "3" * 32, "ＳＴＯＰ")):
        number = f"+8190{sid[-8:]}"
        stop = twilio_form("inbound_stop.json")
        params = {**stop, "Body": body, "MessageSid": sid, "From": number}
        assert post_signed(client, INBOUND_URL, params).status_code == 200
        assert optout.is_opted_out("sms", params["From"], session=session)
    assert count(session) == 0


def test_a_sentence_with_stop_in_it_is_an_inquiry(client: TestClient, session: Session) -> None:
    params = {**twilio_form("inbound_stop.json"), "Body": "stop the water leak please"}
    post_signed(client, INBOUND_URL, params)
    assert count(session) == 1


def test_help_is_answered_and_still_triaged(
    client: TestClient, session: Session, redis_conn: redis.Redis
) -> None:
    """A one-word "HELP" in a disaster may be a plea: a person must see it."""
    params = {**twilio_form("inbound_sms.json"), "Body": "ヘルプ"}
    response = post_signed(client, INBOUND_URL, params)
    assert "<Message>" in response.text and "119" in response.text
    assert count(session) == 1
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 1


def _reply_with_sid(session: Session, client: TestClient, sid: str) -> Reply:
    post_signed(client, INBOUND_URL, twilio_form("inbound_sms.json"))
    inquiry = session.scalars(select(Inquiry)).one()
    reply = Reply(
        inquiry_id=inquiry.id,
        channel="sms",
        text="x",
        author="system",
        status=ReplyStatus.SENT,
        provider_message_id=sid,
    )
    session.add(reply)
    session.commit()
    return reply


def test_delivery_report_updates_the_reply(client: TestClient, session: Session) -> None:
    params = twilio_form("status_delivered.json")
    reply = _reply_with_sid(session, client, params["MessageSid"])
    response = post_signed(client, STATUS_URL, params)
    assert response.status_code == 204
    session.expire_all()
    assert session.get(Reply, reply.id).status == ReplyStatus.DELIVERED  # type: ignore[union-attr]

    # A late "sent" report never moves a delivered reply back.
    post_signed(client, STATUS_URL, {**params, "MessageStatus": "sent", "SmsStatus": "sent"})
    session.expire_all()
    assert session.get(Reply, reply.id).status == ReplyStatus.DELIVERED  # type: ignore[union-attr]


def test_undelivered_because_unsubscribed_is_a_dead_letter_and_opts_out(
    client: TestClient, session: Session
) -> None:
    params = twilio_form("status_undelivered_21610.json")
    reply = _reply_with_sid(session, client, params["MessageSid"])
    assert post_signed(client, STATUS_URL, params).status_code == 204
    session.expire_all()
    stored = session.get(Reply, reply.id)
    assert stored is not None and stored.status == ReplyStatus.FAILED
    assert stored.error == "Twilio error 21610"
    assert optout.is_opted_out("sms", params["To"], session=session)
    kinds = session.scalars(
        select(InquiryEvent.kind).where(InquiryEvent.inquiry_id == stored.inquiry_id)
    ).all()
    # An undelivered reply is a dead letter: its inquiry is back in front of staff.
    assert EventKind.REPLY_DEAD_LETTERED in kinds
    inquiry = session.get(Inquiry, stored.inquiry_id)
    assert inquiry is not None and inquiry.route == "staff"


def test_unsigned_status_callback_is_403(client: TestClient, session: Session) -> None:
    params = twilio_form("status_delivered.json")
    reply = _reply_with_sid(session, client, params["MessageSid"])
    assert client.post("/webhooks/twilio/status", data=params).status_code == 403
    session.expire_all()
    assert session.get(Reply, reply.id).status == ReplyStatus.SENT  # type: ignore[union-attr]
