"""LLM refinement after routing. The local verdict routes an inquiry at once; the LLM's
reading lands later and may only raise the priority (fail urgent).

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
from dataclasses import dataclass

import redis
from sqlalchemy.orm import Session, sessionmaker

from triage.assessment.engine import AssessmentEngine
from triage.assessment.schemas import Assessment, Priority, Route, most_urgent
from triage.db import session_scope, utcnow
from triage.inquiries import service
from triage.inquiries.tables import EventKind, Inquiry, InquiryStatus
from triage.queues import enqueue_refine_drain
from triage.system_status import publish_surge_state

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


def _load(session_factory: sessionmaker[Session], inquiry_id: str) -> RefinementInput | None:
    with session_scope(session_factory) as session:
        inquiry = session.get(Inquiry, inquiry_id)
        if inquiry is None or inquiry.assessment is None:
            return None
        if inquiry.status in (InquiryStatus.RESOLVED, InquiryStatus.RECEIVED):
            return None
        return RefinementInput(
            inquiry.id, inquiry.text, Assessment.model_validate(inquiry.assessment), inquiry.channel
        )


def apply_refinement(inquiry_id: str, refined: Assessment, *, session: Session) -> bool:
    """Store the refined assessment; raise priority and re-route if it is more urgent.
    Returns True when the priority went up. Never lowers anything."""
    inquiry = service.get_inquiry(inquiry_id, session=session)
    current = Priority(inquiry.priority) if inquiry.priority else Priority.ROUTINE
    final = most_urgent(current, refined.priority)
    raised = final is not current
    inquiry.assessment = refined.model_dump(mode="json")
    inquiry.updated_at = utcnow()
    detail: dict[str, object] = {"engine": str(refined.engine), "flags": list(refined.flags)}
    if raised:
        inquiry.priority = final
        inquiry.category = refined.category
        detail.update({"from": str(current), "to": str(final)})
        new_route = _route_after_raise(final, inquiry.route)
        if new_route is not None:
            # An automatic answer may already have gone out; a person now follows up.
            detail["rerouted_from"] = inquiry.route
            inquiry.route = new_route
            if inquiry.status in (InquiryStatus.ANSWERED, InquiryStatus.CLOSED):
                inquiry.status = InquiryStatus.TRIAGED
    service.record_event(session, inquiry.id, EventKind.REASSESSED, actor="llm", detail=detail)
    return raised


def _route_after_raise(final: Priority, route: str | None) -> Route | None:
    """Where a raised inquiry goes now, or None to stay: P1/P2 to the urgent queue; a
    closed inquiry that is no longer "no action" to staff, so a person sees it."""
    if final.needs_human and route != Route.URGENT:
        return Route.URGENT
    if route == Route.CLOSED:
        return Route.STAFF
    return None


def drain_pending(
    *,
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    engine: AssessmentEngine,
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
) -> int:
    """Refine every waiting inquiry, `max_in_flight` LLM calls at a time. Returns the count."""
    # Cleared first: ids pushed from now on queue another drain, so none is stranded.
    redis_conn.delete(DRAIN_QUEUED_FLAG)
    return asyncio.run(_drain(session_factory, redis_conn, engine, max_in_flight))


async def _drain(
    session_factory: sessionmaker[Session],
    redis_conn: redis.Redis,
    engine: AssessmentEngine,
    max_in_flight: int,
) -> int:
    done_count = 0
    in_flight: set[asyncio.Task[None]] = set()
    while True:
        while len(in_flight) < max_in_flight:
            raw = redis_conn.lpop(PENDING_KEY)
            if raw is None:
                break
            inquiry_id = raw.decode() if isinstance(raw, bytes) else str(raw)
            in_flight.add(asyncio.create_task(_refine_one(session_factory, engine, inquiry_id)))
        engine.surge.observe_backlog(int(redis_conn.llen(PENDING_KEY)))
        publish_surge_state(redis_conn, engine.surge_active)
        if not in_flight:
            return done_count
        finished, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
        for task in finished:
            if task.exception() is not None:
                log.error("refinement failed", exc_info=task.exception())
        done_count += len(finished)


async def _refine_one(
    session_factory: sessionmaker[Session], engine: AssessmentEngine, inquiry_id: str
) -> None:
    loaded = await asyncio.to_thread(_load, session_factory, inquiry_id)
    if loaded is None:
        return
    refined = await engine.refine(loaded.text, loaded.local, {"channel": loaded.channel})
    if refined is loaded.local:
        return  # nothing new (no LLM call was made)

    def store() -> bool:
        with session_scope(session_factory) as session:
            raised = apply_refinement(inquiry_id, refined, session=session)
            session.commit()
            return raised

    if await asyncio.to_thread(store):
        log.warning("LLM raised an inquiry's priority", extra={"inquiry_id": inquiry_id})
