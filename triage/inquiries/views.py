"""HTTP for inquiries: the citizen JSON API and status page, and the staff API."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from channels.base import GeoPoint, InboundMessage
from channels.body import BodyTooLargeError, read_capped_body
from channels.web.texts import texts_for
from channels.web.views import accept_web_message
from triage.db import utcnow
from triage.deps import RedisDep, Responder, RuntimeDep, SessionDep
from triage.errors import InvalidInputError
from triage.inquiries import service
from triage.inquiries.dedup import keyed_dedup_id
from triage.inquiries.schemas import (
    MAX_BODY_BYTES,
    CitizenReply,
    CitizenStatus,
    EventRead,
    InquiryAccepted,
    InquiryCreate,
    InquiryDetail,
    InquiryPage,
    InquiryRead,
    ReplyRead,
    StaffReplyCreate,
    ThreadMessage,
)
from triage.inquiries.tables import Inquiry, InquiryStatus
from triage.queues import enqueue_send_reply
from triage.runtime import Runtime
from triage.templating import templates

API_CHANNEL = "web"
router = APIRouter()


def status_url_for(public_url: str, public_token: str) -> str:
    return f"{public_url.rstrip('/')}/status/{public_token}"


class UnsupportedMediaTypeError(InvalidInputError):
    """The body is not JSON."""


class PayloadTooLargeError(InvalidInputError):
    """The body is larger than any inquiry can be."""


async def _read_json_body(request: Request) -> InquiryCreate:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaTypeError(
            f"send the inquiry as application/json (got {content_type or 'no content type'})"
        )
    try:
        body = await read_capped_body(request, MAX_BODY_BYTES)
    except BodyTooLargeError as error:
        raise PayloadTooLargeError(str(error)) from error
    try:
        # Parsing and validating the bytes in one step skips building a dict first.
        return InquiryCreate.model_validate_json(body)
    except ValidationError:
        pass
    # Refused: explain it the way the two-step parse always has (its JSON messages, its
    # error locations), so clients see the same reasons as before.
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"the body is not valid JSON: {error}") from error
    try:
        return InquiryCreate.model_validate(data)
    except ValidationError as error:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()
        )
        raise InvalidInputError(reasons) from error


IDEMPOTENCY_KEY_MAX_LENGTH = 128
_IDEMPOTENCY_KEY_PARAMETER = {
    "name": "idempotency-key",
    "in": "header",
    "required": False,
    "schema": {
        "anyOf": [{"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH}, {"type": "null"}],
        "title": "Idempotency-Key",
    },
}


def _idempotency_key(request: Request) -> str | None:
    """The Idempotency-Key header, read directly rather than through a `Header()`
    parameter, whose dependency solving was a visible share of this hot path's CPU. An
    over-long key gets the very 422 that `Header(max_length=128)` gave."""
    key = request.headers.get("idempotency-key")
    if key is not None and len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise RequestValidationError(
            [
                {
                    "type": "string_too_long",
                    "loc": ("header", "idempotency-key"),
                    "msg": f"String should have at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters",
                    "input": key,
                    "ctx": {"max_length": IDEMPOTENCY_KEY_MAX_LENGTH},
                }
            ]
        )
    return key


@router.post(
    "/api/v1/inquiries",
    status_code=202,
    response_model=InquiryAccepted,
    response_class=JSONResponse,
    tags=["citizen"],
    summary="Send an inquiry (stored before the 202)",
    openapi_extra={"parameters": [_IDEMPOTENCY_KEY_PARAMETER]},
)
async def create_inquiry(request: Request) -> JSONResponse:
    """Answers with a `JSONResponse` of an `InquiryAccepted` (the schema stays in the
    OpenAPI document through `response_model`): two strings need no validating again."""
    runtime: Runtime = request.app.state.runtime
    idempotency_key = _idempotency_key(request)
    payload = await _read_json_body(request)
    message = InboundMessage(
        channel=API_CHANNEL,
        # The Idempotency-Key makes a retried or double-clicked request one inquiry.
        provider_message_id=keyed_dedup_id(
            "key", idempotency_key, payload.text, payload.contact, _point(payload.location)
        )
        if idempotency_key
        else f"id:{uuid.uuid4().hex}",
        sender=payload.contact,
        text=payload.text,
        location=payload.location,
        language=payload.language,
        received_at=utcnow(),
    )
    result = await accept_web_message(
        request,
        runtime,
        message,
        sender_key=payload.contact,
        may_be_a_retry=idempotency_key is not None,
    )
    accepted: dict[str, str] = {
        "id": result.inquiry_id,
        "status_url": status_url_for(runtime.settings.public_url, result.public_token),
    }
    return JSONResponse(accepted, status_code=202)


def _point(location: GeoPoint | None) -> str | None:
    return f"{location.lat},{location.lon}" if location else None


def _citizen_status(inquiry: Inquiry, conversation: list[Inquiry]) -> CitizenStatus:
    """Replies to every message of the conversation: a reply to a follow-up shows too."""
    replies = sorted((r for m in conversation for r in m.replies), key=lambda r: r.created_at)
    return CitizenStatus(
        id=inquiry.id,
        status=inquiry.status,
        route=inquiry.route,
        replies=[
            CitizenReply(
                text=r.text,
                at=r.created_at,
                author=r.author if r.author in ("playbook", "system") else "staff",
            )
            for r in replies
        ],
    )


@router.get("/status/{public_token}", tags=["citizen"], response_model=CitizenStatus)
def citizen_status(
    public_token: str, request: Request, session: SessionDep, lang: str | None = None
) -> Response:
    """HTML for people (ja, en or easy Japanese by `?lang=`); JSON by `Accept`."""
    inquiry = service.get_inquiry_by_token(public_token, session=session)
    conversation = service.conversation(inquiry, session=session)
    view = _citizen_status(inquiry, conversation)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(view.model_dump(mode="json"))
    chosen, texts = texts_for(lang)
    context = {
        "inquiry": view,
        "received_at": inquiry.received_at,
        "t": texts,
        "lang": chosen,
        "thread": [m for m in conversation if m.text.strip()],
        "public_token": public_token,
        "nonce": uuid.uuid4().hex,
    }
    return templates.TemplateResponse(request, "status.html", context)


@router.get("/api/v1/inquiries", response_model=InquiryPage, tags=["staff"])
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
    thread = [m for m in service.conversation(inquiry, session=session) if m.id != inquiry.id]
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


@router.get("/api/v1/inquiries/{inquiry_id}", response_model=InquiryDetail, tags=["staff"])
def get_inquiry(inquiry_id: str, session: SessionDep, _staff: Responder) -> InquiryDetail:
    return _detail_of(inquiry_id, session)


@router.post("/api/v1/inquiries/{inquiry_id}/claim", response_model=InquiryDetail, tags=["staff"])
def claim(inquiry_id: str, session: SessionDep, staff: Responder) -> InquiryDetail:
    service.claim_inquiry(inquiry_id, staff.name, session=session)
    session.commit()
    return _detail_of(inquiry_id, session)


@router.post("/api/v1/inquiries/{inquiry_id}/release", response_model=InquiryDetail, tags=["staff"])
def release(inquiry_id: str, session: SessionDep, staff: Responder) -> InquiryDetail:
    service.release_inquiry(inquiry_id, staff.name, session=session)
    session.commit()
    return _detail_of(inquiry_id, session)


@router.post("/api/v1/inquiries/{inquiry_id}/resolve", response_model=InquiryDetail, tags=["staff"])
def resolve(inquiry_id: str, session: SessionDep, staff: Responder) -> InquiryDetail:
    service.resolve_inquiry(inquiry_id, staff.name, session=session)
    session.commit()
    return _detail_of(inquiry_id, session)


@router.post(
    "/api/v1/inquiries/{inquiry_id}/reply",
    response_model=InquiryDetail,
    status_code=202,
    tags=["staff"],
)
def reply(
    inquiry_id: str,
    body: StaffReplyCreate,
    session: SessionDep,
    redis_conn: RedisDep,
    staff: Responder,
    runtime: RuntimeDep,
) -> InquiryDetail:
    """A responder's reply goes out through the channel the citizen used."""
    inquiry = service.get_inquiry(inquiry_id, session=session)
    new_reply = service.add_reply(inquiry, body.text, author=staff.name, session=session)
    if inquiry.status == InquiryStatus.TRIAGED:
        inquiry.status = InquiryStatus.ANSWERED
    session.commit()
    enqueue_send_reply(redis_conn, new_reply.id, runtime.settings.job_retry_intervals)
    return _detail_of(inquiry_id, session)
