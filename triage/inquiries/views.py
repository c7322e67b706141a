"""The staff API for inquiries: list, look at, claim, release, resolve, reply.

The citizen side (the JSON API, the status page) belongs to the web channel.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from triage.auth.deps import Responder
from triage.core.deps import RedisDep, ResourcesDep, SessionDep
from triage.core.queues import enqueue_send_reply
from triage.inquiries import replies, service, state
from triage.inquiries.schemas import (
    EventRead,
    InquiryDetail,
    InquiryPage,
    InquiryRead,
    ReplyRead,
    StaffReplyCreate,
    ThreadMessage,
)
from triage.inquiries.tables import Inquiry, InquiryStatus
from triage.inquiries.threads import conversation

router = APIRouter(tags=["staff"])


@router.get("/api/v1/inquiries", response_model=InquiryPage)
def list_inquiries(
    session: SessionDep,
    _staff: Responder,
    route: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    channel: str | None = None,
    lgcode: str | None = None,
    sort: service.SortOrder = service.SortOrder.URGENCY,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> InquiryPage:
    filters = service.InquiryFilters(
        route=route,
        status=status,
        priority=priority,
        channel=channel,
        lgcode=lgcode,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    rows, total = service.list_inquiries(filters, session=session)
    return InquiryPage(items=[InquiryRead.model_validate(r) for r in rows], total=total)


def _detail(inquiry: Inquiry, session: Session) -> InquiryDetail:
    base = InquiryRead.model_validate(inquiry).model_dump()
    thread = [m for m in conversation(inquiry, session=session) if m.id != inquiry.id]
    return InquiryDetail(
        **base,
        assessment=inquiry.assessment,
        events=[EventRead.model_validate(e) for e in inquiry.events],
        replies=[ReplyRead.model_validate(r) for r in inquiry.replies],
        thread=[ThreadMessage.model_validate(m) for m in thread],
    )


def _detail_of(inquiry_id: str, session: Session) -> InquiryDetail:
    """The staff view of an inquiry as stored now (after a change was committed)."""
    return _detail(service.get_inquiry(inquiry_id, session=session, with_history=True), session)


@router.get("/api/v1/inquiries/{inquiry_id}", response_model=InquiryDetail)
def get_inquiry(inquiry_id: str, session: SessionDep, _staff: Responder) -> InquiryDetail:
    return _detail_of(inquiry_id, session)


@router.post("/api/v1/inquiries/{inquiry_id}/claim", response_model=InquiryDetail)
def claim(inquiry_id: str, session: SessionDep, staff: Responder) -> InquiryDetail:
    state.claim_inquiry(inquiry_id, staff.name, session=session)
    session.commit()
    return _detail_of(inquiry_id, session)


@router.post("/api/v1/inquiries/{inquiry_id}/release", response_model=InquiryDetail)
def release(inquiry_id: str, session: SessionDep, staff: Responder) -> InquiryDetail:
    state.release_inquiry(inquiry_id, staff.name, session=session)
    session.commit()
    return _detail_of(inquiry_id, session)


@router.post("/api/v1/inquiries/{inquiry_id}/resolve", response_model=InquiryDetail)
def resolve(inquiry_id: str, session: SessionDep, staff: Responder) -> InquiryDetail:
    state.resolve_inquiry(inquiry_id, staff.name, session=session)
    session.commit()
    return _detail_of(inquiry_id, session)


@router.post("/api/v1/inquiries/{inquiry_id}/reply", response_model=InquiryDetail, status_code=202)
def reply(
    inquiry_id: str,
    body: StaffReplyCreate,
    session: SessionDep,
    redis_conn: RedisDep,
    staff: Responder,
    resources: ResourcesDep,
) -> InquiryDetail:
    """A responder's reply goes out through the channel the citizen used."""
    inquiry = service.get_inquiry(inquiry_id, session=session)
    new_reply = replies.add_reply(inquiry, body.text, author=staff.name, session=session)
    if inquiry.status == InquiryStatus.TRIAGED:
        inquiry.status = InquiryStatus.ANSWERED
    session.commit()
    enqueue_send_reply(redis_conn, new_reply.id, resources.settings.job_retry_intervals)
    return _detail_of(inquiry_id, session)
