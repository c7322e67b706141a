"""The console's pages and forms, through the app: what a responder sees and does.

Forms are posted with a bearer token (the CSRF check applies to cookie sessions; the
browser tests sign in for real)."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import bearer, make_staff, post_inquiry
from triage.auth.tables import Role
from triage.core.db import utcnow
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus, Reply

HTML = {"Accept": "text/html"}


def triaged(
    session_factory: sessionmaker[Session],
    inquiry_id: str,
    priority: str,
    route: str,
    *,
    age_min: int = 0,
    **values: object,
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
                assessment={
                    "verdicts": [
                        {"engine": "rules", "priority": priority, "reasons": ["閉じ込め"]},
                        {"engine": "local_model", "priority": "P3", "urgent_probability": 0.4},
                    ],
                    "flags": [],
                },
                **values,
            )
        )
        session.commit()


def headers(token: str) -> dict[str, str]:
    return {**bearer(token), **HTML}


def test_the_queue_shows_the_most_urgent_first_with_reasons_and_sla(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    ids = {
        t: post_inquiry(client, t)["id"] for t in ("二階に取り残された", "水が欲しい", "母が倒れた")
    }
    triaged(session_factory, ids["水が欲しい"], "P2", "urgent", age_min=40)
    triaged(session_factory, ids["二階に取り残された"], "P1", "urgent", age_min=10)
    triaged(session_factory, ids["母が倒れた"], "P1", "urgent", age_min=1, disputed=True)

    page = client.get("/console", headers=headers(token))
    assert page.status_code == 200
    order = re.findall(r'<tr class="row [^"]*" data-id="([0-9a-f]+)"', page.text)
    assert order == [ids["二階に取り残された"], ids["母が倒れた"], ids["水が欲しい"]]
    assert "閉じ込め" in page.text  # the rule that put it there
    assert "判定が割れています" in page.text
    assert page.text.count('class="tag disputed"') == 1  # the stored mark, on its one row
    assert page.text.count("超過") == 2  # the P1 after 10 min and the P2 after 40 breach
    assert 'data-count="urgent">3<' in page.text

    body = client.get("/console/queue/body?queue=urgent", headers=headers(token))
    assert re.findall(r'data-id="([0-9a-f]+)"', body.text)[:1] == [ids["二階に取り残された"]]
    assert client.get("/console?queue=bogus", headers=headers(token)).status_code == 422
    assert client.get("/console?channel=fax", headers=headers(token)).status_code == 422


def test_a_signed_out_browser_goes_to_sign_in_and_a_coordinator_is_refused(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    signed_out = client.get("/console", headers=HTML, follow_redirects=False)
    assert (signed_out.status_code, signed_out.headers["location"]) == (303, "/console/login")
    coordinator = make_staff(session_factory, "mei", Role.COORDINATOR)
    assert client.get("/console", headers=headers(coordinator)).status_code == 403


def test_next_most_urgent_claims_the_top_item_nobody_holds(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    ken = make_staff(session_factory, "ken", Role.RESPONDER)
    first = post_inquiry(client, "first")["id"]
    second = post_inquiry(client, "second")["id"]
    triaged(session_factory, first, "P1", "urgent", age_min=5)
    triaged(session_factory, second, "P2", "urgent", age_min=50)

    taken = client.post("/console/next", headers=headers(aya), follow_redirects=False)
    assert taken.headers["location"] == f"/console/inquiries/{first}"
    again = client.post("/api/v1/inquiries/next", headers=bearer(ken)).json()
    assert (again["id"], again["claimed_by"]) == (second, "ken")
    nothing = client.post("/api/v1/inquiries/next", headers=bearer(ken))
    assert nothing.status_code == 404


def test_claim_reply_resolve_from_the_inquiry_page_and_a_colleague_is_refused(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    ken = make_staff(session_factory, "ken", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "家族と連絡が取れない", contact="+819012345678")["id"]
    triaged(session_factory, inquiry_id, "P2", "urgent")
    page = f"/console/inquiries/{inquiry_id}"

    shown = client.get(page, headers=headers(aya)).text
    assert "家族と連絡が取れない" in shown and "+819012345678" not in shown and "5678" in shown
    client.post(f"{page}/claim", headers=headers(aya))
    refused = client.post(f"{page}/reply", data={"text": "横取り"}, headers=headers(ken))
    assert "already claimed by aya" in refused.text  # the message on the page, not a 409

    key = {"text": "いま向かっています", "client_key": "form-1"}
    client.post(f"{page}/reply", data=key, headers=headers(aya))
    client.post(f"{page}/reply", data=key, headers=headers(aya))  # a double click
    client.post(f"{page}/resolve", data={"outcome": "helped"}, headers=headers(aya))
    with session_factory() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None and inquiry.status == InquiryStatus.RESOLVED
        replies = session.scalars(select(Reply.text).where(Reply.inquiry_id == inquiry_id)).all()
        assert replies == ["いま向かっています"]
    assert "helped" in client.get(page, headers=headers(aya)).text


def test_contact_reveal_is_recorded_and_never_put_in_a_cookie(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "連絡ください", contact="+819011112222")["id"]
    triaged(session_factory, inquiry_id, "P3", "staff")
    shown = client.post(f"/console/inquiries/{inquiry_id}/contact", headers=headers(aya))
    assert "+819011112222" in shown.text
    assert "+819011112222" not in str(shown.headers) and "819011112222" not in str(client.cookies)
    with session_factory() as session:
        kinds = session.scalars(
            select(InquiryEvent.actor).where(
                InquiryEvent.inquiry_id == inquiry_id,
                InquiryEvent.kind == EventKind.CONTACT_REVEALED,
            )
        ).all()
    assert kinds == ["aya"]


def test_note_reclassify_and_reopen_are_on_the_record(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "屋根が壊れた")["id"]
    triaged(session_factory, inquiry_id, "P2", "urgent")
    page = f"/console/inquiries/{inquiry_id}"
    client.post(f"{page}/note", data={"text": "消防に連絡済み"}, headers=headers(aya))
    missing_reason = client.post(
        f"{page}/reclassify", data={"priority": "P3", "reason": " "}, headers=headers(aya)
    )
    assert "理由を書いてください" in missing_reason.text
    client.post(
        f"{page}/reclassify", data={"priority": "P3", "reason": "けが人なし"}, headers=headers(aya)
    )
    client.post(f"{page}/resolve", data={"outcome": "referred"}, headers=headers(aya))
    client.post(f"{page}/reopen", headers=headers(aya))
    with session_factory() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None
        assert (inquiry.status, inquiry.priority) == (InquiryStatus.TRIAGED, "P3")
        events = session.execute(
            select(InquiryEvent.kind, InquiryEvent.detail).where(
                InquiryEvent.inquiry_id == inquiry_id
            )
        ).all()
    detail = {kind: d for kind, d in events}
    assert detail[EventKind.NOTE] == {"text": "消防に連絡済み"}
    assert detail[EventKind.RECLASSIFIED]["priority"] == {"from": "P2", "to": "P3"}
    assert EventKind.REOPENED in detail
    handover = client.get("/console/handover", headers=headers(aya)).text
    assert "aya: 消防に連絡済み" in handover


def test_a_routine_item_is_answered_with_a_playbook_in_one_click(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    from playbooks.seed import default_playbooks, seed_missing

    with session_factory() as session:
        seed_missing(default_playbooks(), session=session)
        session.commit()
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "罹災証明書はどこで申請できますか")["id"]
    triaged(session_factory, inquiry_id, "P3", "staff", category="certificates_support")
    page = client.get(f"/console/inquiries/{inquiry_id}", headers=headers(aya)).text
    assert 'name="playbook_id" value="damage_certificate"' in page
    client.post(
        f"/console/inquiries/{inquiry_id}/reply",
        data={"playbook_id": "damage_certificate", "client_key": "k1"},
        headers=headers(aya),
    )
    with session_factory() as session:
        reply = session.scalars(select(Reply).where(Reply.inquiry_id == inquiry_id)).one()
    assert (reply.playbook_id, reply.author) == ("damage_certificate", "aya")
    assert "罹災証明" in reply.text and "119" in reply.text  # the citizen's text, footer too
    unknown = client.post(
        f"/console/inquiries/{inquiry_id}/reply",
        data={"playbook_id": "no_such_thing"},
        headers=headers(aya),
    )
    assert "公開されていません" in unknown.text


def test_a_nul_character_in_a_console_form_is_refused_and_not_recorded(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """A forged form with NUL (no browser sends one) is a 422, as in the staff API,
    not a PostgreSQL 500; nothing is put on the record."""
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    inquiry_id = post_inquiry(client, "屋根が壊れた")["id"]
    triaged(session_factory, inquiry_id, "P3", "staff")
    refused = client.post(
        f"/console/inquiries/{inquiry_id}/note", data={"text": "a\x00b"}, headers=headers(aya)
    )
    assert refused.status_code == 422
    with session_factory() as session:
        kinds = session.scalars(
            select(InquiryEvent.kind).where(InquiryEvent.inquiry_id == inquiry_id)
        ).all()
    assert EventKind.NOTE not in kinds
