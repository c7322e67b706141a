"""What a responder does, in one place for the staff API and the console's forms, so the
two can never disagree: the next most urgent item, replies (safe to retry), resolving
an incident with its reports, and looking at a contact (audited).

Functions take `*, session` and commit what they did themselves where a later step
(enqueueing a reply) must only happen after the commit.
"""

from __future__ import annotations

import logging

import redis
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from triage.assessment.schemas import Route
from triage.core.errors import ConflictError, NotFoundError
from triage.core.metrics import ENQUEUE_FAILURES
from triage.core.queues import enqueue_send_reply
from triage.inquiries import incidents, replies, state
from triage.inquiries.service import get_inquiry, record_event, urgency_order
from triage.inquiries.tables import EventKind, Inquiry, InquiryStatus, Reply

log = logging.getLogger(__name__)

# Urgent before staff; within each, the console's order (priority, then the longest wait).
_ROUTE_ORDER = (Route.URGENT.value, Route.STAFF.value)
_NEXT_ATTEMPTS = 5


def claim_next(actor: state.Actor, *, session: Session) -> Inquiry:
    """Claim the most urgent inquiry nobody holds. Two responders pressing together get
    two different items: a claim that loses the race moves on to the next one."""
    for _ in range(_NEXT_ATTEMPTS):
        for route in _ROUTE_ORDER:
            candidate = session.scalar(
                select(Inquiry.id)
                .where(
                    Inquiry.route == route,
                    Inquiry.status == InquiryStatus.TRIAGED,
                    Inquiry.claimed_by.is_(None),
                    or_(Inquiry.incident_id.is_(None), Inquiry.incident_id == Inquiry.id),
                )
                .order_by(*urgency_order())
                .limit(1)
            )
            if candidate is None:
                continue
            try:
                inquiry = state.claim_inquiry(candidate, actor, session=session)
            except ConflictError:
                break  # someone was faster: look again from the top
            session.commit()
            return inquiry
        else:
            raise NotFoundError("nothing waiting: every open inquiry is claimed or answered")
    raise ConflictError("the queue is changing fast; try again")


def reply(
    inquiry_id: str,
    text: str,
    actor: state.Actor,
    *,
    session: Session,
    redis_conn: redis.Redis,
    retry_intervals: tuple[int, ...],
    client_key: str | None = None,
    author: str | None = None,
    playbook_id: str | None = None,
    playbook_version: int | None = None,
    language: str | None = None,
    machine_drafted: bool = False,
) -> list[Reply]:
    """A person's reply to the citizen, and to every report merged into this incident
    (each through the channel its citizen used). With the same `client_key` a retried
    request finds the first reply instead of queuing another. Committed, then enqueued:
    if Redis is down the sweeper sends it later."""
    if client_key is not None:
        existing = replies.find_by_client_key(inquiry_id, client_key, session=session)
        if existing is not None:
            return [existing]
    inquiry = state.check_may_reply(inquiry_id, actor, session=session)
    recipients = [inquiry, *incidents.members(inquiry.id, session=session)]
    created = [
        replies.add_reply(
            target,
            text,
            author=author or actor.name,
            session=session,
            client_key=client_key if target is inquiry else None,
            playbook_id=playbook_id,
            playbook_version=playbook_version,
            language=language,
            machine_drafted=machine_drafted,
        )
        for target in recipients
    ]
    session.commit()
    for new_reply in created:
        enqueue_committed_reply(redis_conn, new_reply.id, retry_intervals)
    return created


def enqueue_committed_reply(
    redis_conn: redis.Redis, reply_id: int, retry_intervals: tuple[int, ...]
) -> None:
    """The reply is committed: a Redis failure now must not answer 500 (a retried request
    would queue a second message). The sweeper sends a queued reply Redis never got."""
    try:
        enqueue_send_reply(redis_conn, reply_id, retry_intervals)
    except redis.RedisError:
        ENQUEUE_FAILURES.inc()
        log.error("reply enqueue failed; the sweeper will send it", extra={"reply_id": reply_id})


def resolve(
    inquiry_id: str,
    actor: state.Actor,
    *,
    session: Session,
    outcome: state.Outcome | None = None,
    note: str | None = None,
) -> Inquiry:
    """Resolve an inquiry; an incident's reports are resolved with it (same outcome)."""
    inquiry = state.resolve_inquiry(inquiry_id, actor, session=session, outcome=outcome, note=note)
    for member in incidents.members(inquiry.id, session=session):
        if member.status in (InquiryStatus.RESOLVED, InquiryStatus.CLOSED):
            continue
        member.status = InquiryStatus.RESOLVED
        detail: dict[str, object] = {"incident": inquiry.id}
        if outcome is not None:
            detail["outcome"] = str(outcome)
        record_event(session, member.id, EventKind.RESOLVED, actor=actor.name, detail=detail)
    session.commit()
    return inquiry


def reveal_contact(inquiry_id: str, actor: state.Actor, *, session: Session) -> str | None:
    """The sender's contact, written to the record first: who looked, and when."""
    inquiry = get_inquiry(inquiry_id, session=session)
    record_event(session, inquiry.id, EventKind.CONTACT_REVEALED, actor=actor.name)
    session.commit()
    return inquiry.sender
