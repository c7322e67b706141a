"""Persistence for inquiries: store, find, list and change state. Every function takes
`*, session` and leaves committing to the caller unless its name says otherwise."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from channels.base import InboundMessage
from triage.db import utcnow
from triage.errors import ConflictError, InvalidInputError, NotFoundError
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus, Reply


@dataclass(frozen=True)
class AcceptResult:
    inquiry_id: str
    public_token: str
    created: bool


class SortOrder(StrEnum):
    NEWEST = "newest"
    URGENCY = "urgency"


@dataclass(frozen=True)
class InquiryFilters:
    route: str | None = None
    status: str | None = None
    priority: str | None = None
    channel: str | None = None
    lgcode: str | None = None
    sort: SortOrder = SortOrder.URGENCY
    limit: int = 50
    offset: int = 0


def new_inquiry_id() -> str:
    return uuid.uuid4().hex


def record_event(
    session: Session,
    inquiry_id: str,
    kind: EventKind,
    *,
    actor: str = "system",
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(InquiryEvent(inquiry_id=inquiry_id, kind=kind, actor=actor, detail=detail or {}))


def accept_inbound(
    message: InboundMessage, *, session: Session, max_text_length: int
) -> AcceptResult:
    """Store a message and commit, before anyone acknowledges it.

    A second delivery of the same (channel, provider_message_id) returns the first
    inquiry: Twilio retries, LINE redelivery and double-clicked forms make one inquiry.
    """
    if len(message.text) > max_text_length:
        raise InvalidInputError(
            f"text is {len(message.text)} characters long; the limit is {max_text_length}"
        )
    existing = _find_by_provider_id(session, message.channel, message.provider_message_id)
    if existing is not None:
        return AcceptResult(existing.id, existing.public_token, created=False)

    inquiry_id = new_inquiry_id()
    inquiry = Inquiry(
        id=inquiry_id,
        public_token=secrets.token_urlsafe(24),
        channel=message.channel,
        provider_message_id=message.provider_message_id,
        sender=message.sender,
        text=message.text,
        received_at=message.received_at,
        reported_lat=message.location.lat if message.location else None,
        reported_lon=message.location.lon if message.location else None,
        language=message.language,
        attachments=[a.model_dump() for a in message.attachments],
        reply_token=message.reply_token,
        conversation_id=inquiry_id,
        status=InquiryStatus.RECEIVED,
        enqueued_at=utcnow(),
    )
    session.add(inquiry)
    session.add(InquiryEvent(inquiry=inquiry, kind=EventKind.RECEIVED, detail={"channel": message.channel}))
    try:
        session.commit()
    except IntegrityError:
        # Another request stored the same delivery between our check and our insert.
        session.rollback()
        existing = _find_by_provider_id(session, message.channel, message.provider_message_id)
        if existing is None:
            raise
        return AcceptResult(existing.id, existing.public_token, created=False)
    return AcceptResult(inquiry_id, inquiry.public_token, created=True)


def _find_by_provider_id(session: Session, channel: str, provider_message_id: str) -> Inquiry | None:
    return session.scalars(
        select(Inquiry).where(
            Inquiry.channel == channel, Inquiry.provider_message_id == provider_message_id
        )
    ).one_or_none()


def get_inquiry(inquiry_id: str, *, session: Session, with_history: bool = False) -> Inquiry:
    query = select(Inquiry).where(Inquiry.id == inquiry_id)
    if with_history:
        query = query.options(selectinload(Inquiry.events), selectinload(Inquiry.replies))
    inquiry = session.scalars(query).one_or_none()
    if inquiry is None:
        raise NotFoundError(f"inquiry {inquiry_id} not found")
    return inquiry


def get_inquiry_by_token(public_token: str, *, session: Session) -> Inquiry:
    inquiry = session.scalars(
        select(Inquiry)
        .where(Inquiry.public_token == public_token)
        .options(selectinload(Inquiry.replies))
    ).one_or_none()
    if inquiry is None:
        raise NotFoundError("no inquiry at this link")
    return inquiry


def list_inquiries(filters: InquiryFilters, *, session: Session) -> tuple[list[Inquiry], int]:
    query = select(Inquiry)
    for column, value in (
        (Inquiry.route, filters.route),
        (Inquiry.status, filters.status),
        (Inquiry.priority, filters.priority),
        (Inquiry.channel, filters.channel),
        (Inquiry.lgcode, filters.lgcode),
    ):
        if value is not None:
            query = query.where(column == value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if filters.sort is SortOrder.URGENCY:
        # Untriaged first (they may be urgent), then P1..P4, oldest first within a priority:
        # the person who has waited longest with the worst problem comes first.
        untriaged_first = case((Inquiry.priority.is_(None), 0), else_=1)
        query = query.order_by(untriaged_first, Inquiry.priority, Inquiry.received_at)
    else:
        query = query.order_by(Inquiry.received_at.desc())
    rows = session.scalars(query.limit(filters.limit).offset(filters.offset)).all()
    return list(rows), total


def unprocessed_inquiry_ids(older_than: datetime, *, session: Session, limit: int = 500) -> list[str]:
    """Inquiries still waiting for triage whose last enqueue is older than `older_than`."""
    return list(
        session.scalars(
            select(Inquiry.id)
            .where(Inquiry.status == InquiryStatus.RECEIVED)
            .where((Inquiry.enqueued_at.is_(None)) | (Inquiry.enqueued_at < older_than))
            .order_by(Inquiry.received_at)
            .limit(limit)
        ).all()
    )


def claim_inquiry(inquiry_id: str, staff_name: str, *, session: Session) -> Inquiry:
    inquiry = get_inquiry(inquiry_id, session=session)
    if inquiry.claimed_by and inquiry.claimed_by != staff_name:
        raise ConflictError(f"already claimed by {inquiry.claimed_by}")
    if inquiry.status in (InquiryStatus.RESOLVED, InquiryStatus.CLOSED):
        raise ConflictError(f"inquiry is {inquiry.status}")
    inquiry.claimed_by = staff_name
    inquiry.status = InquiryStatus.CLAIMED
    record_event(session, inquiry.id, EventKind.CLAIMED, actor=staff_name)
    return inquiry


def release_inquiry(inquiry_id: str, staff_name: str, *, session: Session) -> Inquiry:
    inquiry = get_inquiry(inquiry_id, session=session)
    if inquiry.claimed_by != staff_name:
        raise ConflictError("only the responder who claimed it can release it")
    inquiry.claimed_by = None
    inquiry.status = InquiryStatus.TRIAGED
    record_event(session, inquiry.id, EventKind.RELEASED, actor=staff_name)
    return inquiry


def resolve_inquiry(inquiry_id: str, staff_name: str, *, session: Session, note: str | None = None) -> Inquiry:
    inquiry = get_inquiry(inquiry_id, session=session)
    if inquiry.status == InquiryStatus.RESOLVED:
        raise ConflictError("already resolved")
    inquiry.status = InquiryStatus.RESOLVED
    record_event(session, inquiry.id, EventKind.RESOLVED, actor=staff_name, detail={"note": note} if note else {})
    return inquiry


def add_reply(
    inquiry: Inquiry,
    text: str,
    *,
    author: str,
    session: Session,
    language: str | None = None,
    playbook_id: str | None = None,
    ask_location: bool = False,
) -> Reply:
    """Queue a reply to the citizen on the channel they used; the outbound job sends it."""
    reply = Reply(
        inquiry_id=inquiry.id,
        channel=inquiry.channel,
        text=text,
        language=language,
        author=author,
        playbook_id=playbook_id,
        ask_location=ask_location,
    )
    session.add(reply)
    session.flush()
    record_event(
        session, inquiry.id, EventKind.REPLIED, actor=author,
        detail={"reply_id": reply.id, "playbook_id": playbook_id},
    )
    return reply


def get_reply(reply_id: int, *, session: Session) -> Reply:
    reply = session.get(Reply, reply_id)
    if reply is None:
        raise NotFoundError(f"reply {reply_id} not found")
    return reply
