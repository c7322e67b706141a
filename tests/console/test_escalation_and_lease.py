"""An urgent inquiry nobody takes is announced to the on-call list once; a claim whose
holder went quiet goes back to the queue. Both run from the sweeper."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.channels.payloads import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM
from tests.console.test_pages import triaged
from tests.fakes.twilio_server import FakeTwilio
from tests.helpers import bearer, make_staff, post_inquiry
from triage.auth.tables import Role
from triage.core.db import utcnow
from triage.core.queues import QueueName, get_queue
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries.escalation import notify_oncall
from triage.inquiries.sweeper import sweep_once
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus

ONCALL = "+819099990000"


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilio(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).start()
    yield server
    server.stop()


def test_an_unclaimed_p1_past_its_sla_is_announced_once_without_the_citizens_words(
    client: TestClient,
    settings: Settings,
    resources: Resources,
    redis_conn: redis.Redis,
    session_factory: sessionmaker[Session],
    fake_twilio: FakeTwilio,
) -> None:
    late = post_inquiry(client, "父が瓦礫の下にいます")["id"]
    on_time = post_inquiry(client, "水が出ません")["id"]
    triaged(session_factory, late, "P1", "urgent", age_min=6)  # the P1 SLA is 5 minutes
    triaged(session_factory, on_time, "P2", "urgent", age_min=6)  # the P2 SLA is 30
    configured = Settings(
        **{
            **settings.model_dump(),
            "oncall_contacts": f"sms:{ONCALL}",
            "twilio_account_sid": TWILIO_ACCOUNT_SID,
            "twilio_auth_token": TWILIO_AUTH_TOKEN,
            "twilio_from": TWILIO_FROM,
            "twilio_api_base": fake_twilio.base_url,
        }
    )
    get_queue(QueueName.OUTBOUND, redis_conn).empty()
    sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=configured)
    sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=configured)
    jobs = get_queue(QueueName.OUTBOUND, redis_conn).job_ids
    assert jobs == [f"escalate-{late}"]  # once, and only the breach

    on_resources = Resources(configured, resources.engine, session_factory, redis_conn)
    assert notify_oncall(late, resources=on_resources) == 1
    (sms,) = fake_twilio.sent
    assert sms.to == ONCALL and "SLA超過" in sms.body and f"/console/inquiries/{late}" in sms.body
    assert "瓦礫" not in sms.body  # the citizen's words stay in the console
    with session_factory() as session:
        kinds = session.scalars(
            select(InquiryEvent.kind).where(InquiryEvent.inquiry_id == late)
        ).all()
    assert kinds.count(EventKind.ESCALATED) == 1


def test_a_quiet_claim_lapses_back_into_the_queue_and_an_active_one_stays(
    client: TestClient,
    settings: Settings,
    redis_conn: redis.Redis,
    session_factory: sessionmaker[Session],
) -> None:
    aya = make_staff(session_factory, "aya", Role.RESPONDER)
    quiet = post_inquiry(client, "quiet")["id"]
    busy = post_inquiry(client, "busy")["id"]
    for inquiry_id in (quiet, busy):
        triaged(session_factory, inquiry_id, "P2", "urgent")
        client.post(f"/api/v1/inquiries/{inquiry_id}/claim", headers=bearer(aya))
    with session_factory() as session:
        session.execute(
            update(Inquiry)
            .where(Inquiry.id.in_([quiet, busy]))
            .values(claim_active_at=utcnow() - timedelta(seconds=settings.claim_lease_seconds + 5))
        )
        session.commit()
    # The holder acts on one of them: its lease starts again.
    client.post(f"/api/v1/inquiries/{busy}/notes", json={"text": "電話中"}, headers=bearer(aya))

    sweep_once(session_factory=session_factory, redis_conn=redis_conn, settings=settings)
    with session_factory() as session:
        lapsed = session.get(Inquiry, quiet)
        kept = session.get(Inquiry, busy)
        assert lapsed is not None and kept is not None
        assert (lapsed.status, lapsed.claimed_by) == (InquiryStatus.TRIAGED, None)
        assert (kept.status, kept.claimed_by) == (InquiryStatus.CLAIMED, "aya")
        lapse = session.scalars(
            select(InquiryEvent.detail).where(
                InquiryEvent.inquiry_id == quiet, InquiryEvent.kind == EventKind.CLAIM_LAPSED
            )
        ).one()
    assert lapse["holder"] == "aya"
