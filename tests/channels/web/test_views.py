"""The citizen form, the status page in three languages, follow-ups that continue the
conversation, and abuse limits that answer 429 without refusing what was accepted."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import redis
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import bearer, make_staff, post_inquiry
from triage.app import create_app
from triage.auth.tables import Role
from triage.core.settings import Settings
from triage.inquiries import service, threads
from triage.inquiries.tables import EventKind, Inquiry, InquiryStatus


def nonce_of(html: str) -> str:
    match = re.search(r'name="nonce" value="([0-9a-f]+)"', html)
    assert match
    return match.group(1)


def test_form_is_japanese_by_default_accessible_and_works_without_javascript(
    client: TestClient,
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="ja">' in html
    assert "119" in html and "110" in html
    assert '<label for="text">' in html and 'id="text"' in html
    assert '<label for="contact">' in html
    assert '<form method="post" action="/"' in html  # a plain post: no script needed
    assert 'id="use-location" hidden' in html  # shown only when the script runs
    assert "Use my location" in client.get("/?lang=en").text
    assert "いのちが あぶない" in client.get("/?lang=easy").text


def test_form_post_stores_and_lands_on_the_status_page(
    client: TestClient, session: Session, redis_conn: redis.Redis
) -> None:
    nonce = nonce_of(client.get("/").text)
    form = {
        "text": "給水所はどこですか",
        "contact": "+819011112222",
        "lat": "37.04",
        "lon": "136.96",
        "lang": "en",
        "nonce": nonce,
    }
    response = client.post("/", data=form, follow_redirects=False)
    assert response.status_code == 303
    inquiry = session.scalars(select(Inquiry)).one()
    assert response.headers["location"] == f"/status/{inquiry.public_token}?lang=en"
    assert (inquiry.channel, inquiry.sender) == ("web", "+819011112222")
    assert (inquiry.reported_lat, inquiry.reported_lon) == (37.04, 136.96)

    # A double click sends the same nonce: still one inquiry.
    client.post("/", data=form, follow_redirects=False)
    session.expire_all()
    assert len(session.scalars(select(Inquiry)).all()) == 1

    status = client.get(response.headers["location"])
    assert "Your inquiry" in status.text and "119" in status.text
    # Times are shown in Japan time (stored as UTC).
    received = inquiry.received_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert received.strftime("%Y-%m-%d %H:%M JST") in status.text
    assert " UTC" not in status.text


def test_empty_form_is_shown_again_with_the_reason(client: TestClient, session: Session) -> None:
    response = client.post("/", data={"text": "  ", "nonce": "abc"})
    assert response.status_code == 422
    assert "お問い合わせ内容を書いてください" in response.text
    assert session.scalars(select(Inquiry)).all() == []


def test_follow_up_from_the_status_page_continues_the_conversation(
    client: TestClient, session: Session, session_factory: sessionmaker[Session]
) -> None:
    first = post_inquiry(client, "家に閉じ込められています")
    token = first["status_url"].rsplit("/", 1)[1]
    response = client.post(
        f"/status/{token}/messages",
        data={"text": "2階にいます。3人です", "nonce": "n1"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    # A bare browser location improves the open inquiry instead of making a new one.
    client.post(f"/status/{token}/messages", data={"lat": "37.1", "lon": "136.9", "nonce": "n2"})

    session.expire_all()
    root = session.get(Inquiry, first["id"])
    assert root is not None
    messages = threads.conversation(root, session=session)
    assert [m.text for m in messages] == ["家に閉じ込められています", "2階にいます。3人です", ""]
    assert messages[1].status == InquiryStatus.RECEIVED  # triaged on its own
    assert (root.reported_lat, root.reported_lon) == (37.1, 136.9)
    added = [
        e
        for e in service.get_inquiry(root.id, session=session, with_history=True).events
        if e.kind == EventKind.MESSAGE_ADDED
    ]
    assert len(added) == 2

    # Staff see the whole thread; a staff reply to the follow-up shows on the first link.
    token_staff = make_staff(session_factory, "resp", Role.RESPONDER)
    detail = client.get(f"/api/v1/inquiries/{root.id}", headers=bearer(token_staff)).json()
    assert [m["text"] for m in detail["thread"]] == ["2階にいます。3人です", ""]
    # A person answers once the follow-up is triaged (here by hand).
    messages[1].status = InquiryStatus.TRIAGED
    session.commit()
    reply = client.post(
        f"/api/v1/inquiries/{messages[1].id}/reply",
        json={"text": "向かいます"},
        headers=bearer(token_staff),
    )
    assert reply.status_code == 202
    status = client.get(f"/status/{token}", headers={"Accept": "application/json"}).json()
    assert [r["text"] for r in status["replies"]] == ["向かいます"]
    assert "2階にいます" in client.get(f"/status/{token}").text


def test_follow_up_to_an_unknown_link_is_404(client: TestClient) -> None:
    response = client.post("/status/nope/messages", data={"text": "a", "nonce": "n"})
    assert response.status_code == 404


def test_sender_limit_answers_429_with_retry_after(client: TestClient, session: Session) -> None:
    for _ in range(10):
        post_inquiry(client, "水がほしい", contact="+819099998888")
    response = client.post("/api/v1/inquiries", json={"text": "水", "contact": "+819099998888"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    # Someone else on the same network is not blocked by that sender's limit.
    post_inquiry(client, "水がほしい", contact="+819000000001")
    session.expire_all()
    assert len(session.scalars(select(Inquiry)).all()) == 11


def test_retry_of_an_accepted_request_is_never_refused(client: TestClient) -> None:
    first = post_inquiry(client, "水", contact="+819077776666", headers={"Idempotency-Key": "k1"})
    for _ in range(12):
        client.post("/api/v1/inquiries", json={"text": "水", "contact": "+819077776666"})
    again = client.post(
        "/api/v1/inquiries",
        json={"text": "水", "contact": "+819077776666"},
        headers={"Idempotency-Key": "k1"},
    )
    assert again.status_code == 202
    assert again.json() == first


def test_ip_limit_covers_many_senders(settings: Settings, redis_conn: redis.Redis) -> None:
    tight = settings.model_copy(update={"rate_limit_per_ip": "5/minute"})
    with TestClient(create_app(tight, redis_conn=redis_conn)) as client:
        statuses = [
            client.post("/api/v1/inquiries", json={"text": "水", "contact": f"c{i}"}).status_code
            for i in range(6)
        ]
    assert statuses == [202] * 5 + [429]
