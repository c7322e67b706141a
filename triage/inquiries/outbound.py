"""Send one queued reply through the channel the citizen used.

Safe to run twice: only a reply still queued is sent. An automatic answer is checked
again just before it goes out: if the inquiry was raised to P1/P2 since it was queued
(the LLM's later reading), the answer is cancelled and a person answers instead.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.orm import Session

from channels.base import OutboundReply, PermanentSendError
from channels.registry import sender_for
from triage.assessment.schemas import Priority, Route
from triage.core.db import session_scope, utcnow
from triage.core.metrics import REPLIES_SENT
from triage.core.resources import Resources
from triage.inquiries import optout, replies, service
from triage.inquiries.tables import EventKind, Inquiry, Reply, ReplyStatus
from triage.inquiries.threads import location_is_coarse

log = logging.getLogger(__name__)

# Only these routes are answered by the machine alone.
_AUTOMATIC_ROUTES = frozenset({Route.AUTO_REPLY, Route.CLOSED})


def may_answer_automatically(inquiry: Inquiry) -> bool:
    """Whether an automatic answer may still go to this inquiry as it stands now."""
    if inquiry.priority is not None and Priority(inquiry.priority).needs_human:
        return False
    return inquiry.route in _AUTOMATIC_ROUTES


def send_reply(reply_id: int, *, resources: Resources) -> None:
    """A transient provider error propagates so RQ retries with backoff; a permanent one
    marks the reply failed and leaves an event for staff."""
    settings = resources.settings
    with session_scope(resources.session_factory) as session:
        reply = replies.get_reply(reply_id, session=session)
        if reply.status != ReplyStatus.QUEUED:
            return
        inquiry = service.get_inquiry(reply.inquiry_id, session=session)
        if reply.author in replies.AUTOMATIC_ANSWER_AUTHORS and not may_answer_automatically(
            inquiry
        ):
            replies.cancel_automatic_answers(
                inquiry.id, "the inquiry now needs a person", session=session
            )
            session.commit()
            log.warning(
                "automatic answer cancelled: a person answers", extra={"reply_id": reply_id}
            )
            return
        if inquiry.sender and optout.is_opted_out(reply.channel, inquiry.sender, session=session):
            _suppress(session, reply, inquiry)
            return
        reply.attempts += 1
        session.commit()
        outbound = OutboundReply(
            channel=reply.channel,
            recipient=inquiry.sender or "",
            text=reply.text,
            reply_token=inquiry.reply_token,
            reply_token_issued_at=inquiry.received_at,
            ask_location=reply.ask_location or location_is_coarse(inquiry),
            status_url=settings.status_url_for(inquiry.public_token),
            language=reply.language or inquiry.language,
            # Stable per reply: LINE's X-Line-Retry-Key turns a retried push into one message.
            idempotency_key=str(uuid.uuid5(uuid.NAMESPACE_URL, f"triage/{inquiry.id}/{reply.id}")),
        )
        try:
            result = sender_for(reply.channel, settings).send(outbound)
        except PermanentSendError as error:
            reply.status = ReplyStatus.FAILED
            reply.error = str(error)
            service.record_event(
                session,
                inquiry.id,
                EventKind.REPLY_FAILED,
                detail={"reply_id": reply.id, "error": str(error)},
            )
            session.commit()
            return
        reply.status = result.status if result.status in set(ReplyStatus) else ReplyStatus.SENT
        reply.provider_message_id = result.provider_message_id
        reply.send_method = result.method
        reply.segments = result.segments
        reply.sent_at = utcnow()
        if result.method == "reply":
            inquiry.reply_token = None  # a LINE reply token works once
        service.record_event(
            session,
            inquiry.id,
            EventKind.REPLY_SENT,
            detail={
                "reply_id": reply.id,
                "method": result.method,
                "provider_message_id": result.provider_message_id,
                "segments": result.segments,
            },
        )
        session.commit()
    REPLIES_SENT.labels(channel=reply.channel).inc()


def _suppress(session: Session, reply: Reply, inquiry: Inquiry) -> None:
    """The citizen opted out (SMS STOP, LINE block): the reply is kept, never sent."""
    reply.status = ReplyStatus.SUPPRESSED
    reply.error = "the recipient opted out"
    service.record_event(
        session,
        inquiry.id,
        EventKind.REPLY_FAILED,
        detail={"reply_id": reply.id, "suppressed": "the recipient opted out"},
    )
    session.commit()
    log.info("reply suppressed: opted out", extra={"reply_id": reply.id})
