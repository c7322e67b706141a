"""The contract every channel adapter honours: verify, parse into InboundMessage, send.

`channels/` knows providers and nothing about triage; `triage/` takes InboundMessage
objects and knows nothing about Twilio or LINE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


@dataclass(frozen=True)
class ChannelCapabilities:
    """What a channel can do, declared by its adapter (never spelled out in `triage/`)."""

    name: str
    # The provider proves who sent the message (a phone number, a LINE user id), so a
    # second message from the same sender continues the open conversation.
    verified_sender: bool
    # The service can write to the citizen again, e.g. to ask where they are. A web
    # citizen reads replies on the status page and shares a location in the form.
    can_ask_back: bool
    # How long a reply token lets the service answer for free (LINE); None: no token.
    reply_token_lifetime: timedelta | None = None


class GeoPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str  # image, sticker, media, ...
    url: str | None = None
    provider_id: str | None = None
    content_type: str | None = None


class InboundMessage(BaseModel):
    """One citizen message, as a channel hands it to intake."""

    model_config = ConfigDict(frozen=True)

    channel: str
    provider_message_id: str = Field(description="dedup key: unique per channel")
    sender: str | None = Field(default=None, description="phone number, LINE user id, e-mail")
    text: str
    location: GeoPoint | None = None
    language: str | None = None
    received_at: datetime
    attachments: list[Attachment] = Field(default_factory=list)
    reply_token: str | None = None
    raw: dict[str, Any] = Field(default_factory=dict)
    continues_token: str | None = Field(
        default=None,
        description="the status-link token of the conversation this message continues (web)",
    )

    @field_validator("text", "sender", "language")
    @classmethod
    def _storable_text(cls, value: str | None) -> str | None:
        """Text any database can store: no NUL bytes (PostgreSQL refuses them) and no
        lone surrogates (not encodable as UTF-8). A broken character must not lose the
        message it sits in."""
        if value is None:
            return None
        cleaned = value.replace("\x00", "")
        return cleaned.encode("utf-8", "replace").decode("utf-8")


class OutboundReply(BaseModel):
    """A reply to send back through the channel the citizen used."""

    model_config = ConfigDict(frozen=True)

    channel: str
    recipient: str
    text: str
    reply_token: str | None = None
    ask_location: bool = False
    reply_token_issued_at: datetime | None = Field(
        default=None, description="when the reply token was issued (LINE: about one minute of life)"
    )
    status_url: str | None = Field(
        default=None, description="the citizen's status page; SMS appends it to a short answer"
    )
    language: str | None = None
    idempotency_key: str | None = Field(
        default=None, description="stable per reply, so a retried send is not delivered twice"
    )


class SendResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    provider_message_id: str | None = None
    method: str = "push"  # e.g. LINE "reply" (token) or "push"; SMS "rest"
    segments: int | None = None
    status: str = "sent"


class ChannelError(Exception):
    """Base for channel failures; subclasses say whether a retry may help."""


class SignatureError(ChannelError):
    """The request is not signed by the provider: answer 403 and store nothing."""


class PayloadError(ChannelError):
    """The request is signed but cannot be parsed: answer 400 with the reason."""


class TransientSendError(ChannelError):
    """The provider answered 429/5xx or timed out: retry with backoff."""


class PermanentSendError(ChannelError):
    """The provider refused for good (bad number, blocked user): do not retry.

    `recipient_opted_out`: the refusal says the citizen asked for no more messages
    (Twilio 21610 after STOP), so the opt-out is recorded and nothing more is tried."""

    def __init__(self, reason: str, *, recipient_opted_out: bool = False) -> None:
        super().__init__(reason)
        self.recipient_opted_out = recipient_opted_out


class OutcomeUnknownError(ChannelError):
    """The request may have reached the provider but no answer came (a read timeout, a
    connection dropped mid-answer): the citizen may or may not have the message, so it
    must not simply be sent again."""


class Lookup(StrEnum):
    """What a provider says about a message we may have sent."""

    SENT = "sent"  # it has the message: record it as sent, never send again
    NOT_SENT = "not_sent"  # it has no such message: sending it now makes one
    CANNOT_TELL = "cannot_tell"  # no way to know: a person decides
