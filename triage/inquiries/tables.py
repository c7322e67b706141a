"""Rows for inquiries, their event log and the replies sent to citizens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from triage.core.crypto import HASH_LENGTH, HASHED_AS, EncryptedText
from triage.core.db import Base, UTCDateTime, utcnow


class InquiryStatus(StrEnum):
    RECEIVED = "received"  # stored, waiting for triage
    TRIAGED = "triaged"  # assessed and routed; waiting for a person or a reply
    CLAIMED = "claimed"  # a responder is working on it
    ANSWERED = "answered"  # an automatic or staff reply was sent
    RESOLVED = "resolved"  # a responder closed it
    CLOSED = "closed"  # closed automatically (P4)


class ReplyStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by one send job; nobody else may send this row
    UNKNOWN = "unknown"  # the provider may or may not have it: looked up, else a person
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # e.g. the number sent STOP
    CANCELLED = "cancelled"  # an automatic answer withdrawn before it went out


class EventKind(StrEnum):
    RECEIVED = "received"
    ASSESSED = "assessed"
    ROUTED = "routed"
    REASSESSED = "reassessed"
    TRIAGE_FAILED = "triage_failed"
    CLAIMED = "claimed"
    RELEASED = "released"
    REPLIED = "replied"
    REPLY_SENT = "reply_sent"
    REPLY_FAILED = "reply_failed"
    REPLY_CANCELLED = "reply_cancelled"
    REPLY_OUTCOME_UNKNOWN = "reply_outcome_unknown"
    REPLY_DEAD_LETTERED = "reply_dead_lettered"  # it could not be delivered: back to staff
    REPLY_RESENT = "reply_resent"
    RESOLVED = "resolved"
    MESSAGE_ADDED = "message_added"
    ASKED_LOCATION = "asked_location"
    LOCATION_UPDATED = "location_updated"
    CLAIM_LAPSED = "claim_lapsed"  # the holder did nothing for the lease: back in the queue
    NOTE = "note"
    RECLASSIFIED = "reclassified"  # a person changed priority or category, with a reason
    REOPENED = "reopened"
    CONTACT_REVEALED = "contact_revealed"  # a person looked at the sender's contact
    MERGED = "merged"  # folded into an incident with other reports of the same need
    SPLIT = "split"  # taken out of an incident again
    ESCALATED = "escalated"  # past its SLA with nobody on it: the on-call list was told
    SETTLED = "settled"  # a person kept the priority over the LLM's disputed reading


class Inquiry(Base):
    __tablename__ = "inquiries"
    __table_args__ = (
        UniqueConstraint("channel", "provider_message_id"),
        Index("ix_inquiries_status_received_at", "status", "received_at"),
        Index("ix_inquiries_route_priority", "route", "priority"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    public_token: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    provider_message_id: Mapped[str] = mapped_column(String(128))
    # Contact and words encrypted at rest (triage.core.crypto); the keyed hash finds a
    # sender's open conversation without decrypting anything.
    sender: Mapped[str | None] = mapped_column(EncryptedText, info={HASHED_AS: "sender_hash"})
    sender_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH), index=True)
    text: Mapped[str] = mapped_column(EncryptedText)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reported_lat: Mapped[float | None]
    reported_lon: Mapped[float | None]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    reply_token: Mapped[str | None] = mapped_column(String(256))
    conversation_id: Mapped[str | None] = mapped_column(String(32), index=True)

    status: Mapped[str] = mapped_column(String(16), default=InquiryStatus.RECEIVED)
    priority: Mapped[str | None] = mapped_column(String(2))
    category: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    location: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    lgcode: Mapped[str | None] = mapped_column(String(6), index=True)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The LLM and the local layers disagree on whether a person is needed now (the
    # assessment's `disputed` flag) and nobody has settled it yet: ranked after the
    # undisputed inquiries of the same priority.
    disputed: Mapped[bool] = mapped_column(default=False, server_default=false())
    route: Mapped[str | None] = mapped_column(String(16))
    playbook_id: Mapped[str | None] = mapped_column(String(64))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # The holder's last action: a claim lapses `claim_lease_seconds` after it.
    claim_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The inquiry this one was merged into (the incident's first report); None: its own.
    incident_id: Mapped[str | None] = mapped_column(String(32), index=True)

    attempts: Mapped[int] = mapped_column(Integer, default=0)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by `triage purge`: contact, words, GPS and attachments are gone; counts stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    events: Mapped[list[InquiryEvent]] = relationship(
        back_populates="inquiry", order_by="InquiryEvent.id", lazy="raise"
    )
    replies: Mapped[list[Reply]] = relationship(
        back_populates="inquiry", order_by="Reply.id", lazy="raise"
    )


class InquiryEvent(Base):
    """Append-only log: who did what to an inquiry, and when."""

    __tablename__ = "inquiry_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inquiry_id: Mapped[str] = mapped_column(ForeignKey("inquiries.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64), default="system")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    inquiry: Mapped[Inquiry] = relationship(back_populates="events")


class Reply(Base):
    """A message to the citizen: from a playbook, an acknowledgement or a person."""

    __tablename__ = "replies"
    __table_args__ = (UniqueConstraint("inquiry_id", "client_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inquiry_id: Mapped[str] = mapped_column(ForeignKey("inquiries.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(EncryptedText)
    language: Mapped[str | None] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(64))  # "playbook", "system" or a staff name
    playbook_id: Mapped[str | None] = mapped_column(String(64))
    # The playbook version the text came from: what the citizen was told is traceable
    # to the exact text a coordinator approved.
    playbook_version: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ReplyStatus.QUEUED)
    ask_location: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    send_method: Mapped[str | None] = mapped_column(String(16))
    segments: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    # A staff client's Idempotency-Key: a retried request finds this row, not a second.
    client_key: Mapped[str | None] = mapped_column(String(128))
    # A dead letter sent again becomes a new row; the old one points to it.
    superseded_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    inquiry: Mapped[Inquiry] = relationship(back_populates="replies")


class OptOut(Base):
    """An address (phone number, LINE user id) that must receive nothing more from us.

    SMS numbers land here after STOP / 停止; LINE users after they unfollow (block) the
    account. START / 開始 or a new follow removes the row.
    """

    __tablename__ = "opt_outs"
    __table_args__ = (UniqueConstraint("channel", "address_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(EncryptedText, info={HASHED_AS: "address_hash"})
    address_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))  # looked up by this
    reason: Mapped[str] = mapped_column(String(32))  # e.g. "STOP", "unfollow", "21610"
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
