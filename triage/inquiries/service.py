"""Persistence for inquiries: store, find, list and change state. Every function takes
`*, session` and leaves committing to the caller unless its name says otherwise."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from channels.base import InboundMessage
from triage.db import utcnow
from triage.errors import ConflictError, InvalidInputError, NotFoundError
from triage.inquiries.tables import (
    EventKind,
    Inquiry,
    InquiryEvent,
    InquiryStatus,
    Reply,
    ReplyStatus,
)

# A new message from the same sender within this window continues their open inquiry.
THREAD_WINDOW = timedelta(hours=24)
OPEN_STATUSES = (
    InquiryStatus.RECEIVED,
    InquiryStatus.TRIAGED,
    InquiryStatus.CLAIMED,
    InquiryStatus.ANSWERED,
)
# Channels whose sender is proven by the provider (a phone number, a LINE user id). Web
# senders type their contact freely, so web messages thread only through the status link.
VERIFIED_SENDER_CHANNELS = frozenset({"sms", "line"})
# Locations no better than these are improved by a GPS point sent afterwards.
COARSE_PRECISIONS = frozenset({None, "prefecture", "municipality"})


@dataclass(frozen=True)
class AcceptResult:
    inquiry_id: str
    public_token: str
    created: bool
    # False for a message that only adds to an open inquiry (a location or a photo with
    # no words): it is stored and shown in the thread, but there is nothing to triage.
    needs_triage: bool = True


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
    check_text_length(message, max_text_length)
    existing = _find_by_provider_id(session, message.channel, message.provider_message_id)
    if existing is not None:
        return AcceptResult(existing.id, existing.public_token, created=False)

    thread = open_inquiry_for(message, session=session)
    # Words are triaged on their own (a follow-up can be more urgent than the first
    # message); a bare location or photo only adds to the open inquiry.
    adds_only = thread is not None and not message.text.strip()
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
        conversation_id=thread.conversation_id if thread is not None else inquiry_id,
        status=InquiryStatus.CLOSED if adds_only else InquiryStatus.RECEIVED,
        enqueued_at=None if adds_only else utcnow(),
    )
    session.add(inquiry)
    session.add(
        InquiryEvent(inquiry=inquiry, kind=EventKind.RECEIVED, detail={"channel": message.channel})
    )
    if thread is not None:
        _add_to_thread(session, thread, inquiry, message, adds_only=adds_only)
    try:
        session.commit()
    except IntegrityError:
        # Another request stored the same delivery between our check and our insert.
        session.rollback()
        existing = _find_by_provider_id(session, message.channel, message.provider_message_id)
        if existing is None:
            raise
        return AcceptResult(existing.id, existing.public_token, created=False)
    if thread is not None and adds_only:
        return AcceptResult(inquiry_id, thread.public_token, created=True, needs_triage=False)
    return AcceptResult(inquiry_id, inquiry.public_token, created=True)


def may_continue_a_thread(message: InboundMessage) -> bool:
    """Whether `open_inquiry_for` could find a conversation for this message. When it
    cannot, the message starts its own and intake stores it in one statement."""
    if message.continues_token:
        return True
    return bool(message.sender) and message.channel in VERIFIED_SENDER_CHANNELS


def check_text_length(message: InboundMessage, max_text_length: int) -> None:
    if len(message.text) > max_text_length:
        raise InvalidInputError(
            f"text is {len(message.text)} characters long; the limit is {max_text_length}"
        )


def open_inquiry_for(message: InboundMessage, *, session: Session) -> Inquiry | None:
    """The open inquiry this message continues, if any: the one whose status link the
    citizen used, or the latest open one from the same verified sender in the window."""
    if message.continues_token:
        linked = session.scalars(
            select(Inquiry).where(Inquiry.public_token == message.continues_token)
        ).one_or_none()
        if linked is None:
            raise NotFoundError("no inquiry at this link")
        return linked
    if not message.sender or message.channel not in VERIFIED_SENDER_CHANNELS:
        return None
    return session.scalars(
        select(Inquiry)
        .where(
            Inquiry.channel == message.channel,
            Inquiry.sender == message.sender,
            Inquiry.status.in_(OPEN_STATUSES),
            Inquiry.received_at >= message.received_at - THREAD_WINDOW,
        )
        .order_by(Inquiry.received_at.desc())
        .limit(1)
    ).one_or_none()


def _add_to_thread(
    session: Session, thread: Inquiry, inquiry: Inquiry, message: InboundMessage, *, adds_only: bool
) -> None:
    """Link the new message to the open inquiry; a bare photo or location improves it."""
    detail: dict[str, Any] = {"inquiry_id": inquiry.id, "channel": message.channel}
    if adds_only and message.attachments:
        thread.attachments = [*thread.attachments, *(a.model_dump() for a in message.attachments)]
        detail["attachments"] = len(message.attachments)
    if message.location is not None and location_is_coarse(thread):
        _set_gps_location(thread, message.location.lat, message.location.lon)
        detail["location"] = {"lat": message.location.lat, "lon": message.location.lon}
    record_event(session, thread.id, EventKind.MESSAGE_ADDED, detail=detail)


def location_is_coarse(inquiry: Inquiry) -> bool:
    """No GPS point and nothing better than a municipality: worth asking the citizen."""
    if inquiry.reported_lat is not None and inquiry.reported_lon is not None:
        return False
    precision = (inquiry.location or {}).get("precision")
    return precision in COARSE_PRECISIONS


def _set_gps_location(inquiry: Inquiry, lat: float, lon: float) -> None:
    """The citizen's own GPS point replaces a municipality-level guess (ask-back merge).

    Before triage, the point is simply used by geotagging; after triage, the stored
    location becomes the point, keeping the prefecture and municipality already known.
    """
    inquiry.reported_lat, inquiry.reported_lon = lat, lon
    if inquiry.location is not None:
        inquiry.location = {
            **inquiry.location,
            "lat": lat,
            "lon": lon,
            "precision": "point",
            "source": "channel_gps",
            "confidence": max(float(inquiry.location.get("confidence") or 0.0), 0.9),
        }


def conversation(inquiry: Inquiry, *, session: Session) -> list[Inquiry]:
    """Every message of the inquiry's conversation, oldest first, replies loaded."""
    if inquiry.conversation_id is None:
        return [inquiry]
    return list(
        session.scalars(
            select(Inquiry)
            .where(Inquiry.conversation_id == inquiry.conversation_id)
            .order_by(Inquiry.received_at, Inquiry.id)
            .options(selectinload(Inquiry.replies))
        ).all()
    )


def record_delivery_status(
    provider_message_id: str, state: str, *, session: Session, error: str | None = None
) -> Reply | None:
    """Apply a provider's delivery report to the reply it sent (found by its message id).

    Reports can arrive out of order, so a reply never moves back from delivered or
    failed to sent. Unknown ids (e.g. messages sent outside this service) are ignored.
    """
    reply = session.scalars(
        select(Reply).where(Reply.provider_message_id == provider_message_id)
    ).first()
    if reply is None:
        return None
    final = (ReplyStatus.DELIVERED, ReplyStatus.FAILED)
    if reply.status in final or state not in set(ReplyStatus):
        return reply
    if state == ReplyStatus.SENT and reply.status == ReplyStatus.SENT:
        return reply
    reply.status = state
    if error:
        reply.error = error
    record_event(
        session,
        reply.inquiry_id,
        EventKind.REPLY_FAILED if state == ReplyStatus.FAILED else EventKind.REPLY_SENT,
        detail={"reply_id": reply.id, "delivery": state, **({"error": error} if error else {})},
    )
    return reply


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


# A person can take an inquiry once it is triaged; before that the triage job owns it
# (claiming it then would stop it from ever being assessed and routed).
CLAIMABLE_STATUSES = (InquiryStatus.TRIAGED, InquiryStatus.ANSWERED, InquiryStatus.CLAIMED)


def claim_inquiry(inquiry_id: str, staff_name: str, *, session: Session) -> Inquiry:
    """Take an inquiry. A conditional update, so two responders can never both win."""
    claimed = session.execute(
        update(Inquiry)
        .where(Inquiry.id == inquiry_id, Inquiry.status.in_(CLAIMABLE_STATUSES))
        .where(or_(Inquiry.claimed_by.is_(None), Inquiry.claimed_by == staff_name))
        .values(claimed_by=staff_name, status=InquiryStatus.CLAIMED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    inquiry = get_inquiry(inquiry_id, session=session)
    if claimed.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        if inquiry.claimed_by and inquiry.claimed_by != staff_name:
            raise ConflictError(f"already claimed by {inquiry.claimed_by}")
        if inquiry.status == InquiryStatus.RECEIVED:
            raise ConflictError("still being triaged; try again in a few seconds")
        raise ConflictError(f"inquiry is {inquiry.status}")
    session.refresh(inquiry)
    record_event(session, inquiry.id, EventKind.CLAIMED, actor=staff_name)
    return inquiry


def release_inquiry(inquiry_id: str, staff_name: str, *, session: Session) -> Inquiry:
    """Give a claimed inquiry back to the queue it came from."""
    released = session.execute(
        update(Inquiry)
        .where(Inquiry.id == inquiry_id, Inquiry.status == InquiryStatus.CLAIMED)
        .where(Inquiry.claimed_by == staff_name)
        .values(claimed_by=None, status=InquiryStatus.TRIAGED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    inquiry = get_inquiry(inquiry_id, session=session)
    if released.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        raise ConflictError("only the responder who claimed it can release it")
    session.refresh(inquiry)
    record_event(session, inquiry.id, EventKind.RELEASED, actor=staff_name)
    return inquiry


def resolve_inquiry(
    inquiry_id: str, staff_name: str, *, session: Session, note: str | None = None
) -> Inquiry:
    inquiry = get_inquiry(inquiry_id, session=session)
    if inquiry.status == InquiryStatus.RESOLVED:
        raise ConflictError("already resolved")
    inquiry.status = InquiryStatus.RESOLVED
    record_event(
        session,
        inquiry.id,
        EventKind.RESOLVED,
        actor=staff_name,
        detail={"note": note} if note else {},
    )
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
        session,
        inquiry.id,
        EventKind.REPLIED,
        actor=author,
        detail={"reply_id": reply.id, "playbook_id": playbook_id},
    )
    return reply


def get_reply(reply_id: int, *, session: Session) -> Reply:
    reply = session.get(Reply, reply_id)
    if reply is None:
        raise NotFoundError(f"reply {reply_id} not found")
    return reply
