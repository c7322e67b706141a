"""What crosses the HTTP boundary for inquiries. Rows live in tables.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from triage.assessment.schemas import Category, Priority
from triage.core.stored_text import StoredText
from triage.inquiries.disputes import Reading
from triage.inquiries.state import Outcome

# The largest id the `Integer` key columns hold (PostgreSQL's 32-bit integer): a larger
# one in a path is refused as invalid (422) rather than failing in the database (500).
MAX_ROW_ID = 2**31 - 1


def mask_contact(sender: str | None) -> str | None:
    """Enough to tell two contacts apart on screen, not enough to call or message."""
    if not sender:
        return None
    if len(sender) <= 4:
        return "••••"
    return "•" * min(len(sender) - 4, 8) + sender[-4:]


class CitizenReply(BaseModel):
    text: str
    at: datetime
    author: str = Field(description="'playbook', 'system' or 'staff'")


class CitizenStatus(BaseModel):
    """The citizen's own view: nothing about other people, no internal reasoning."""

    id: str
    status: str
    route: str | None
    replies: list[CitizenReply]
    stage: str = Field(
        default="received",
        description=(
            "where it stands for the citizen: received, urgent, with_person, answered, "
            "reopened, resolved, closed (triage.inquiries.citizen_stage)"
        ),
    )
    outcome: str | None = Field(
        default=None,
        description="how a resolved inquiry ended: helped, answered, referred, "
        "no_longer_needed, unreachable, duplicate, no_action",
    )


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    actor: str
    detail: dict[str, Any]
    at: datetime


class ReplyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    channel: str
    text: str
    language: str | None
    author: str
    playbook_id: str | None
    playbook_version: int | None = Field(
        default=None, description="the published version the text came from"
    )
    status: str
    send_method: str | None
    segments: int | None
    provider_message_id: str | None
    error: str | None = Field(
        default=None, description="why it was not delivered (dead letters), else null"
    )
    created_at: datetime
    sent_at: datetime | None


class InquiryRead(BaseModel):
    """The staff view of an inquiry (list rows). The contact is masked: the whole of it
    comes from `POST /api/v1/inquiries/{id}/contact`, which writes who looked."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    channel: str
    sender: str | None = Field(description="masked: the last four characters")
    text: str
    received_at: datetime
    status: str
    priority: str | None
    category: str | None
    language: str | None
    location: dict[str, Any] | None
    lgcode: str | None
    route: str | None
    disputed: bool = Field(
        default=False,
        description=(
            "the LLM and the local layers disagree on whether a person is needed now; the "
            "priority is the more urgent reading until a person settles it"
        ),
    )
    playbook_id: str | None
    claimed_by: str | None
    claim_active_at: datetime | None = Field(
        default=None, description="the holder's last action; the claim lapses a lease after it"
    )
    incident_id: str | None = Field(
        default=None, description="the inquiry this one was merged into (its incident)"
    )
    conversation_id: str | None
    attachments: list[dict[str, Any]]
    triaged_at: datetime | None
    updated_at: datetime

    @field_validator("sender")
    @classmethod
    def _masked(cls, sender: str | None) -> str | None:
        return mask_contact(sender)


class ThreadMessage(BaseModel):
    """Another message of the same conversation (same sender, or the same status link)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    channel: str
    text: str
    received_at: datetime
    status: str
    priority: str | None
    reported_lat: float | None
    reported_lon: float | None
    attachments: list[dict[str, Any]]


class InquiryDetail(InquiryRead):
    assessment: dict[str, Any] | None
    events: list[EventRead]
    replies: list[ReplyRead]
    thread: list[ThreadMessage] = Field(
        default_factory=list, description="the conversation's other messages, oldest first"
    )


class InquiryPage(BaseModel):
    items: list[InquiryRead]
    total: int


class ResolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome | None = Field(default=None, description="how the inquiry ended")
    note: StoredText | None = Field(default=None, max_length=2000, description="for the record")


class StaffReplyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: StoredText = Field(min_length=1, max_length=2000)
    machine_drafted: bool = Field(
        default=False, description="the text began as a machine draft (recorded on the reply)"
    )


class DraftRead(BaseModel):
    draft: str = Field(description="for a person to edit and send; never sent by itself")
    machine_drafted: bool = True


class ReopenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: StoredText | None = Field(default=None, max_length=2000, description="why it is reopened")


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: StoredText = Field(min_length=1, max_length=2000)


class ReclassifyRequest(BaseModel):
    """A person's correction; at least one of priority and category, always a reason."""

    model_config = ConfigDict(extra="forbid")

    priority: Priority | None = None
    category: Category | None = None
    reason: StoredText = Field(min_length=1, max_length=2000)


class SettleRequest(BaseModel):
    """Which reading of a disputed verdict holds."""

    model_config = ConfigDict(extra="forbid")

    accept: Reading = Field(
        description=(
            "local: keep the priority; llm: take the LLM's priority and category "
            "(a reclassification). The inquiry stays with staff either way."
        )
    )


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inquiry_ids: list[str] = Field(
        min_length=1, max_length=50, description="reports to fold into this inquiry's incident"
    )


class ContactRead(BaseModel):
    sender: str | None
