"""The staff API: filters, urgency order, claim/release/resolve/reply."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import bearer, make_staff, post_inquiry
from triage.auth.tables import Role
from triage.core.db import utcnow
from triage.core.errors import ConflictError
from triage.core.queues import QueueName, get_queue
from triage.core.settings import Settings
from triage.inquiries import service, state
from triage.inquiries.schemas import MAX_ROW_ID
from triage.inquiries.sweeper import sweep_once
from triage.inquiries.tables import Inquiry, InquiryStatus, Reply


def _triage_by_hand(
    session_factory: sessionmaker[Session], inquiry_id: str, priority: str, route: str, age_min: int
) -> None:
    with session_factory() as session:
        session.execute(
            update(Inquiry)
            .where(Inquiry.id == inquiry_id)
            .values(
                priority=priority,
                route=route,
                status=InquiryStatus.TRIAGED,
                received_at=utcnow() - timedelta(minutes=age_min),
            )
        )
        session.commit()


def test_filters_and_urgency_order(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    ids = {
        name: post_inquiry(client, name)["id"]
        for name in ("p2-old", "p1-new", "p1-old", "p3", "untriaged")
    }
    _triage_by_hand(session_factory, ids["p2-old"], "P2", "urgent", 50)
    _triage_by_hand(session_factory, ids["p1-new"], "P1", "urgent", 1)
    _triage_by_hand(session_factory, ids["p1-old"], "P1", "urgent", 30)
    _triage_by_hand(session_factory, ids["p3"], "P3", "staff", 40)

    urgent = client.get("/api/v1/inquiries?route=urgent", headers=bearer(token)).json()
    assert [i["text"] for i in urgent["items"]] == ["p1-old", "p1-new", "p2-old"]
    assert urgent["total"] == 3

    everything = client.get("/api/v1/inquiries", headers=bearer(token)).json()
    assert everything["items"][0]["text"] == "untriaged"  # not yet triaged may be urgent

    newest = client.get("/api/v1/inquiries?sort=newest", headers=bearer(token)).json()
    assert newest["items"][0]["text"] == "untriaged"
    assert newest["items"][1]["text"] == "p1-new"

    p3 = client.get("/api/v1/inquiries?priority=P3&channel=web", headers=bearer(token)).json()
    assert [i["text"] for i in p3["items"]] == ["p3"]
    assert client.get("/api/v1/inquiries?sort=sideways", headers=bearer(token)).status_code == 422
    huge = "/api/v1/inquiries?offset=99999999999999999999"
    assert client.get(huge, headers=bearer(token)).status_code == 422


def test_claim_release_resolve_and_reply(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    ken = make_staff(session_factory, "ken", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "母と連絡が取れません")["id"]
    _triage_by_hand(session_factory, inquiry_id, "P2", "urgent", 5)

    claimed = client.post(f"/api/v1/inquiries/{inquiry_id}/claim", headers=bearer(aya))
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == "aya"
    assert (
        client.post(f"/api/v1/inquiries/{inquiry_id}/claim", headers=bearer(ken)).status_code == 409
    )
    assert (
        client.post(f"/api/v1/inquiries/{inquiry_id}/release", headers=bearer(ken)).status_code
        == 409
    )
    assert (
        client.post(f"/api/v1/inquiries/{inquiry_id}/release", headers=bearer(aya)).json()[
            "claimed_by"
        ]
        is None
    )

    reply = client.post(
        f"/api/v1/inquiries/{inquiry_id}/reply",
        json={"text": "担当者が確認に向かいます"},
        headers=bearer(ken),
    )
    assert reply.status_code == 202
    assert reply.json()["replies"][0]["text"] == "担当者が確認に向かいます"
    assert reply.json()["replies"][0]["status"] == "queued"

    resolved = client.post(f"/api/v1/inquiries/{inquiry_id}/resolve", headers=bearer(ken)).json()
    assert resolved["status"] == "resolved"
    kinds = [e["kind"] for e in resolved["events"]]
    assert kinds == ["received", "claimed", "released", "replied", "resolved"]
    assert [e["actor"] for e in resolved["events"]][1:] == ["aya", "aya", "ken", "ken"]

    assert client.get("/api/v1/inquiries/nope", headers=bearer(aya)).status_code == 404


def test_an_untriaged_inquiry_cannot_be_claimed(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """Claiming before triage would stop the triage job from ever routing it."""
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "家に閉じ込められています")["id"]
    response = client.post(f"/api/v1/inquiries/{inquiry_id}/claim", headers=bearer(token))
    assert response.status_code == 409
    assert "still being triaged" in response.json()["detail"]
    with session_factory() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None and inquiry.status == InquiryStatus.RECEIVED


@pytest.mark.parametrize("racers", [2, 8])
def test_responders_racing_for_one_inquiry_exactly_one_wins(
    client: TestClient, session_factory: sessionmaker[Session], racers: int
) -> None:
    """Real concurrency: each responder claims from its own thread and session at the
    same instant (a barrier); the conditional update lets exactly one of them win."""
    inquiry_id = post_inquiry(client, "母と連絡が取れません")["id"]
    _triage_by_hand(session_factory, inquiry_id, "P2", "urgent", 5)
    start = threading.Barrier(racers)

    def claim_as(name: str) -> str | None:
        with session_factory() as session:
            start.wait()
            try:
                state.claim_inquiry(inquiry_id, name, session=session)
                session.commit()
            except ConflictError:
                return None
            return name

    with ThreadPoolExecutor(racers) as pool:
        outcomes = list(pool.map(claim_as, [f"responder-{n}" for n in range(racers)]))

    winners = [name for name in outcomes if name is not None]
    assert len(winners) == 1
    with session_factory() as session:
        inquiry = service.get_inquiry(inquiry_id, session=session, with_history=True)
        assert inquiry.claimed_by == winners[0]
        assert [e.actor for e in inquiry.events if e.kind == "claimed"] == winners


def _post(client: TestClient, token: str, inquiry_id: str, action: str, **body: object) -> int:
    response = client.post(
        f"/api/v1/inquiries/{inquiry_id}/{action}", json=body or None, headers=bearer(token)
    )
    return response.status_code


def test_only_the_claim_holder_or_an_admin_may_reply_release_or_resolve(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    ken = make_staff(session_factory, "ken", Role.RESPONDER)
    boss = make_staff(session_factory, "boss", Role.ADMIN)
    inquiry_id = post_inquiry(client, "母と連絡が取れません")["id"]
    _triage_by_hand(session_factory, inquiry_id, "P2", "urgent", 5)
    assert _post(client, aya, inquiry_id, "claim") == 200

    assert _post(client, ken, inquiry_id, "reply", text="向かいます") == 409
    assert _post(client, ken, inquiry_id, "resolve") == 409
    assert _post(client, ken, inquiry_id, "release") == 409
    assert _post(client, aya, inquiry_id, "reply", text="向かいます") == 202
    assert _post(client, boss, inquiry_id, "resolve", outcome="helped", note="救助済み") == 200

    with session_factory() as session:
        inquiry = service.get_inquiry(inquiry_id, session=session, with_history=True)
        resolved = [e for e in inquiry.events if e.kind == "resolved"]
        assert resolved[0].actor == "boss"
        assert resolved[0].detail == {"outcome": "helped", "note": "救助済み"}
    # Resolved: no more replies, no second resolve, no claim.
    assert _post(client, aya, inquiry_id, "reply", text="追加") == 409
    assert _post(client, aya, inquiry_id, "resolve") == 409
    assert _post(client, aya, inquiry_id, "claim") == 409
    assert _post(client, aya, inquiry_id, "resolve", outcome="sideways") == 422


def test_an_inquiry_not_yet_triaged_cannot_be_resolved(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """Resolving it would take it away from triage for good."""
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "家に閉じ込められています")["id"]  # status: received
    response = client.post(f"/api/v1/inquiries/{inquiry_id}/resolve", headers=bearer(aya))
    assert response.status_code == 409
    assert "triaged" in response.json()["detail"]
    with session_factory() as session:
        assert service.get_inquiry(inquiry_id, session=session).status == "received"


def test_a_retried_staff_reply_with_the_same_key_is_one_reply(
    client: TestClient, session_factory: sessionmaker[Session], redis_conn: redis.Redis
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "母と連絡が取れません")["id"]
    _triage_by_hand(session_factory, inquiry_id, "P2", "urgent", 5)
    headers = {**bearer(aya), "Idempotency-Key": "reply-1"}
    for _ in range(3):
        response = client.post(
            f"/api/v1/inquiries/{inquiry_id}/reply", json={"text": "向かいます"}, headers=headers
        )
        assert response.status_code == 202
    assert len(response.json()["replies"]) == 1
    assert get_queue(QueueName.OUTBOUND, redis_conn).count == 1


def test_a_staff_reply_is_accepted_when_redis_is_down_and_sent_by_the_sweeper(
    client: TestClient,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    settings: Settings,
) -> None:
    """Committed, then enqueued: a failed enqueue must not answer 500 (the retry would
    queue a second message); the sweeper finds the queued reply instead."""
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "母と連絡が取れません")["id"]
    _triage_by_hand(session_factory, inquiry_id, "P2", "urgent", 5)
    resources = client.app.state.resources  # type: ignore[attr-defined]
    working = resources.redis
    resources.redis = redis.Redis(port=1, socket_connect_timeout=0.2)
    try:
        response = client.post(
            f"/api/v1/inquiries/{inquiry_id}/reply",
            json={"text": "向かいます"},
            headers=bearer(aya),
        )
    finally:
        resources.redis = working
    assert response.status_code == 202
    (queued,) = response.json()["replies"]
    with session_factory() as session:
        session.execute(
            update(Reply)
            .where(Reply.id == queued["id"])
            .values(updated_at=utcnow() - timedelta(minutes=5))
        )
        session.commit()
    sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings)
    assert get_queue(QueueName.OUTBOUND, redis_conn).job_ids == [f"send-reply-{queued['id']}"]


def test_a_reply_id_too_large_for_the_column_is_refused_not_a_crash(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """Found by the OpenAPI fuzz: resending reply 2**63 overflowed SQLite's INTEGER (500)."""
    headers = bearer(make_staff(session_factory, "aya", Role.RESPONDER))
    for reply_id in (MAX_ROW_ID + 1, 2**63, -(2**63) - 1, 0):
        refused = client.post(f"/api/v1/replies/{reply_id}/resend", headers=headers)
        assert refused.status_code == 422, refused.text
    assert client.post(f"/api/v1/replies/{MAX_ROW_ID}/resend", headers=headers).status_code == 404


def test_the_openapi_schema_documents_what_the_routes_answer(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    claim = paths["/api/v1/inquiries/{inquiry_id}/claim"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409"} <= set(claim)
    assert {"400", "404", "409"} <= set(
        paths["/api/v1/inquiries/{inquiry_id}/reply"]["post"]["responses"]
    )


def test_unknown_filter_values_are_refused_not_an_empty_page(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    for query in ("route=bogus", "status=done", "priority=P9", "channel=fax", "lgcode=abc"):
        response = client.get(f"/api/v1/inquiries?{query}", headers=bearer(token))
        assert response.status_code == 422, query
    assert client.get("/api/v1/inquiries?channel=line", headers=bearer(token)).status_code == 200


def test_the_urgent_list_holds_open_inquiries_unless_asked_for_resolved_ones(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    open_id = post_inquiry(client, "母と連絡が取れません")["id"]
    done_id = post_inquiry(client, "父が倒れました")["id"]
    for inquiry_id in (open_id, done_id):
        _triage_by_hand(session_factory, inquiry_id, "P1", "urgent", 5)
    assert _post(client, token, done_id, "resolve", outcome="helped") == 200

    urgent = client.get("/api/v1/inquiries?route=urgent", headers=bearer(token)).json()
    assert [i["id"] for i in urgent["items"]] == [open_id]
    resolved = client.get(
        "/api/v1/inquiries?route=urgent&status=resolved", headers=bearer(token)
    ).json()
    assert [i["id"] for i in resolved["items"]] == [done_id]


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("notes", {"text": "電話した\x00"}),
        ("reply", {"text": "避難所は\x00市役所です"}),
        ("reclassify", {"priority": "P3", "reason": "誤\x00判定"}),
        ("resolve", {"outcome": "answered", "note": "a\x00b"}),
        ("reopen", {"note": "a\x00b"}),
    ],
)
def test_a_nul_character_in_staff_text_is_refused_not_a_crash(
    client: TestClient, session_factory: sessionmaker[Session], action: str, body: dict[str, object]
) -> None:
    """PostgreSQL's text columns refuse NUL (a 500 there, stored on SQLite): a 422 with
    the reason on every database, and nothing recorded."""
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "給水所はどこですか")["id"]
    _triage_by_hand(session_factory, inquiry_id, "P3", "staff", 5)
    before = client.get(f"/api/v1/inquiries/{inquiry_id}", headers=bearer(aya)).json()
    refused = client.post(
        f"/api/v1/inquiries/{inquiry_id}/{action}", json=body, headers=bearer(aya)
    )
    assert refused.status_code == 422, refused.text
    assert "NUL" in refused.text
    after = client.get(f"/api/v1/inquiries/{inquiry_id}", headers=bearer(aya)).json()
    assert after == before
