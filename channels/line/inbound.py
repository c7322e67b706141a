"""Verify a LINE webhook body and turn each event into something intake understands.

Three separate steps, as in line-bot-sdk: verify the signature over the exact body
bytes, parse the events, then let the view handle each one. Nothing here does I/O.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from linebot.v3 import WebhookParser  # type: ignore[import-untyped]
from linebot.v3.exceptions import InvalidSignatureError  # type: ignore[import-untyped]
from linebot.v3.webhooks import (  # type: ignore[import-untyped]
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    TextMessageContent,
    UnfollowEvent,
)
from pydantic import ValidationError

from channels.base import Attachment, GeoPoint, InboundMessage, PayloadError, SignatureError
from channels.line import CHANNEL

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Line-Signature"


@dataclass(frozen=True)
class Follow:
    """A user added the account (or unblocked it): welcome them."""

    user_id: str
    reply_token: str | None
    at: datetime


@dataclass(frozen=True)
class Unfollow:
    """A user blocked the account: nothing more may be sent to them."""

    user_id: str


@dataclass(frozen=True)
class Ignored:
    """An event we acknowledge and do not store (sticker, postback, unknown type)."""

    event_type: str
    event_id: str | None


LineEvent = InboundMessage | Follow | Unfollow | Ignored


def parse_events(body: bytes, signature: str | None, channel_secret: str) -> list[LineEvent]:
    """Verify the whole body, then parse every event. Raises before anything is stored.

    A missing header is a SignatureError (a 403), never a KeyError (a 500).
    """
    if not signature:
        raise SignatureError(f"missing {SIGNATURE_HEADER} header")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SignatureError("the body is not UTF-8, so LINE did not sign it") from error
    parser = WebhookParser(channel_secret)
    try:
        events = parser.parse(text, signature)
    except InvalidSignatureError as error:
        raise SignatureError("the LINE signature does not match the body") from error
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        # RecursionError: JSON nested deeper than the decoder goes (a signed oddity).
        raise PayloadError(f"a signed but unreadable LINE webhook body: {error}") from error
    return [_convert(event) for event in events]


def _received_at(timestamp_ms: int | None) -> datetime:
    if timestamp_ms is None:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(timestamp_ms / 1000, UTC)
    except (ValueError, OSError, OverflowError) as error:
        raise PayloadError(f"the event timestamp {timestamp_ms} is no time") from error


def _address_of(source: Any) -> str | None:
    """Where a reply must go: the user in a 1:1 chat, else the group or room."""
    for name in ("group_id", "room_id", "user_id"):
        value = getattr(source, name, None)
        if value:
            return str(value)
    return None


def _convert(event: Any) -> LineEvent:
    event_id = getattr(event, "webhook_event_id", None)
    source = getattr(event, "source", None)
    address = _address_of(source)
    if isinstance(event, FollowEvent) and address:
        return Follow(
            user_id=address, reply_token=event.reply_token, at=_received_at(event.timestamp)
        )
    if isinstance(event, UnfollowEvent) and address:
        return Unfollow(user_id=address)
    if isinstance(event, MessageEvent) and address and event_id:
        message = _message_of(event, event_id, address)
        if message is not None:
            return message
    event_type = str(getattr(event, "type", "unknown"))
    if isinstance(event, MessageEvent):
        event_type = f"message/{getattr(event.message, 'type', 'unknown')}"
    return Ignored(event_type=event_type, event_id=event_id)


def _message_of(event: Any, event_id: str, address: str) -> InboundMessage | None:
    content = event.message
    raw: dict[str, Any] = {
        "message_id": content.id,
        "source_type": getattr(event.source, "type", None),
        "is_redelivery": bool(event.delivery_context and event.delivery_context.is_redelivery),
        "mode": str(event.mode) if event.mode is not None else None,
    }
    text = ""
    location = None
    attachments: list[Attachment] = []
    if isinstance(content, TextMessageContent):
        text = content.text
    elif isinstance(content, LocationMessageContent):
        # The point goes straight to the inquiry's location; the address is kept as a fact,
        # not as words to triage, so a bare location can join an open inquiry.
        raw.update(title=content.title, address=content.address)
        try:
            location = GeoPoint(lat=content.latitude, lon=content.longitude)
        except ValidationError:
            # An impossible point is dropped, not the message: a person still sees it.
            raw.update(invalid_point=[content.latitude, content.longitude])
    elif isinstance(content, ImageMessageContent):
        # Stored as a reference; the content API fetch happens outside the webhook.
        attachments.append(Attachment(kind="image", provider_id=content.id))
    else:
        return None
    return InboundMessage(
        channel=CHANNEL,
        provider_message_id=event_id,
        sender=address,
        text=text,
        location=location,
        received_at=_received_at(event.timestamp),
        attachments=attachments,
        reply_token=event.reply_token,
        raw=raw,
    )
