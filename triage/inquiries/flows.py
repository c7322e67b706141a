"""Work that spans packages: triage an inquiry end to end, send a reply, sweep.

Every function here is safe to run twice: it checks the record's state first and
changes it with a conditional update, so a duplicate job does nothing.
"""

from __future__ import annotations

import logging
import uuid

import redis
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from channels import optout
from channels.base import OutboundReply, PermanentSendError
from channels.registry import sender_for
from triage.assessment.schemas import Category, Priority, Route
from triage.db import session_scope, utcnow
from triage.inquiries import service
from triage.inquiries.ask_back import merge_location_into_thread, plan_ask_back
from triage.inquiries.refinement import request_refinement
from triage.inquiries.tables import EventKind, Inquiry, InquiryStatus, Reply, ReplyStatus
from triage.inquiries.views import status_url_for
from triage.metrics import INQUIRIES_ROUTED, REPLIES_SENT
from triage.pipeline import TriageOutcome, TriagePipeline
from triage.queues import enqueue_send_reply
from triage.settings import Settings

log = logging.getLogger(__name__)

# After this many failed attempts the machine gives up and a person decides (fail urgent).
MAX_TRIAGE_ATTEMPTS = 4


def triage_inquiry(
    inquiry_id: str,
    *,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    pipeline: TriagePipeline,
    settings: Settings,
) -> None:
    """Assess, geotag and route one stored inquiry; queue its automatic reply, if any."""
    with session_scope(session_factory) as session:
        inquiry = session.get(Inquiry, inquiry_id)
        if inquiry is None:
            log.warning("triage job for unknown inquiry", extra={"inquiry_id": inquiry_id})
            return
        if inquiry.status != InquiryStatus.RECEIVED:
            return  # already triaged: a duplicate delivery of the job
        attempt = inquiry.attempts + 1
        inquiry.attempts = attempt
        session.commit()  # counted before the work, so a crash still counts

        if attempt > MAX_TRIAGE_ATTEMPTS:
            _route_to_human_after_failures(session, inquiry)
            return
        gps = None
        if inquiry.reported_lat is not None and inquiry.reported_lon is not None:
            from channels.base import GeoPoint

            gps = GeoPoint(lat=inquiry.reported_lat, lon=inquiry.reported_lon)
        outcome = pipeline.run(inquiry.text, language_hint=inquiry.language, gps=gps)
        reply_ids = _apply_outcome(session, inquiry, outcome)
        if reply_ids is None:
            return
    INQUIRIES_ROUTED.labels(route=outcome.route, priority=outcome.assessment.priority).inc()
    log.info(
        "inquiry routed",
        extra={
            "inquiry_id": inquiry_id,
            "priority": str(outcome.assessment.priority),
            "route": str(outcome.route),
        },
    )
    for reply_id in reply_ids:
        enqueue_send_reply(redis_conn, reply_id, settings.job_retry_intervals)
    if pipeline.engine.llm is not None:
        request_refinement(redis_conn, inquiry_id)


def _apply_outcome(session: Session, inquiry: Inquiry, outcome: TriageOutcome) -> list[int] | None:
    """Write the outcome if nobody else has; returns the replies to send, or None if raced."""
    assessment = outcome.assessment
    new_status = {
        Route.CLOSED: InquiryStatus.CLOSED,
        Route.AUTO_REPLY: InquiryStatus.ANSWERED,
    }.get(outcome.route, InquiryStatus.TRIAGED)
    location = outcome.location.model_dump(mode="json") if outcome.location else None
    updated = session.execute(
        update(Inquiry)
        .where(Inquiry.id == inquiry.id, Inquiry.status == InquiryStatus.RECEIVED)
        .values(
            status=new_status,
            priority=assessment.priority,
            category=assessment.category,
            language=assessment.language,
            assessment=assessment.model_dump(mode="json"),
            location=location,
            lgcode=outcome.location.lgcode if outcome.location else None,
            route=outcome.route,
            playbook_id=outcome.reply.playbook_id if outcome.reply else None,
            triaged_at=utcnow(),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        return None
    service.record_event(
        session,
        inquiry.id,
        EventKind.ASSESSED,
        detail={
            "priority": str(assessment.priority),
            "category": str(assessment.category),
            "engine": str(assessment.engine),
            "reasons": [r for v in assessment.verdicts for r in v.reasons],
        },
    )
    service.record_event(
        session, inquiry.id, EventKind.ROUTED, detail={"route": str(outcome.route)}
    )
    replies: list[Reply] = []
    if outcome.reply is not None:
        replies.append(
            service.add_reply(
                inquiry,
                outcome.reply.text,
                author="playbook",
                session=session,
                language=outcome.reply.language,
                playbook_id=outcome.reply.playbook_id,
            )
        )
    ask = plan_ask_back(
        inquiry, outcome.route, outcome.location, assessment.language, session=session
    )
    if ask is not None:
        replies.append(ask)
    merge_location_into_thread(inquiry, outcome.location, session=session)
    session.commit()
    return [r.id for r in replies]


def _route_to_human_after_failures(session: Session, inquiry: Inquiry) -> None:
    """Automatic triage keeps failing: put it in front of a person as urgent."""
    inquiry.status = InquiryStatus.TRIAGED
    inquiry.priority = Priority.URGENT_NEED
    inquiry.category = Category.OTHER
    inquiry.route = Route.URGENT
    inquiry.triaged_at = utcnow()
    service.record_event(
        session,
        inquiry.id,
        EventKind.TRIAGE_FAILED,
        detail={"attempts": inquiry.attempts, "action": "routed to the urgent queue for a person"},
    )
    session.commit()
    log.error("triage failed repeatedly; routed to a person", extra={"inquiry_id": inquiry.id})


def send_reply(
    reply_id: int, *, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    """Send one queued reply through the channel the citizen used.

    A transient provider error propagates so RQ retries with backoff; a permanent one
    marks the reply failed and leaves an event for staff.
    """
    with session_scope(session_factory) as session:
        reply = service.get_reply(reply_id, session=session)
        if reply.status != ReplyStatus.QUEUED:
            return
        inquiry = service.get_inquiry(reply.inquiry_id, session=session)
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
            ask_location=reply.ask_location or service.location_is_coarse(inquiry),
            status_url=status_url_for(settings.public_url, inquiry.public_token),
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
