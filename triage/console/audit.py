"""The audit log, for admins: who did what to which inquiry, when and why.

The inquiries' event log is append-only (nothing updates or deletes its rows), so it is
the audit log itself: claims, replies, corrections with their reasons, merges, contact
reveals, resolutions. `/console/audit` shows the latest; `/api/v1/audit.csv` exports
them (Japan time and UTC), streamed, for a municipality's records.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from triage.auth.deps import require_roles
from triage.auth.tables import StaffUser
from triage.console.deps import console_staff
from triage.console.views import page_context, render_page
from triage.core.deps import ResourcesDep, SessionDep
from triage.inquiries.tables import InquiryEvent

router = APIRouter()
TOKYO = ZoneInfo("Asia/Tokyo")
PAGE = 200
EXPORT_BATCH = 1000


def _admin_only(staff: Annotated[StaffUser, Depends(console_staff)]) -> StaffUser:
    return require_roles()(staff)


Admin = Annotated[StaffUser, Depends(_admin_only)]


def _events(session: Session, *, people_only: bool, after_id: int = 0, limit: int = PAGE) -> Any:
    query = select(InquiryEvent).where(InquiryEvent.id > after_id)
    if people_only:
        query = query.where(InquiryEvent.actor != "system")
    return query.order_by(InquiryEvent.id.desc() if after_id == 0 else InquiryEvent.id).limit(limit)


@router.get("/console/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request,
    session: SessionDep,
    staff: Admin,
    everything: Annotated[bool, Query()] = False,
) -> Response:
    events = session.scalars(_events(session, people_only=not everything)).all()
    context = page_context(request, staff, events=events, everything=everything)
    return render_page(request, "console/audit.html", context)


def _rows(session_factory: sessionmaker[Session], people_only: bool) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at_jst", "at_utc", "actor", "kind", "inquiry_id", "detail"])
    last = 0
    while True:
        with session_factory() as session:
            query = select(InquiryEvent).where(InquiryEvent.id > last)
            if people_only:
                query = query.where(InquiryEvent.actor != "system")
            batch = session.scalars(query.order_by(InquiryEvent.id).limit(EXPORT_BATCH)).all()
            for event in batch:
                at: datetime = event.at.astimezone(UTC)
                writer.writerow(
                    [
                        event.id,
                        at.astimezone(TOKYO).isoformat(timespec="seconds"),
                        at.isoformat(timespec="seconds"),
                        event.actor,
                        event.kind,
                        event.inquiry_id,
                        json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
                    ]
                )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if len(batch) < EXPORT_BATCH:
            return
        last = batch[-1].id


@router.get(
    "/api/v1/audit.csv",
    tags=["admin"],
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "every recorded action, oldest first"},
        401: {"description": "no valid bearer token or console session"},
        403: {"description": "not an admin"},
    },
)
def export_audit(
    _staff: Admin, resources: ResourcesDep, everything: Annotated[bool, Query()] = False
) -> StreamingResponse:
    """Who did what, when and why: the actions of people (`everything=true` adds the
    machine's own: received, assessed, routed, sent)."""
    return StreamingResponse(
        _rows(resources.session_factory, people_only=not everything),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
