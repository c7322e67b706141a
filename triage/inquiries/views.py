"""The staff API for inquiries: list, look at, claim, release, resolve, reply.

The citizen side (the JSON API, the status page) belongs to the web channel.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy.orm import Session

from channels.registry import CAPABILITIES
from triage.assessment.schemas import Priority, Route
from triage.auth.deps import Responder
from triage.auth.tables import Role, StaffUser
from triage.core.deps import RedisDep, ResourcesDep, SessionDep
from triage.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotency_key
from triage.inquiries import delivery, service, staff_actions, state
from triage.inquiries.schemas import (
    MAX_ROW_ID,
    EventRead,
    InquiryDetail,
    InquiryPage,
    InquiryRead,
    ReplyRead,
    ResolveRequest,
    StaffReplyCreate,
    ThreadMessage,
)
from triage.inquiries.tables import Inquiry, InquiryStatus
from triage.inquiries.threads import conversation

log = logging.getLogger(__name__)
# The channels the registry knows: any other value in `?channel=` is a typo (422).
CHANNEL_PATTERN = "^(" + "|".join(sorted(CAPABILITIES)) + ")$"
router = APIRouter(
    tags=["staff"],
    responses={
        401: {"description": "no valid bearer token or console session"},
        403: {"description": "not a responder or an admin (or a console POST without CSRF)"},
    },
)
# The routes' other answers, each a `{"detail": "..."}` body.
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such inquiry or reply"}}
NOT_JSON: dict[int | str, dict[str, Any]] = {400: {"description": "the body is not JSON"}}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "not allowed in the inquiry's (or reply's) present state"}
}


@router.get("/api/v1/inquiries", response_model=InquiryPage)
def list_inquiries(
    session: SessionDep,
    _staff: Responder,
    route: Route | None = None,
    status: InquiryStatus | None = None,
    priority: Priority | None = None,
    channel: Annotated[str | None, Query(pattern=CHANNEL_PATTERN)] = None,
    lgcode: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    sort: service.SortOrder = service.SortOrder.URGENCY,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> InquiryPage:
    """Open inquiries (received, triaged, claimed, answered) unless `status` asks for
    resolved or closed ones. Unknown filter values are refused (422), never an empty page."""
    filters = service.InquiryFilters(
        route=route,
        status=status,
        statuses=None if status is not None else service.OPEN_STATUSES,
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


def detail_of(inquiry_id: str, session: Session) -> InquiryDetail:
    """The staff view of an inquiry as stored now (after a change was committed)."""
    return _detail(service.get_inquiry(inquiry_id, session=session, with_history=True), session)


@router.get("/api/v1/inquiries/{inquiry_id}", response_model=InquiryDetail, responses=NOT_FOUND)
def get_inquiry(inquiry_id: str, session: SessionDep, _staff: Responder) -> InquiryDetail:
    return detail_of(inquiry_id, session)


def _actor(staff: StaffUser) -> state.Actor:
    return state.Actor(staff.name, is_admin=staff.role == Role.ADMIN)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/claim",
    response_model=InquiryDetail,
    responses={**NOT_FOUND, **CONFLICT},
)
def claim(inquiry_id: str, session: SessionDep, staff: Responder) -> InquiryDetail:
    state.claim_inquiry(inquiry_id, _actor(staff), session=session)
    session.commit()
    return detail_of(inquiry_id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/release",
    response_model=InquiryDetail,
    responses={**NOT_FOUND, **CONFLICT},
)
def release(inquiry_id: str, session: SessionDep, staff: Responder) -> InquiryDetail:
    state.release_inquiry(inquiry_id, _actor(staff), session=session)
    session.commit()
    return detail_of(inquiry_id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/resolve",
    response_model=InquiryDetail,
    responses={**NOT_JSON, **NOT_FOUND, **CONFLICT},
)
def resolve(
    inquiry_id: str,
    session: SessionDep,
    staff: Responder,
    body: ResolveRequest | None = None,
) -> InquiryDetail:
    """Close the inquiry with how it ended (`{outcome, note}`, both optional)."""
    body = body or ResolveRequest()
    staff_actions.resolve(
        inquiry_id, _actor(staff), session=session, outcome=body.outcome, note=body.note
    )
    return detail_of(inquiry_id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/reply",
    response_model=InquiryDetail,
    status_code=202,
    responses={**NOT_JSON, **NOT_FOUND, **CONFLICT},
    openapi_extra={"parameters": [IDEMPOTENCY_KEY_PARAMETER]},
)
def reply(
    inquiry_id: str,
    body: StaffReplyCreate,
    request: Request,
    session: SessionDep,
    redis_conn: RedisDep,
    staff: Responder,
    resources: ResourcesDep,
) -> InquiryDetail:
    """A responder's reply goes out through the channel the citizen used, and to every
    report merged into this inquiry's incident.

    Safe to retry: with the same `Idempotency-Key` a second request finds the first
    reply instead of queuing another. The reply is committed before it is enqueued; if
    Redis is down it is still accepted, and the sweeper sends it when Redis is back.
    """
    staff_actions.reply(
        inquiry_id,
        body.text,
        _actor(staff),
        session=session,
        redis_conn=redis_conn,
        retry_intervals=resources.settings.job_retry_intervals,
        client_key=idempotency_key(request),
        machine_drafted=body.machine_drafted,
    )
    return detail_of(inquiry_id, session)


@router.get("/api/v1/replies/dead-letters", response_model=list[ReplyRead])
def dead_letters(session: SessionDep, _staff: Responder) -> list[ReplyRead]:
    """Replies that could not be delivered, or may not have been, and were not resent:
    each has put its inquiry back in front of staff with the reason in `error`."""
    return [ReplyRead.model_validate(r) for r in delivery.dead_letters(session=session)]


@router.post(
    "/api/v1/replies/{reply_id}/resend",
    response_model=ReplyRead,
    status_code=202,
    responses={**NOT_FOUND, **CONFLICT},
)
def resend(
    reply_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)],
    session: SessionDep,
    redis_conn: RedisDep,
    staff: Responder,
    resources: ResourcesDep,
) -> ReplyRead:
    """Send a dead letter again, as a new reply row (a row is never sent twice)."""
    new_reply = delivery.resend(reply_id, staff.name, session=session)
    session.commit()
    staff_actions.enqueue_committed_reply(
        redis_conn, new_reply.id, resources.settings.job_retry_intervals
    )
    return ReplyRead.model_validate(new_reply)
