"""Intake shared by every channel: store first (committed), then enqueue, then acknowledge."""

from __future__ import annotations

import logging
import time

import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from channels.base import InboundMessage
from triage.db import session_scope
from triage.inquiries.service import (
    AcceptResult,
    accept_inbound,
    check_text_length,
    may_continue_a_thread,
    new_inquiry_id,
)
from triage.inquiries.store import Stored, new_inquiry_values, store_new, store_new_many
from triage.metrics import ENQUEUE_FAILURES, INQUIRIES_DUPLICATE, INQUIRIES_RECEIVED, INTAKE_SECONDS
from triage.queues import enqueue_assessment, enqueue_assessments
from triage.settings import Settings

log = logging.getLogger(__name__)


def receive_inbound(
    message: InboundMessage,
    *,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    settings: Settings,
) -> AcceptResult:
    """Store the message and enqueue its triage. Returns once the row is committed.

    If Redis is unreachable the inquiry is still stored and acknowledged: the sweeper
    enqueues it when Redis is back. Raises only if the database write fails, in which
    case the caller must not acknowledge.
    """
    started = time.perf_counter()
    result = _store(message, session_factory=session_factory, settings=settings)
    if not result.created:
        INQUIRIES_DUPLICATE.labels(channel=message.channel).inc()
        return result
    INQUIRIES_RECEIVED.labels(channel=message.channel).inc()
    if not result.needs_triage:
        log.info("message added to an open inquiry", extra={"inquiry_id": result.inquiry_id})
        return result
    try:
        enqueue_assessment(redis_conn, result.inquiry_id, settings.job_retry_intervals)
    except redis.RedisError:
        ENQUEUE_FAILURES.inc()
        log.error("enqueue failed; the sweeper will retry", extra={"inquiry_id": result.inquiry_id})
    INTAKE_SECONDS.observe(time.perf_counter() - started)
    log.info(
        "inquiry received", extra={"inquiry_id": result.inquiry_id, "channel": message.channel}
    )
    return result


def receive_new_batch(
    messages: list[InboundMessage], *, engine: Engine, redis_conn: redis.Redis, settings: Settings
) -> list[AcceptResult | Exception]:
    """`receive_inbound` for many messages that each start a new conversation (the API's
    group commit): one transaction and commit for all, then one Redis round trip to
    enqueue the new ones. Returns once the rows are committed, one result per message.

    As in `receive_inbound`: Redis down leaves the rows stored and acknowledged for the
    sweeper. A row the database refuses gets its error in place of a result (its request
    fails, the others stand); a database that is down raises for the whole batch.
    """
    started = time.perf_counter()
    stored = store_new_many(engine, [new_inquiry_values(m, new_inquiry_id()) for m in messages])
    created = [s.inquiry_id for s in stored if isinstance(s, Stored) and s.created]
    for message, result in zip(messages, stored, strict=True):
        if isinstance(result, Stored):
            counter = INQUIRIES_RECEIVED if result.created else INQUIRIES_DUPLICATE
            counter.labels(channel=message.channel).inc()
    try:
        enqueue_assessments(redis_conn, created, settings.job_retry_intervals)
    except redis.RedisError:
        ENQUEUE_FAILURES.inc(len(created))
        log.error("enqueue failed; the sweeper will retry", extra={"inquiry_ids": created})
    elapsed = time.perf_counter() - started
    for message, result in zip(messages, stored, strict=True):
        if isinstance(result, Stored) and result.created:
            INTAKE_SECONDS.observe(elapsed)
            log.info(
                "inquiry received",
                extra={"inquiry_id": result.inquiry_id, "channel": message.channel},
            )
    return [
        AcceptResult(s.inquiry_id, s.public_token, created=s.created)
        if isinstance(s, Stored)
        else s
        for s in stored
    ]


def _store(
    message: InboundMessage, *, session_factory: sessionmaker[Session], settings: Settings
) -> AcceptResult:
    """A message that may continue a conversation needs the thread's row (the ORM path);
    any other is stored in one statement (`triage.inquiries.store`)."""
    if may_continue_a_thread(message):
        with session_scope(session_factory) as session:
            return accept_inbound(
                message, session=session, max_text_length=settings.max_text_length
            )
    check_text_length(message, settings.max_text_length)
    stored = store_new(_engine_of(session_factory), new_inquiry_values(message, new_inquiry_id()))
    return AcceptResult(stored.inquiry_id, stored.public_token, created=stored.created)


def _engine_of(session_factory: sessionmaker[Session]) -> Engine:
    bind = session_factory.kw.get("bind")
    if not isinstance(bind, Engine):
        raise TypeError("intake needs a session factory bound to an engine")
    return bind
