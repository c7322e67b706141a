"""A disputed verdict on the inquiry page: both readings side by side, and one form per
reading to settle it (the same function as `POST /api/v1/inquiries/{id}/settle`)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.console.test_pages import headers, triaged
from tests.helpers import bearer, make_staff, post_inquiry
from triage.auth.tables import Role
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus

# What `combine` stores when the rules say P1 and the LLM P4.
DISPUTED_ASSESSMENT = {
    "priority": "P1",
    "category": "rescue",
    "language": "ja",
    "confidence": 0.9,
    "engine": "rules",
    "verdicts": [
        {
            "engine": "rules",
            "priority": "P1",
            "category": "rescue",
            "confidence": 0.9,
            "reasons": ["閉じ込め"],
        },
        {
            "engine": "llm",
            "priority": "P4",
            "category": "other",
            "confidence": 0.8,
            "reasons": ["llm: 冗談の投稿"],
        },
    ],
    "flags": ["disputed"],
}


def disputed_inquiry(client: TestClient, session_factory: sessionmaker[Session]) -> str:
    inquiry_id = str(post_inquiry(client, "閉じ込められた（冗談です）")["id"])
    triaged(session_factory, inquiry_id, "P1", "urgent", category="rescue", disputed=True)
    with session_factory() as session:
        session.execute(
            update(Inquiry).where(Inquiry.id == inquiry_id).values(assessment=DISPUTED_ASSESSMENT)
        )
        session.commit()
    return inquiry_id


def stored(session_factory: sessionmaker[Session], inquiry_id: str) -> Inquiry:
    with session_factory() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None
        return inquiry


def test_the_page_shows_both_readings_and_keeping_the_priority_settles_it(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    inquiry_id = disputed_inquiry(client, session_factory)
    page = f"/console/inquiries/{inquiry_id}"

    shown = client.get(page, headers=headers(aya)).text
    assert 'id="dispute"' in shown and "判定が割れています" in shown
    local = shown.split('id="reading-local"')[1].split('id="reading-llm"')[0]
    llm = shown.split('id="reading-llm"')[1]
    assert "P1 命に関わる" in local and "閉じ込め" in local and "緊急のまま" in local
    assert "P4 対応不要" in llm and "冗談の投稿" in llm and "P4として扱う" in llm
    english = client.get(f"{page}?lang=en", headers=headers(aya)).text
    assert "Keep as it is" in english and "Treat as P4" in english

    kept = client.post(f"{page}/settle", data={"accept": "local"}, headers=headers(aya))
    assert "判定の相違を確認しました" in kept.text
    assert 'id="dispute"' not in kept.text  # settled: no readings to choose from
    inquiry = stored(session_factory, inquiry_id)
    assert (inquiry.priority, inquiry.disputed, inquiry.route) == ("P1", False, "urgent")
    with session_factory() as session:
        settled = session.scalars(
            select(InquiryEvent).where(
                InquiryEvent.inquiry_id == inquiry_id, InquiryEvent.kind == EventKind.SETTLED
            )
        ).one()
    assert settled.actor == "aya"
    assert settled.detail["accepted"] == "local"
    assert settled.detail["llm"] == {"priority": "P4", "category": "other"}

    again = client.post(f"{page}/settle", data={"accept": "llm"}, headers=headers(aya))
    assert "not disputed" in again.text  # a message on the page, not an error page
    assert stored(session_factory, inquiry_id).priority == "P1"


def test_treating_it_as_the_llm_reads_reclassifies_it_and_keeps_it_with_staff(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    ken = make_staff(session_factory, "ken", Role.RESPONDER)
    inquiry_id = disputed_inquiry(client, session_factory)
    page = f"/console/inquiries/{inquiry_id}"
    client.post(f"{page}/claim", headers=headers(aya))
    refused = client.post(f"{page}/settle", data={"accept": "llm"}, headers=headers(ken))
    assert "already claimed by aya" in refused.text
    assert stored(session_factory, inquiry_id).disputed is True

    client.post(f"{page}/settle", data={"accept": "llm"}, headers=headers(aya))
    inquiry = stored(session_factory, inquiry_id)
    assert (inquiry.priority, inquiry.category, inquiry.disputed) == ("P4", "other", False)
    assert (inquiry.route, inquiry.status) == ("urgent", InquiryStatus.CLAIMED)
    with session_factory() as session:
        reason = session.scalars(
            select(InquiryEvent.detail).where(
                InquiryEvent.inquiry_id == inquiry_id,
                InquiryEvent.kind == EventKind.RECLASSIFIED,
            )
        ).one()["reason"]
    assert reason.startswith("判定の相違を確認: ")
    assert (
        client.post(f"{page}/settle", data={"accept": "sideways"}, headers=headers(aya)).status_code
        == 422
    )


def test_a_disputed_item_comes_after_an_undisputed_one_of_its_priority_everywhere(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """The queue page and "next most urgent" share `urgency_order`: within P1 the
    undisputed item comes first even though the disputed one has waited longer."""
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    disputed_id = disputed_inquiry(client, session_factory)
    triaged(session_factory, disputed_id, "P1", "urgent", age_min=30, disputed=True)
    agreed_id = str(post_inquiry(client, "家の下敷きになっている")["id"])
    triaged(session_factory, agreed_id, "P1", "urgent", age_min=1)

    queue = client.get("/console", headers=headers(aya)).text
    order = re.findall(r'<tr class="row [^"]*" data-id="([0-9a-f]+)"', queue)
    assert order == [agreed_id, disputed_id]
    taken = client.post("/api/v1/inquiries/next", headers=bearer(aya)).json()
    assert taken["id"] == agreed_id
    missing = client.post(
        f"/api/v1/inquiries/{'0' * 32}/settle", json={"accept": "llm"}, headers=bearer(aya)
    )
    assert missing.status_code == 404
    undisputed = client.post(
        f"/api/v1/inquiries/{agreed_id}/settle", json={"accept": "local"}, headers=bearer(aya)
    )
    assert undisputed.status_code == 409
