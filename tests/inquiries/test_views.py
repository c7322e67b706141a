"""The citizen JSON API: stored before the 202, idempotent, and clear about bad input."""

from __future__ import annotations

from collections.abc import Iterator

import redis
from fastapi.testclient import TestClient
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.helpers import post_inquiry
from triage.core.queues import QueueName, assess_job_id, get_queue
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus


def count_inquiries(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Inquiry)) or 0


def test_post_stores_before_acknowledging_and_enqueues(
    client: TestClient, session: Session, redis_conn: redis.Redis
) -> None:
    body = post_inquiry(
        client,
        "避難所はどこですか",
        contact="+819012345678",
        location={"lat": 37.04, "lon": 136.96},
    )

    inquiry = session.get(Inquiry, body["id"])
    assert inquiry is not None
    assert inquiry.status == InquiryStatus.RECEIVED
    assert inquiry.text == "避難所はどこですか"
    assert inquiry.sender == "+819012345678"
    assert (inquiry.reported_lat, inquiry.reported_lon) == (37.04, 136.96)
    assert body["status_url"] == f"https://triage.example.jp/status/{inquiry.public_token}"
    assert get_queue(QueueName.TRIAGE, redis_conn).job_ids == [assess_job_id(inquiry.id)]
    kinds = session.scalars(
        select(InquiryEvent.kind).where(InquiryEvent.inquiry_id == inquiry.id)
    ).all()
    assert kinds == [EventKind.RECEIVED]


def test_same_idempotency_key_makes_one_inquiry(
    client: TestClient, session: Session, redis_conn: redis.Redis
) -> None:
    first = post_inquiry(client, "水がほしい", headers={"Idempotency-Key": "abc-123"})
    second = post_inquiry(client, "水がほしい", headers={"Idempotency-Key": "abc-123"})
    other = post_inquiry(client, "水がほしい", headers={"Idempotency-Key": "abc-124"})

    assert first == second
    assert other["id"] != first["id"]
    assert count_inquiries(session) == 2
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 2


def test_without_key_each_post_is_a_new_inquiry(client: TestClient, session: Session) -> None:
    post_inquiry(client, "水がほしい")
    post_inquiry(client, "水がほしい")
    assert count_inquiries(session) == 2


def test_malformed_json_is_400_class_with_reason_and_stores_nothing(
    client: TestClient, session: Session
) -> None:
    response = client.post(
        "/api/v1/inquiries", content=b'{"text": "help', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"]
    assert count_inquiries(session) == 0


def test_empty_text_is_refused(client: TestClient, session: Session) -> None:
    response = client.post("/api/v1/inquiries", json={"text": "   "})
    assert response.status_code == 422
    assert "text must not be empty" in response.json()["detail"]
    assert count_inquiries(session) == 0


def test_missing_text_is_refused(client: TestClient, session: Session) -> None:
    response = client.post("/api/v1/inquiries", json={"contact": "x"})
    assert response.status_code == 422
    assert "text" in response.json()["detail"]
    assert count_inquiries(session) == 0


def test_text_over_the_limit_is_refused(client: TestClient, session: Session) -> None:
    response = client.post("/api/v1/inquiries", json={"text": "あ" * 5001})
    assert response.status_code == 422
    assert "limit is 5000" in response.json()["detail"]
    assert count_inquiries(session) == 0


def test_text_at_the_limit_is_accepted(client: TestClient, session: Session) -> None:
    post_inquiry(client, "あ" * 5000)
    assert count_inquiries(session) == 1


def test_wrong_content_type_is_415(client: TestClient, session: Session) -> None:
    response = client.post("/api/v1/inquiries", data={"text": "help"})
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert count_inquiries(session) == 0


def test_unknown_field_and_bad_location_are_refused(client: TestClient, session: Session) -> None:
    assert client.post("/api/v1/inquiries", json={"text": "a", "txt": "b"}).status_code == 422
    response = client.post(
        "/api/v1/inquiries", json={"text": "a", "location": {"lat": 95, "lon": 0}}
    )
    assert response.status_code == 422
    assert "location.lat" in response.json()["detail"]
    assert count_inquiries(session) == 0


def test_huge_body_is_413(client: TestClient, session: Session) -> None:
    response = client.post(
        "/api/v1/inquiries",
        content=b'{"text": "' + b"a" * 70_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert count_inquiries(session) == 0


def test_redis_down_still_stores_and_acknowledges(client: TestClient, session: Session) -> None:
    """Nothing acknowledged is lost: the sweeper enqueues it once Redis is back."""
    resources = client.app.state.resources  # type: ignore[attr-defined]
    working = resources.redis
    resources.redis = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    try:
        body = post_inquiry(client, "助けて")
    finally:
        resources.redis = working
    assert session.get(Inquiry, body["id"]) is not None


def test_status_page_json_and_html(client: TestClient) -> None:
    body = post_inquiry(client, "給水所はどこ")
    path = body["status_url"].removeprefix("https://triage.example.jp")

    as_json = client.get(path, headers={"Accept": "application/json"})
    assert as_json.status_code == 200
    # The public contract's four keys, then where it stands in the citizen's words.
    assert as_json.json() == {
        "id": body["id"],
        "status": "received",
        "route": None,
        "replies": [],
        "stage": "received",
        "outcome": None,
    }

    as_html = client.get(path)
    assert as_html.status_code == 200
    assert as_html.headers["content-type"].startswith("text/html")
    assert "受け付けました" in as_html.text
    assert "119" in as_html.text


def test_status_page_unknown_token_is_404(client: TestClient) -> None:
    assert (
        client.get("/status/not-a-token", headers={"Accept": "application/json"}).status_code == 404
    )


def test_same_key_with_another_message_is_a_new_inquiry(
    client: TestClient, session: Session
) -> None:
    """A reused key must neither drop the second message nor show it the first one's page."""
    first = post_inquiry(client, "田中花子です。母が倒れました", headers={"Idempotency-Key": "1"})
    second = post_inquiry(client, "給水所はどこですか", headers={"Idempotency-Key": "1"})
    assert first["id"] != second["id"]
    assert first["status_url"] != second["status_url"]
    assert count_inquiries(session) == 2


def test_broken_characters_do_not_lose_the_message(client: TestClient, session: Session) -> None:
    """NUL bytes (refused by PostgreSQL) and lone surrogates (not UTF-8) are cleaned."""
    body = b'{"text": "help\\u0000me \\ud800 \xe5\x8a\xa9\xe3\x81\x91\xe3\x81\xa6"}'
    response = client.post(
        "/api/v1/inquiries", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 202
    inquiry = session.get(Inquiry, response.json()["id"])
    assert inquiry is not None and inquiry.text == "helpme ? 助けて"


def test_a_long_idempotency_key_is_accepted(client: TestClient, session: Session) -> None:
    post_inquiry(client, "水がない", headers={"Idempotency-Key": "k" * 128})
    post_inquiry(client, "水がない", headers={"Idempotency-Key": "k" * 128})
    assert count_inquiries(session) == 1


def test_a_chunked_body_over_the_cap_is_cut_off(client: TestClient, session: Session) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"a" * 1024
        yield b'"}'

    response = client.post(
        "/api/v1/inquiries", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert count_inquiries(session) == 0


def test_a_malformed_language_tag_is_refused(client: TestClient, session: Session) -> None:
    response = client.post("/api/v1/inquiries", json={"text": "x", "language": "ja\u0000"})
    assert response.status_code == 422
    assert "language" in response.json()["detail"]
    assert count_inquiries(session) == 0


def test_an_idempotency_key_over_128_characters_is_refused(
    client: TestClient, session: Session
) -> None:
    response = client.post(
        "/api/v1/inquiries", json={"text": "水"}, headers={"Idempotency-Key": "k" * 129}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "string_too_long",
                "loc": ["header", "idempotency-key"],
                "msg": "String should have at most 128 characters",
                "input": "k" * 129,
                "ctx": {"max_length": 128},
            }
        ]
    }
    assert count_inquiries(session) == 0


def test_the_openapi_schema_documents_the_key_and_the_answer(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/inquiries"]["post"]
    key = next(p for p in operation["parameters"] if p["name"] == "idempotency-key")
    assert key["in"] == "header"
    assert {"type": "string", "maxLength": 128} in key["schema"]["anyOf"]
    answer = operation["responses"]["202"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/InquiryAccepted"}


def test_the_openapi_schema_documents_the_body_and_the_refusals(client: TestClient) -> None:
    """The view reads its own body, so the document describes it by hand: a fuzzer (or a
    client generator) reading the document sends an inquiry, not nothing."""
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/inquiries"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["text"] and body["additionalProperties"] is False
    location = next(s for s in body["properties"]["location"]["anyOf"] if s.get("type") == "object")
    assert location["properties"]["lat"] == {
        "maximum": 90,
        "minimum": -90,
        "title": "Lat",
        "type": "number",
    }
    assert "$ref" not in str(body)
    assert {"202", "413", "415", "422", "429"} <= set(operation["responses"])


def test_the_openapi_schema_says_the_status_page_is_html_or_json(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/status/{public_token}"]["get"]
    assert {"application/json", "text/html"} == set(operation["responses"]["200"]["content"])
    assert "404" in operation["responses"]
