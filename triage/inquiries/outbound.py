"""Send one queued reply through the channel the citizen used, exactly once.

The row is claimed (queued → sending) before the provider is called, and recorded after
(see `triage.inquiries.delivery` for the states). What happens when a send fails:

- the provider surely did not take it (429, 5xx answered, no connection): the claim is
  released and the error raised, so RQ retries with backoff; after the last attempt the
  reply is a dead letter;
- the provider refused for good (an invalid number, bad credentials): a dead letter at
  once: the inquiry goes back to staff with the reason;
- the answer was lost (a read timeout): the outcome is unknown, and `settle_unknown`
  asks the provider whether it has the message before anything is sent again.

An automatic answer is checked again just before it goes out: if the inquiry was raised
to P1/P2 since it was queued (the LLM's later reading), the answer is cancelled and a
person answers instead.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.orm import Session

from channels.base import (
    Lookup,
    OutboundReply,
    OutcomeUnknownError,
    PermanentSendError,
    TransientSendError,
)
from channels.registry import lookup_for, sender_for
from triage.assessment.schemas import Priority
from triage.core.db import session_scope
from triage.core.metrics import REPLIES_OUTCOME_UNKNOWN, REPLIES_SENT
from triage.core.queues import enqueue_send_reply
from triage.core.resources import Resources
from triage.core.settings import Settings
from triage.inquiries import delivery, optout, replies, service
from triage.inquiries.tables import EventKind, Inquiry, Reply, ReplyStatus
from triage.inquiries.threads import location_is_coarse
from triage.routing.decision import AUTOMATIC_ROUTES

log = logging.getLogger(__name__)


def may_answer_automatically(inquiry: Inquiry) -> bool:
    """Whether an automatic answer may still go to this inquiry as it stands now."""
    if inquiry.priority is not None and Priority(inquiry.priority).needs_human:
        return False
    return inquiry.route in AUTOMATIC_ROUTES


def send_reply(reply_id: int, *, resources: Resources) -> None:
    settings = resources.settings
    with session_scope(resources.session_factory) as session:
        reply = replies.get_reply(reply_id, session=session)
        if reply.status != ReplyStatus.QUEUED:
            return  # sent, being sent, or settled: a duplicate job does nothing
        inquiry = service.get_inquiry(reply.inquiry_id, session=session)
        if reply.author in replies.AUTOMATIC_ANSWER_AUTHORS and not may_answer_automatically(
            inquiry
        ):
            replies.cancel_automatic_answers(
                inquiry.id, "the inquiry now needs a person", session=session
            )
            session.commit()
            log.warning("automatic answer cancelled", extra={"reply_id": reply_id})
            return
        if inquiry.sender and optout.is_opted_out(reply.channel, inquiry.sender, session=session):
            _suppress(session, reply, inquiry)
            return
        if not delivery.claim(reply.id, session=session):
            session.rollback()
            return  # another job claimed it first
        session.commit()
        session.refresh(reply)
        outbound = outbound_reply(reply, inquiry, settings)
        try:
            result = sender_for(reply.channel, settings).send(outbound)
        except PermanentSendError as error:
            if error.recipient_opted_out and inquiry.sender:
                optout.opt_out(reply.channel, inquiry.sender, "provider", session=session)
            delivery.dead_letter(reply, str(error), session=session, status=ReplyStatus.FAILED)
            session.commit()
            return
        except OutcomeUnknownError as error:
            REPLIES_OUTCOME_UNKNOWN.labels(channel=reply.channel).inc()
            delivery.mark_unknown(reply, str(error), session=session)
            session.commit()
            _settle(reply, inquiry, resources, session=session)
            return
        except TransientSendError as error:
            if reply.attempts >= delivery.MAX_REPLY_ATTEMPTS:
                delivery.dead_letter(
                    reply,
                    f"gave up after {reply.attempts} attempts: {error}",
                    session=session,
                    status=ReplyStatus.FAILED,
                )
                session.commit()
                return
            delivery.release(reply, session=session)
            session.commit()
            raise  # RQ retries with backoff
        delivery.mark_sent(reply, result, session=session)
        if result.method == "reply":
            inquiry.reply_token = None  # a LINE reply token works once
        session.commit()
    REPLIES_SENT.labels(channel=reply.channel).inc()


def settle_unknown(reply_id: int, *, resources: Resources) -> None:
    """A reply whose outcome is unknown (its answer was lost, or its worker died while
    sending): ask the provider, and only then send, record or hand to a person."""
    with session_scope(resources.session_factory) as session:
        reply = replies.get_reply(reply_id, session=session)
        if reply.status == ReplyStatus.SENDING:
            delivery.mark_unknown(reply, "the send job stopped before it finished", session=session)
            session.commit()
        if reply.status != ReplyStatus.UNKNOWN:
            return
        inquiry = service.get_inquiry(reply.inquiry_id, session=session)
        _settle(reply, inquiry, resources, session=session)


def _settle(reply: Reply, inquiry: Inquiry, resources: Resources, *, session: Session) -> None:
    settings = resources.settings
    lookup = lookup_for(reply.channel, settings)
    outbound = outbound_reply(reply, inquiry, settings)
    answer, result = (Lookup.CANNOT_TELL, None)
    if lookup is not None:
        answer, result = lookup.lookup(outbound, since=reply.created_at)
    if answer is Lookup.SENT and result is not None:
        delivery.mark_sent(reply, result, session=session)
        session.commit()
        log.info("lost answer settled: the provider has it", extra={"reply_id": reply.id})
    elif answer is Lookup.NOT_SENT:
        reply.status = ReplyStatus.QUEUED
        session.commit()
        log.info("lost answer settled: not sent; queued again", extra={"reply_id": reply.id})
        enqueue_send_reply(resources.redis, reply.id, settings.job_retry_intervals)
    else:
        delivery.dead_letter(
            reply,
            "it may or may not have reached the citizen; check before sending again",
            session=session,
            status=ReplyStatus.UNKNOWN,
        )
        session.commit()


def outbound_reply(reply: Reply, inquiry: Inquiry, settings: Settings) -> OutboundReply:
    return OutboundReply(
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
