"""Triage one stored inquiry end to end: run the pipeline, write its outcome, queue what
goes out. The decision itself is the pipeline's (`triage.routing`); this module only
applies it to the record.

Safe to run twice: it checks the record's state first and writes with a conditional
update, so a duplicate job does nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy import update
from sqlalchemy.orm import Session

from channels.base import GeoPoint
from channels.registry import capabilities_of
from triage.assessment.schemas import FLAG_DISPUTED, Category, Priority, Route, most_urgent
from triage.core.db import session_scope, utcnow
from triage.core.metrics import INQUIRIES_ROUTED, RECEIPT_TO_ROUTED_SECONDS
from triage.core.queues import enqueue_send_reply
from triage.core.resources import Resources
from triage.inquiries import replies, service, threads
from triage.inquiries.ask_back import ask_for_location, merge_location_into_thread
from triage.inquiries.refinement import request_refinement
from triage.inquiries.tables import EventKind, Inquiry, InquiryStatus
from triage.routing.pipeline import MessageFacts, TriageOutcome, TriagePipeline

log = logging.getLogger(__name__)

# After this many failed attempts the machine gives up and a person decides (fail urgent).
MAX_TRIAGE_ATTEMPTS = 4

STATUS_AFTER_ROUTE = {
    Route.CLOSED: InquiryStatus.CLOSED,
    Route.AUTO_REPLY: InquiryStatus.ANSWERED,
    Route.URGENT: InquiryStatus.TRIAGED,
    Route.STAFF: InquiryStatus.TRIAGED,
}


def triage_inquiry(inquiry_id: str, *, resources: Resources, pipeline: TriagePipeline) -> None:
    """Assess, geotag and route one stored inquiry; queue its automatic reply, if any."""
    with session_scope(resources.session_factory) as session:
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
            _route_to_human_after_failures(session, inquiry, pipeline)
            return
        outcome = pipeline.run(inquiry.text, message_facts(inquiry, session=session))
        reply_ids = _apply_outcome(session, inquiry, outcome, pipeline)
        if reply_ids is None:
            return
    INQUIRIES_ROUTED.labels(route=outcome.route, priority=outcome.assessment.priority).inc()
    _observe_receipt_to_routed(inquiry, outcome.assessment.priority)
    log.info(
        "inquiry routed",
        extra={
            "inquiry_id": inquiry_id,
            "priority": str(outcome.assessment.priority),
            "route": str(outcome.route),
        },
    )
    for reply_id in reply_ids:
        enqueue_send_reply(resources.redis, reply_id, resources.settings.job_retry_intervals)
    if pipeline.engine.llm is not None:
        request_refinement(resources.redis, inquiry_id)


def _observe_receipt_to_routed(inquiry: Inquiry, priority: str) -> None:
    """Seconds from receipt (the API's clock) to now (this worker's); skew reads as 0."""
    waited = (utcnow() - inquiry.received_at).total_seconds()
    RECEIPT_TO_ROUTED_SECONDS.labels(priority=priority).observe(max(0.0, waited))


def message_facts(inquiry: Inquiry, *, session: Session) -> MessageFacts:
    """What the channel and the conversation say about a stored message."""
    gps = None
    if inquiry.reported_lat is not None and inquiry.reported_lon is not None:
        gps = GeoPoint(lat=inquiry.reported_lat, lon=inquiry.reported_lon)
    return MessageFacts(
        language_hint=inquiry.language,
        gps=gps,
        can_ask_back=capabilities_of(inquiry.channel).can_ask_back,
        conversation_route=threads.conversation_route(inquiry, session=session),
    )


def _apply_outcome(
    session: Session, inquiry: Inquiry, outcome: TriageOutcome, pipeline: TriagePipeline
) -> list[int] | None:
    """Write the outcome if nobody else has; returns the replies to send, or None if raced."""
    assessment = outcome.assessment
    location = outcome.location.model_dump(mode="json") if outcome.location else None
    updated = session.execute(
        update(Inquiry)
        .where(Inquiry.id == inquiry.id, Inquiry.status == InquiryStatus.RECEIVED)
        .values(
            status=STATUS_AFTER_ROUTE[outcome.route],
            priority=assessment.priority,
            category=assessment.category,
            language=assessment.language,
            assessment=assessment.model_dump(mode="json"),
            disputed=FLAG_DISPUTED in assessment.flags,  # only with an LLM's reading
            location=location,
            lgcode=outcome.location.lgcode if outcome.location else None,
            route=outcome.route,
            playbook_id=outcome.playbook_id,
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
    queued = []
    if outcome.answer is not None:
        queued.append(
            replies.add_reply(
                inquiry,
                pipeline.answers.render(outcome.answer, outcome.location),
                author=replies.PLAYBOOK_AUTHOR,
                session=session,
                language=outcome.answer.language,
                playbook_id=outcome.answer.playbook_id,
                playbook_version=outcome.answer.version,
            )
        )
    if outcome.decision.ask_for_location:
        asked = ask_for_location(inquiry, assessment.language, session=session)
        if asked is not None:
            queued.append(asked)
    merge_location_into_thread(inquiry, outcome.location, session=session)
    session.commit()
    return [r.id for r in queued]


def _route_to_human_after_failures(
    session: Session, inquiry: Inquiry, pipeline: TriagePipeline
) -> None:
    """Automatic triage keeps failing: put it in front of a person as urgent, at least
    P2, and P1 when the local layers (if they still run) say so."""
    priority, category = Priority.URGENT_NEED, Category.OTHER
    try:
        local = pipeline.engine.assess_local(inquiry.text, language_hint=inquiry.language)
    except Exception:  # the very thing that keeps failing may be the assessment
        log.exception("local assessment failed too", extra={"inquiry_id": inquiry.id})
    else:
        priority = most_urgent(priority, local.priority)
        if local.priority is priority:
            category = local.category
        inquiry.assessment = local.model_dump(mode="json")
        inquiry.language = local.language
    inquiry.status = InquiryStatus.TRIAGED
    inquiry.priority = priority
    inquiry.category = category
    inquiry.route = Route.URGENT
    inquiry.triaged_at = utcnow()
    service.record_event(
        session,
        inquiry.id,
        EventKind.TRIAGE_FAILED,
        detail={
            "attempts": inquiry.attempts,
            "priority": str(priority),
            "action": "routed to the urgent queue for a person",
        },
    )
    session.commit()
    _observe_receipt_to_routed(inquiry, priority)
    log.error("triage failed repeatedly; routed to a person", extra={"inquiry_id": inquiry.id})
