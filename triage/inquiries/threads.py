"""Conversations: a citizen's later messages join their open inquiry.

A message continues a conversation when it came through the inquiry's status link, or
when a channel with verified senders (SMS, LINE) brings another message from the same
sender within `THREAD_WINDOW`. Functions take `*, session`; the caller commits.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from channels.base import InboundMessage
from channels.registry import capabilities_of
from triage.assessment.schemas import Route
from triage.core.crypto import cipher_for
from triage.core.errors import NotFoundError
from triage.inquiries.service import OPEN_STATUSES, record_event
from triage.inquiries.tables import EventKind, Inquiry

# A new message from the same sender within this window continues their open inquiry.
THREAD_WINDOW = timedelta(hours=24)


# Locations no better than these are improved by a GPS point sent afterwards.
COARSE_PRECISIONS = frozenset({None, "prefecture", "municipality"})


def may_continue_a_thread(message: InboundMessage) -> bool:
    """Whether `open_inquiry_for` could find a conversation for this message. When it
    cannot, the message starts its own and intake stores it in one statement."""
    if message.continues_token:
        return True
    return bool(message.sender) and capabilities_of(message.channel).verified_sender


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
    if not message.sender or not capabilities_of(message.channel).verified_sender:
        return None
    return session.scalars(
        select(Inquiry)
        .where(
            Inquiry.channel == message.channel,
            # The sender is encrypted; its keyed hash (under any held key) is indexed.
            Inquiry.sender_hash.in_(cipher_for(session).lookup_hashes(message.sender)),
            Inquiry.status.in_(OPEN_STATUSES),
            Inquiry.received_at >= message.received_at - THREAD_WINDOW,
        )
        .order_by(Inquiry.received_at.desc())
        .limit(1)
    ).one_or_none()


def add_to_thread(
    session: Session, thread: Inquiry, inquiry_id: str, message: InboundMessage, *, adds_only: bool
) -> None:
    """Link the new message to the open inquiry; a bare photo or location improves it."""
    detail: dict[str, Any] = {"inquiry_id": inquiry_id, "channel": message.channel}
    if adds_only and message.attachments:
        thread.attachments = [*thread.attachments, *(a.model_dump() for a in message.attachments)]
        detail["attachments"] = len(message.attachments)
    if message.location is not None and location_is_coarse(thread):
        set_gps_location(thread, message.location.lat, message.location.lon)
        detail["location"] = {"lat": message.location.lat, "lon": message.location.lon}
    record_event(session, thread.id, EventKind.MESSAGE_ADDED, detail=detail)


def location_is_coarse(inquiry: Inquiry) -> bool:
    """No GPS point and nothing better than a municipality: worth asking the citizen."""
    if inquiry.reported_lat is not None and inquiry.reported_lon is not None:
        return False
    precision = (inquiry.location or {}).get("precision")
    return precision in COARSE_PRECISIONS


def set_gps_location(inquiry: Inquiry, lat: float, lon: float) -> None:
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


def conversation_route(inquiry: Inquiry, *, session: Session) -> Route | None:
    """The route of the open conversation a follow-up continues (None for a first
    message, or when the conversation was resolved or closed): the most urgent route
    an earlier message of it took."""
    root_id = inquiry.conversation_id
    if root_id is None or root_id == inquiry.id:
        return None
    routes = set(
        session.scalars(
            select(Inquiry.route).where(
                Inquiry.conversation_id == root_id,
                Inquiry.id != inquiry.id,
                Inquiry.status.in_(OPEN_STATUSES),
                Inquiry.route.is_not(None),
            )
        ).all()
    )
    for route in (Route.URGENT, Route.STAFF, Route.AUTO_REPLY, Route.CLOSED):
        if route in routes:
            return route
    return None
