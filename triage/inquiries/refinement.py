"""LLM refinement after routing. The local verdict routes an inquiry at once; the LLM's
reading lands later and may only raise the priority (fail urgent).

The refined reading goes through the same routing as first triage
(`triage.routing.decision.decide_after_raise`): a raise to P1/P2 moves the inquiry to the
urgent queue and cancels any automatic answer not sent yet. The LLM's place expressions
go through the gazetteer (never trusted as coordinates) and may make a coarse location
finer, recorded with source `llm`.

RQ runs one job at a time, which with a 2-second LLM would mean 0.5 inquiries a second.
So triage jobs push ids onto a Redis list, and one `drain` job on the `refine` queue
keeps up to `max_in_flight` LLM calls going at once until the list is empty. A Redis
flag makes sure a drain job is queued whenever ids are waiting.

Refinement is an upgrade, not a record: if Redis loses the list, those inquiries keep
their (already routed) local verdict.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.registry import capabilities_of
from triage.assessment.schemas import (
    FLAG_DISPUTED,
    FLAG_INJECTION,
    Assessment,
    Priority,
    Route,
    most_urgent,
)
from triage.core.db import session_scope, utcnow
from triage.core.queues import enqueue_refine_drain, enqueue_send_reply
from triage.core.resources import Resources
from triage.core.surge_flag import publish_surge_state
from triage.geo.schemas import GeoLocation, LocationPrecision, LocationSource
from triage.inquiries import replies, service, threads
from triage.inquiries.ask_back import ask_for_location
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus
from triage.routing.decision import RouteContext, decide_after_raise, has_words
from triage.routing.pipeline import TriagePipeline

log = logging.getLogger(__name__)

PENDING_KEY = "triage:refine:pending"
DRAIN_QUEUED_FLAG = "triage:refine:drain-queued"
DEFAULT_MAX_IN_FLIGHT = 64
FLAG_TTL_SECONDS = 300


def request_refinement(redis_conn: redis.Redis, inquiry_id: str) -> None:
    """Ask for the LLM's reading of a routed inquiry."""
    redis_conn.rpush(PENDING_KEY, inquiry_id)
    if redis_conn.set(DRAIN_QUEUED_FLAG, "1", nx=True, ex=FLAG_TTL_SECONDS):
        enqueue_refine_drain(redis_conn)


@dataclass(frozen=True)
class RefinementInput:
    inquiry_id: str
    text: str
    local: Assessment
    channel: str


@dataclass
class RefinementResult:
    raised: bool = False
    reply_ids: list[int] = field(default_factory=list)  # to send (the location question)


_PRECISION_RANK = {
    LocationPrecision.PREFECTURE: 0,
    LocationPrecision.MUNICIPALITY: 1,
    LocationPrecision.TOWN: 2,
    LocationPrecision.POINT: 3,
}


def _load(resources: Resources, inquiry_id: str) -> RefinementInput | None:
    with session_scope(resources.session_factory) as session:
        inquiry = session.get(Inquiry, inquiry_id)
        if inquiry is None or inquiry.assessment is None:
            return None
        if inquiry.status in (InquiryStatus.RESOLVED, InquiryStatus.RECEIVED):
            return None
        return RefinementInput(
            inquiry.id, inquiry.text, Assessment.model_validate(inquiry.assessment), inquiry.channel
        )


def _settled(inquiry_id: str, session: Session) -> bool:
    """Whether a person already settled a dispute on this inquiry (either way)."""
    settled = session.scalar(
        select(InquiryEvent.id)
        .where(
            InquiryEvent.inquiry_id == inquiry_id,
            InquiryEvent.kind.in_((EventKind.SETTLED, EventKind.RECLASSIFIED)),
        )
        .limit(1)
    )
    return settled is not None


def apply_refinement(
    inquiry_id: str, refined: Assessment, *, session: Session, pipeline: TriagePipeline
) -> RefinementResult:
    """Store the refined assessment; raise the priority and re-route if it is more
    urgent; take a finer place from it. Never lowers anything."""
    inquiry = service.get_inquiry(inquiry_id, session=session)
    current = Priority(inquiry.priority) if inquiry.priority else Priority.ROUTINE
    final = most_urgent(current, refined.priority)
    result = RefinementResult(raised=final is not current)
    inquiry.assessment = refined.model_dump(mode="json")
    # The LLM read it the other way on needing a person: the priority stays, a person
    # settles it (`state.settle_dispute`); until then it ranks after undisputed ones.
    # A dispute a person already settled stays settled if the job runs again.
    inquiry.disputed = FLAG_DISPUTED in refined.flags and not _settled(inquiry_id, session)
    inquiry.updated_at = utcnow()
    _take_finer_location(inquiry, refined, session=session, pipeline=pipeline)
    detail: dict[str, object] = {"engine": str(refined.engine), "flags": list(refined.flags)}
    if result.raised:
        inquiry.priority = final
        inquiry.category = refined.category
        detail.update({"from": str(current), "to": str(final)})
        decision = decide_after_raise(
            refined.model_copy(update={"priority": final}),
            Route(inquiry.route) if inquiry.route else None,
            _route_context(inquiry, session=session),
        )
        if decision is not None:
            detail["rerouted_from"] = inquiry.route
            detail["route"] = str(decision.route)
            inquiry.route = decision.route
            if inquiry.status in (InquiryStatus.ANSWERED, InquiryStatus.CLOSED):
                inquiry.status = InquiryStatus.TRIAGED
            cancelled = replies.cancel_automatic_answers(
                inquiry.id, f"raised to {final} by the LLM", session=session
            )
            if cancelled:
                detail["cancelled_replies"] = cancelled
            if decision.ask_for_location:
                asked = ask_for_location(inquiry, refined.language, session=session)
                if asked is not None:
                    result.reply_ids.append(asked.id)
    service.record_event(session, inquiry.id, EventKind.REASSESSED, actor="llm", detail=detail)
    return result


def _route_context(inquiry: Inquiry, *, session: Session) -> RouteContext:
    return RouteContext(
        has_words=has_words(inquiry.text),
        conversation_route=threads.conversation_route(inquiry, session=session),
        can_ask_back=capabilities_of(inquiry.channel).can_ask_back,
        has_gps=inquiry.reported_lat is not None,
        location=GeoLocation.model_validate(inquiry.location) if inquiry.location else None,
    )


def _take_finer_location(
    inquiry: Inquiry, refined: Assessment, *, session: Session, pipeline: TriagePipeline
) -> None:
    """The LLM's place expressions, read through the gazetteer, replace a coarser place."""
    if not refined.location_expressions or inquiry.reported_lat is not None:
        return
    try:
        found = pipeline.locate(
            inquiry.text,
            hints=refined.location_expressions,
            talks_to_machine=FLAG_INJECTION in refined.flags,
        )
    except Exception as error:  # a place is an upgrade: the raise above must still land
        log.error("geotagging the LLM's places failed", extra={"error": type(error).__name__})
        return
    if found is None or found.source is not LocationSource.LLM:
        return
    stored = GeoLocation.model_validate(inquiry.location) if inquiry.location else None
    if not _finer(found, stored):
        return
    inquiry.location = found.model_dump(mode="json")
    inquiry.lgcode = found.lgcode
    service.record_event(
        session,
        inquiry.id,
        EventKind.LOCATION_UPDATED,
        actor="llm",
        detail={"source": str(found.source), "precision": str(found.precision)},
    )


def _finer(found: GeoLocation, stored: GeoLocation | None) -> bool:
    if stored is None or stored.source is LocationSource.CHANNEL_HINT:
        return True
    return _PRECISION_RANK[found.precision] > _PRECISION_RANK[stored.precision]


def drain_pending(
    *,
    resources: Resources,
    pipeline: TriagePipeline,
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
) -> int:
    """Refine every waiting inquiry, `max_in_flight` LLM calls at a time. Returns the count."""
    # Cleared first: ids pushed from now on queue another drain, so none is stranded.
    resources.redis.delete(DRAIN_QUEUED_FLAG)
    return asyncio.run(_drain(resources, pipeline, max_in_flight))


async def _drain(resources: Resources, pipeline: TriagePipeline, max_in_flight: int) -> int:
    redis_conn = resources.redis
    engine = pipeline.engine
    done_count = 0
    in_flight: set[asyncio.Task[None]] = set()
    while True:
        while len(in_flight) < max_in_flight:
            raw = redis_conn.lpop(PENDING_KEY)
            if raw is None:
                break
            inquiry_id = raw.decode() if isinstance(raw, bytes) else str(raw)
            in_flight.add(asyncio.create_task(_refine_one(resources, pipeline, inquiry_id)))
        engine.surge.observe_backlog(int(redis_conn.llen(PENDING_KEY)))
        publish_surge_state(redis_conn, engine.surge_active)
        if not in_flight:
            return done_count
        finished, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
        for task in finished:
            if task.exception() is not None:
                log.error("refinement failed", exc_info=task.exception())
        done_count += len(finished)


async def _refine_one(resources: Resources, pipeline: TriagePipeline, inquiry_id: str) -> None:
    loaded = await asyncio.to_thread(_load, resources, inquiry_id)
    if loaded is None:
        return
    refined = await pipeline.engine.refine(loaded.text, loaded.local, {"channel": loaded.channel})
    if refined is loaded.local:
        return  # nothing new (no LLM call was made)

    def store() -> RefinementResult:
        with session_scope(resources.session_factory) as session:
            result = apply_refinement(inquiry_id, refined, session=session, pipeline=pipeline)
            session.commit()
        for reply_id in result.reply_ids:
            enqueue_send_reply(resources.redis, reply_id, resources.settings.job_retry_intervals)
        return result

    if (await asyncio.to_thread(store)).raised:
        log.warning("LLM raised an inquiry's priority", extra={"inquiry_id": inquiry_id})
