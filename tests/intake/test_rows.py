"""Storing a delivery: exactly one row per (channel, provider id), however many
deliveries race and through whichever path, and the "received" event committed with it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from channels.base import InboundMessage
from triage.core.db import utcnow
from triage.core.queues import QueueName, get_queue
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries.service import new_inquiry_id
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus
from triage.intake.port import Accepted, Delivery, IntakePort
from triage.intake.rows import Stored, inquiry_values, store_new_many

RACERS = 8


def web_message(provider_message_id: str, text: str = "給水所はどこですか") -> InboundMessage:
    return InboundMessage(
        channel="web", provider_message_id=provider_message_id, text=text, received_at=utcnow()
    )


def store_new(engine: Engine, values: dict[str, object]) -> Stored:
    """A batch of one is a batch."""
    (stored,) = store_new_many(engine, [values])
    assert isinstance(stored, Stored), stored
    return stored


def count(session: Session, table: type[Inquiry] | type[InquiryEvent]) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(table)) or 0


def test_a_new_delivery_is_stored_with_its_received_event(
    db_engine: Engine, session: Session
) -> None:
    stored = store_new(db_engine, inquiry_values(web_message("key:a"), new_inquiry_id()))

    assert stored.created
    inquiry = session.get(Inquiry, stored.inquiry_id)
    assert inquiry is not None
    assert inquiry.status == InquiryStatus.RECEIVED
    assert inquiry.public_token == stored.public_token
    assert inquiry.conversation_id == inquiry.id
    assert inquiry.attachments == []
    assert inquiry.enqueued_at is not None
    events = session.scalars(select(InquiryEvent)).all()
    assert [(e.inquiry_id, e.kind, e.detail) for e in events] == [
        (inquiry.id, EventKind.RECEIVED, {"channel": "web"})
    ]


def test_concurrent_duplicate_deliveries_make_one_inquiry(
    db_engine: Engine, session: Session
) -> None:
    start = threading.Barrier(RACERS)

    def deliver(_: int) -> Stored:
        values = inquiry_values(web_message("key:double-click"), new_inquiry_id())
        start.wait()
        return store_new(db_engine, values)

    with ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(deliver, range(RACERS)))

    assert sum(r.created for r in results) == 1
    assert len({(r.inquiry_id, r.public_token) for r in results}) == 1
    assert count(session, Inquiry) == 1
    assert count(session, InquiryEvent) == 1


def test_concurrent_duplicates_through_intake_enqueue_once(
    settings: Settings, session_factory: sessionmaker[Session], redis_conn: redis.Redis
) -> None:
    start = threading.Barrier(RACERS)

    port = IntakePort(Resources(settings, session_factory.kw["bind"], session_factory, redis_conn))

    def deliver(_: int) -> str:
        start.wait()
        (result,) = port.accept([Delivery(web_message("key:retried"))])
        assert isinstance(result, Accepted), result
        return result.inquiry_id

    with ThreadPoolExecutor(RACERS) as pool:
        ids = set(pool.map(deliver, range(RACERS)))

    assert len(ids) == 1
    assert get_queue(QueueName.TRIAGE, redis_conn).count == 1


def test_a_dead_pooled_connection_is_replaced_and_the_message_stored(
    db_engine: Engine, session: Session
) -> None:
    """Without pre-ping, a connection the server dropped is met by the statement itself."""
    if db_engine.dialect.name != "postgresql":
        pytest.skip("only a server can drop a connection")
    store_new(db_engine, inquiry_values(web_message("key:before"), new_inquiry_id()))
    with db_engine.connect() as admin:
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        admin.commit()

    stored = store_new(db_engine, inquiry_values(web_message("key:after"), new_inquiry_id()))

    assert stored.created
    assert count(session, Inquiry) == 2


def test_a_row_the_database_refuses_does_not_fail_its_batch(
    db_engine: Engine, session: Session
) -> None:
    """One bad row (here a missing text, refused on both backends) fails only itself."""
    rows = [inquiry_values(web_message(f"form:{n}"), new_inquiry_id()) for n in range(3)]
    rows[1]["text"] = None
    results = store_new_many(db_engine, rows)
    assert isinstance(results[0], Stored) and results[0].created
    assert isinstance(results[1], Exception)
    assert isinstance(results[2], Stored) and results[2].created
    assert count(session, Inquiry) == 2
