"""Finding and listing inquiries, and their event log. Every function takes `*, session`
and leaves committing to the caller.

State changes live in `state`, conversations in `threads`, replies in `replies`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from triage.core.errors import NotFoundError
from triage.inquiries.tables import EventKind, Inquiry, InquiryEvent, InquiryStatus


class SortOrder(StrEnum):
    NEWEST = "newest"
    URGENCY = "urgency"


@dataclass(frozen=True)
class InquiryFilters:
    route: str | None = None
    status: str | None = None
    statuses: tuple[InquiryStatus, ...] | None = None  # any of these (with no `status`)
    priority: str | None = None
    channel: str | None = None
    lgcode: str | None = None
    sort: SortOrder = SortOrder.URGENCY
    limit: int = 50
    offset: int = 0


# What a responder still has to look at: not resolved by a person, not closed by the machine.
OPEN_STATUSES = (
    InquiryStatus.RECEIVED,
    InquiryStatus.TRIAGED,
    InquiryStatus.CLAIMED,
    InquiryStatus.ANSWERED,
)


def urgency_order() -> tuple[Any, ...]:
    """The order people work inquiries in: untriaged first (they may be urgent), then
    P1..P4, oldest first within a priority: the person who has waited longest with the
    worst problem comes first. Within a priority a disputed inquiry (the LLM reads it the
    other way on needing a person) comes after the undisputed ones: two readings that
    agree are surer than one against the other."""
    untriaged_first = case((Inquiry.priority.is_(None), 0), else_=1)
    return (untriaged_first, Inquiry.priority, Inquiry.disputed, Inquiry.received_at)


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


def find_by_provider_id(
    channel: str, provider_message_id: str, *, session: Session
) -> Inquiry | None:
    """The inquiry stored for this delivery, if any (retries are answered, not limited)."""
    return _find_by_provider_id(session, channel, provider_message_id)


def _find_by_provider_id(
    session: Session, channel: str, provider_message_id: str
) -> Inquiry | None:
    return session.scalars(
        select(Inquiry).where(
            Inquiry.channel == channel, Inquiry.provider_message_id == provider_message_id
        )
    ).one_or_none()


def get_inquiry(inquiry_id: str, *, session: Session, with_history: bool = False) -> Inquiry:
    query = select(Inquiry).where(Inquiry.id == inquiry_id)
    if with_history:
        # The replies come in the same statement as the inquiry: under PostgreSQL's READ
        # COMMITTED each statement has its own snapshot, and a second SELECT could show a
        # reply the worker committed after the first one read the inquiry as untriaged.
        query = query.options(joinedload(Inquiry.replies), selectinload(Inquiry.events))
    inquiry = session.scalars(query).unique().one_or_none()
    if inquiry is None:
        raise NotFoundError(f"inquiry {inquiry_id} not found")
    return inquiry


def get_inquiry_by_token(public_token: str, *, session: Session) -> Inquiry:
    inquiry = (
        session.scalars(
            select(Inquiry)
            .where(Inquiry.public_token == public_token)
            .options(joinedload(Inquiry.replies))  # one snapshot: see get_inquiry
        )
        .unique()
        .one_or_none()
    )
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
    if filters.statuses is not None:
        query = query.where(Inquiry.status.in_(filters.statuses))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if filters.sort is SortOrder.URGENCY:
        query = query.order_by(*urgency_order())
    else:
        query = query.order_by(Inquiry.received_at.desc())
    rows = session.scalars(query.limit(filters.limit).offset(filters.offset)).all()
    return list(rows), total


def unprocessed_inquiry_ids(
    older_than: datetime, *, session: Session, limit: int = 500
) -> list[str]:
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


def latest_notes(
    inquiry_ids: list[str], *, session: Session, per_inquiry: int = 3
) -> dict[str, list[str]]:
    """The newest notes of each inquiry (for the handover sheet), newest first."""
    if not inquiry_ids:
        return {}
    found: dict[str, list[str]] = {}
    rows = session.execute(
        select(InquiryEvent.inquiry_id, InquiryEvent.actor, InquiryEvent.detail)
        .where(InquiryEvent.inquiry_id.in_(inquiry_ids), InquiryEvent.kind == EventKind.NOTE)
        .order_by(InquiryEvent.id.desc())
    ).all()
    for inquiry_id, actor, detail in rows:
        notes = found.setdefault(inquiry_id, [])
        if len(notes) < per_inquiry:
            notes.append(f"{actor}: {detail.get('text', '')}")
    return found
