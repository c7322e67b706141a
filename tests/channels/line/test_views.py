"""The LINE webhook: the whole body verified, one stored message per event, redelivery
deduplicated by webhookEventId, follow/unfollow honoured, 200 at once."""

from __future__ import annotations

import json

import httpx
import redis
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.channels.payloads import line_body, line_signature
from triage.core.queues import QueueName, get_queue
from triage.inquiries import optout
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus


def post_line(client: TestClient, body: bytes, signature: str | None = None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    headers["X-Line-Signature"] = signature if signature is not None else line_signature(body)
    return client.post("/webhooks/line", content=body, headers=headers)


def inquiries(session: Session) -> list[Inquiry]:
    session.expire_all()
    return list(session.scalars(select(Inquiry).order_by(Inquiry.received_at)).all())


def test_each_event_is_handled_on_its_own(
    client: TestClient, session: Session, redis_conn: redis.Redis
) -> None:
    response = post_line(client, line_body("events_mixed.json"))
    assert response.status_code == 200

    text, location, image = inquiries(session)
    # The text is an inquiry to triage, with its reply token and event time kept.
    assert text.channel == "line"
    assert text.provider_message_id == "01J8Z6Y0TEXT00000000000001"
    assert text.sender == "U11111111111111111111111111111111"
    assert text.reply_token == "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"
    assert text.received_at.timestamp() == 1725148800
    assert text.status == InquiryStatus.RECEIVED
    # The location and the photo from the same user join that open inquiry.
    assert location.conversation_id == image.conversation_id == text.id
    assert (location.status, image.status) == (InquiryStatus.CLOSED, InquiryStatus.CLOSED)
    assert (text.reported_lat, text.reported_lon) == (37.3906, 136.8992)
    assert [a["kind"] for a in text.attachments] == ["image"]
    added = session.scalars(
        select(InquiryEvent).where(
            InquiryEvent.inquiry_id == text.id, InquiryEvent.kind == EventKind.MESSAGE_ADDED
        )
    ).all()
    assert len(added) == 2
    # Only the text waits for triage; the follow queued a welcome.
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 1
    outbound = get_queue(QueueName.OUTBOUND, redis_conn).jobs
    assert [job.func_name for job in outbound] == ["channels.line.jobs.send_welcome"]
    assert outbound[0].args[0] == "U33333333333333333333333333333333"
    # The unfollow means nothing more is sent to that user.
    assert optout.is_opted_out("line", "U44444444444444444444444444444444", session=session)


def test_redelivery_makes_no_duplicates(
    client: TestClient, session: Session, redis_conn: redis.Redis
) -> None:
    assert post_line(client, line_body("events_mixed.json")).status_code == 200
    assert post_line(client, line_body("redelivery.json")).status_code == 200
    assert post_line(client, line_body("events_mixed.json")).status_code == 200
    assert len(inquiries(session)) == 3
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 1


def test_location_without_an_open_inquiry_is_an_inquiry_of_its_own(
    client: TestClient, session: Session
) -> None:
    body = line_body("events_mixed.json")
    data = json.loads(body)
    data["events"] = [data["events"][1]]
    only_location = json.dumps(data, ensure_ascii=False).encode()
    assert post_line(client, only_location).status_code == 200
    (inquiry,) = inquiries(session)
    assert inquiry.status == InquiryStatus.RECEIVED
    assert (inquiry.reported_lat, inquiry.reported_lon) == (37.3906, 136.8992)


def test_an_impossible_location_keeps_the_message_without_the_point(
    client: TestClient, session: Session
) -> None:
    data = json.loads(line_body("events_mixed.json"))
    data["events"] = [data["events"][1]]
    data["events"][0]["message"]["latitude"] = 999
    assert post_line(client, json.dumps(data, ensure_ascii=False).encode()).status_code == 200
    (inquiry,) = inquiries(session)
    assert inquiry.reported_lat is None


def test_missing_signature_is_403_not_500(client: TestClient, session: Session) -> None:
    body = line_body("events_mixed.json")
    response = client.post(
        "/webhooks/line", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 403
    assert inquiries(session) == []


def test_one_changed_byte_is_403(client: TestClient, session: Session) -> None:
    body = line_body("events_mixed.json")
    signature = line_signature(body)
    tampered = body.replace("母".encode(), "父".encode())
    assert post_line(client, tampered, signature).status_code == 403
    assert inquiries(session) == []


def test_signature_with_another_secret_is_403(client: TestClient, session: Session) -> None:
    body = line_body("events_mixed.json")
    assert post_line(client, body, line_signature(body, secret="another-secret")).status_code == 403
    assert inquiries(session) == []


def test_follow_after_unfollow_opts_back_in(client: TestClient, session: Session) -> None:
    data = json.loads(line_body("events_mixed.json"))
    unfollow = {**data["events"][6], "source": {"type": "user", "userId": "U5"}}
    follow = {**data["events"][4], "source": {"type": "user", "userId": "U5"}}
    for event in (unfollow, follow):
        body = json.dumps({"destination": "U0", "events": [event]}).encode()
        assert post_line(client, body).status_code == 200
    assert not optout.is_opted_out("line", "U5", session=session)


def test_signed_but_malformed_body_is_400(client: TestClient, session: Session) -> None:
    body = b'{"destination": "U0"}'
    assert post_line(client, body).status_code == 400
