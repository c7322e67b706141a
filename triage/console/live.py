"""The console's live feed: server-sent events from the inquiries' event log.

Every change to an inquiry is a row of `inquiry_events` (append-only, ids in commit
order per writer), so the log itself is the feed: an event's SSE id is its row id. A
browser that reconnects sends `Last-Event-ID` and gets every event after it, so an
outage of the server or the network loses no update; a gap too long to replay
(`MAX_REPLAY` events) is sent as one `reload` instead. No Redis channel is needed and
any number of API processes serve the same feed; each open console costs one indexed
query per `POLL_SECONDS`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from triage.console.deps import ConsoleResponder
from triage.core.deps import ResourcesDep
from triage.inquiries.tables import Inquiry, InquiryEvent

router = APIRouter(tags=["console"])

POLL_SECONDS = 0.5
MAX_REPLAY = 500
# A browser retries this long after a dropped connection (the SSE `retry` field).
RETRY_MILLISECONDS = 2000


@dataclass(frozen=True)
class FeedEvent:
    id: int
    inquiry_id: str
    kind: str
    priority: str | None
    route: str | None
    incident_id: str | None

    def as_sse(self) -> ServerSentEvent:
        data = {
            "inquiry_id": self.inquiry_id,
            "kind": self.kind,
            "priority": self.priority,
            "route": self.route,
            "incident_id": self.incident_id,
        }
        return ServerSentEvent(
            data=json.dumps(data), event="inquiry", id=str(self.id), retry=RETRY_MILLISECONDS
        )


def latest_event_id(*, session: Session) -> int:
    return int(session.scalar(select(func.max(InquiryEvent.id))) or 0)


def events_after(last_id: int, *, session: Session, limit: int = MAX_REPLAY + 1) -> list[FeedEvent]:
    rows = session.execute(
        select(
            InquiryEvent.id,
            InquiryEvent.inquiry_id,
            InquiryEvent.kind,
            Inquiry.priority,
            Inquiry.route,
            Inquiry.incident_id,
        )
        .join(Inquiry, Inquiry.id == InquiryEvent.inquiry_id)
        .where(InquiryEvent.id > last_id)
        .order_by(InquiryEvent.id)
        .limit(limit)
    ).all()
    return [FeedEvent(*row) for row in rows]


def _read(
    session_factory: sessionmaker[Session], last_id: int | None
) -> tuple[int, list[FeedEvent]]:
    with session_factory() as session:
        if last_id is None:
            return latest_event_id(session=session), []
        return last_id, events_after(last_id, session=session)


def _start_from(request: Request) -> int | None:
    """Where the browser left off: `Last-Event-ID` on a reconnect, `?after=` from the
    page (the last event id it was rendered with); None: from now."""
    for value in (request.headers.get("last-event-id"), request.query_params.get("after")):
        if value and value.isdigit():
            return int(value)
    return None


async def _feed(
    request: Request, session_factory: sessionmaker[Session], start: int | None
) -> AsyncIterator[ServerSentEvent]:
    last_id, _ = await run_in_threadpool(_read, session_factory, None)
    if start is not None and start <= last_id:
        last_id = start
    yield ServerSentEvent(event="hello", id=str(last_id), data="{}", retry=RETRY_MILLISECONDS)
    while not await request.is_disconnected():
        _, events = await run_in_threadpool(_read, session_factory, last_id)
        if len(events) > MAX_REPLAY:
            last_id = events[-1].id
            yield ServerSentEvent(event="reload", id=str(last_id), data="{}")
            continue
        for event in events:
            last_id = event.id
            yield event.as_sse()
        await asyncio.sleep(POLL_SECONDS)


@router.get("/console/events", include_in_schema=False)
async def console_events(
    request: Request, _staff: ConsoleResponder, resources: ResourcesDep
) -> EventSourceResponse:
    return EventSourceResponse(
        _feed(request, resources.session_factory, _start_from(request)),
        ping=15,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
