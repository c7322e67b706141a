"""A reply's way out, one state change at a time, so that no row is ever sent twice and
no reply that cannot be delivered is forgotten.

    queued ──claim──▶ sending ──▶ sent ──(delivery report)──▶ delivered | failed
      ▲                 │  │
      └──── release ────┘  └──▶ unknown ──lookup──▶ sent | queued | dead letter
                 (the provider surely did not take it)

- `claim` is a conditional update (queued → sending): of two jobs for one row, one
  sends and the other finds nothing to do.
- A lost answer, or a worker that died while sending (the sweeper finds the row still
  `sending`), makes the outcome unknown: the provider is asked where it can answer
  (Twilio's message list); where it cannot, a person decides. Nothing is resent blindly.
- A dead letter (a permanent refusal, the attempts used up, an unknown outcome nobody can
  settle) puts the inquiry back in front of staff with the reason and counts a metric;
  `resend` queues a copy as a new row, so the old row is still never sent twice.

Functions take `*, session`; the caller commits.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from channels.base import SendResult
from triage.assessment.schemas import Route
from triage.core.db import utcnow
from triage.core.errors import ConflictError
from triage.core.metrics import REPLIES_DEAD_LETTERED
from triage.inquiries.replies import get_reply
from triage.inquiries.service import get_inquiry, record_event
from triage.inquiries.tables import EventKind, InquiryStatus, Reply, ReplyStatus
from triage.routing.decision import WITH_A_PERSON

# Every send attempt counts, across RQ's retries and the sweeper's re-enqueues.
MAX_REPLY_ATTEMPTS = 8
DEAD_LETTER_STATUSES = (ReplyStatus.FAILED, ReplyStatus.UNKNOWN)


def claim(reply_id: int, *, session: Session) -> bool:
    """queued → sending, counting the attempt. False: another job has it, or it is done."""
    claimed = session.execute(
        update(Reply)
        .where(Reply.id == reply_id, Reply.status == ReplyStatus.QUEUED)
        .values(status=ReplyStatus.SENDING, attempts=Reply.attempts + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def release(reply: Reply, *, session: Session) -> None:
    """sending → queued: the provider surely did not take it, so a retry is safe."""
    _move(reply, ReplyStatus.SENDING, ReplyStatus.QUEUED, session=session)


def mark_sent(reply: Reply, result: SendResult, *, session: Session) -> None:
    reply.status = result.status if result.status in set(ReplyStatus) else ReplyStatus.SENT
    reply.provider_message_id = result.provider_message_id
    reply.send_method = result.method
    reply.segments = result.segments
    reply.sent_at = utcnow()
    reply.error = None
    record_event(
        session,
        reply.inquiry_id,
        EventKind.REPLY_SENT,
        detail={
            "reply_id": reply.id,
            "method": result.method,
            "provider_message_id": result.provider_message_id,
            "segments": result.segments,
        },
    )


def mark_unknown(reply: Reply, reason: str, *, session: Session) -> None:
    """sending → unknown: it may have reached the citizen; look it up before anything."""
    reply.status = ReplyStatus.UNKNOWN
    reply.error = reason
    record_event(
        session,
        reply.inquiry_id,
        EventKind.REPLY_OUTCOME_UNKNOWN,
        detail={"reply_id": reply.id, "reason": reason},
    )


def dead_letter(reply: Reply, reason: str, *, session: Session, status: ReplyStatus) -> None:
    """The reply cannot be delivered (FAILED) or nobody can tell whether it was
    (UNKNOWN): its inquiry goes back in front of staff with the reason."""
    reply.status = status
    reply.error = reason
    inquiry = get_inquiry(reply.inquiry_id, session=session)
    if inquiry.route not in WITH_A_PERSON:
        inquiry.route = Route.STAFF
    if inquiry.status in (InquiryStatus.ANSWERED, InquiryStatus.CLOSED):
        inquiry.status = InquiryStatus.TRIAGED
    inquiry.updated_at = utcnow()
    record_event(
        session,
        inquiry.id,
        EventKind.REPLY_DEAD_LETTERED,
        detail={"reply_id": reply.id, "reason": reason, "status": str(status)},
    )
    REPLIES_DEAD_LETTERED.labels(channel=reply.channel, status=str(status)).inc()


def record_delivery_status(
    provider_message_id: str, state: str, *, session: Session, error: str | None = None
) -> Reply | None:
    """Apply a provider's delivery report to the reply it sent (found by its message id).

    Reports can arrive out of order, so a reply never moves back from delivered or
    failed to sent. "Undelivered" or "failed" is a dead letter: the inquiry goes back to
    staff. Unknown ids (e.g. messages sent outside this service) are ignored.
    """
    reply = session.scalars(
        select(Reply).where(Reply.provider_message_id == provider_message_id)
    ).first()
    if reply is None:
        return None
    final = (ReplyStatus.DELIVERED, ReplyStatus.FAILED)
    if reply.status in final or state not in set(ReplyStatus):
        return reply
    if state == ReplyStatus.SENT and reply.status == ReplyStatus.SENT:
        return reply
    if state == ReplyStatus.FAILED:
        reason = error or "the provider reported it undelivered"
        dead_letter(reply, reason, session=session, status=ReplyStatus.FAILED)
        return reply
    reply.status = state
    if error:
        reply.error = error
    record_event(
        session,
        reply.inquiry_id,
        EventKind.REPLY_SENT,
        detail={"reply_id": reply.id, "delivery": state, **({"error": error} if error else {})},
    )
    return reply


def dead_letters(*, session: Session, limit: int = 100) -> list[Reply]:
    """Replies that could not be delivered (or may not have been) and were not resent."""
    return list(
        session.scalars(
            select(Reply)
            .where(Reply.status.in_(DEAD_LETTER_STATUSES), Reply.superseded_by.is_(None))
            .order_by(Reply.updated_at.desc())
            .limit(limit)
        ).all()
    )


def resend(reply_id: int, actor: str, *, session: Session) -> Reply:
    """Queue a dead letter again as a new row (the old one is never sent twice). The copy
    is the resending person's: the dead letter put the inquiry with staff, and an
    automatic answer is held there, so a copy authored "playbook" would be cancelled
    and the citizen would never get what staff chose to resend."""
    old = get_reply(reply_id, session=session)
    if old.status not in DEAD_LETTER_STATUSES or old.superseded_by is not None:
        raise ConflictError(f"reply {reply_id} is {old.status}; only a dead letter is resent")
    new = Reply(
        inquiry_id=old.inquiry_id,
        channel=old.channel,
        text=old.text,
        language=old.language,
        author=actor,
        playbook_id=old.playbook_id,
        playbook_version=old.playbook_version,
        ask_location=old.ask_location,
    )
    session.add(new)
    session.flush()
    old.superseded_by = new.id
    record_event(
        session,
        old.inquiry_id,
        EventKind.REPLY_RESENT,
        actor=actor,
        detail={"reply_id": old.id, "new_reply_id": new.id},
    )
    return new


def stuck_sending(older_than_seconds: float, *, session: Session, limit: int = 500) -> list[int]:
    """Replies a send job claimed and never finished (its worker died)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(
        session.scalars(
            select(Reply.id)
            .where(Reply.status == ReplyStatus.SENDING, Reply.updated_at < cutoff)
            .limit(limit)
        ).all()
    )


def out_of_attempts(*, session: Session, limit: int = 500) -> list[int]:
    """Queued replies that have used every attempt (RQ and the sweeper gave up)."""
    return list(
        session.scalars(
            select(Reply.id)
            .where(Reply.status == ReplyStatus.QUEUED, Reply.attempts >= MAX_REPLY_ATTEMPTS)
            .limit(limit)
        ).all()
    )


def _move(reply: Reply, source: ReplyStatus, target: ReplyStatus, *, session: Session) -> None:
    session.execute(
        update(Reply)
        .where(Reply.id == reply.id, Reply.status == source)
        .values(status=target, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.refresh(reply)
