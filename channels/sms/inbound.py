"""Verify a Twilio webhook and parse its form post. No I/O: the view does that.

The signature covers the URL Twilio called, which is the *public* URL of the service
(TRIAGE_PUBLIC_URL + path), not the URL the app sees behind a reverse proxy, plus the
sorted form parameters. Twilio signs with the account's auth token.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from twilio.request_validator import RequestValidator

from channels.base import Attachment, InboundMessage, PayloadError, SignatureError
from channels.sms import CHANNEL

SIGNATURE_HEADER = "X-Twilio-Signature"
MAX_MEDIA = 10  # Twilio allows up to 10 media items per MMS


class Keyword(StrEnum):
    """Twilio's standard opt-out keywords, plus their Japanese equivalents."""

    STOP = "stop"
    START = "start"
    HELP = "help"


_KEYWORDS: dict[str, Keyword] = {
    **dict.fromkeys(
        ("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "停止", "ていし", "配信停止"),
        Keyword.STOP,
    ),
    **dict.fromkeys(("start", "unstop", "開始", "再開", "配信再開"), Keyword.START),
    **dict.fromkeys(("help", "info", "ヘルプ", "へるぷ"), Keyword.HELP),
}


def public_url_for(public_url: str, path: str, query: str = "") -> str:
    """The URL Twilio signed: our public base URL, the request path, and its query."""
    url = public_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


def verify_signature(
    *, auth_token: str, url: str, params: Mapping[str, str], signature: str | None
) -> None:
    """Raise SignatureError unless `signature` is Twilio's signature of url + params."""
    if not signature:
        raise SignatureError(f"missing {SIGNATURE_HEADER} header")
    if not RequestValidator(auth_token).validate(url, dict(params), signature):
        raise SignatureError("the Twilio signature does not match this URL and body")


def keyword_of(body: str) -> Keyword | None:
    """The opt-out keyword when the whole message is one (case- and width-insensitive).

    Only a message that is exactly the keyword counts, as with Twilio's own handling:
    "stop the water leak" is an inquiry, not an opt-out.
    """
    word = unicodedata.normalize("NFKC", body).strip().strip("。.!！").lower()
    return _KEYWORDS.get(word)


def parse_message(params: Mapping[str, str], *, received_at: datetime) -> InboundMessage:
    """A verified Twilio messaging webhook as an InboundMessage; media are kept as links."""
    sid = params.get("MessageSid") or params.get("SmsSid")
    sender = params.get("From")
    if not sid or not sender:
        raise PayloadError("a Twilio message webhook carries MessageSid and From")
    try:
        media_count = min(int(params.get("NumMedia", "0") or "0"), MAX_MEDIA)
    except ValueError as error:
        raise PayloadError("NumMedia is not a number") from error
    attachments = [
        Attachment(
            kind="media",
            url=params[f"MediaUrl{index}"],
            content_type=params.get(f"MediaContentType{index}"),
        )
        for index in range(media_count)
        if params.get(f"MediaUrl{index}")
    ]
    # The raw record keeps routing facts, not the body twice and not the account id.
    raw = {
        key: params[key]
        for key in ("To", "FromCountry", "FromState", "FromCity", "NumSegments", "NumMedia")
        if key in params
    }
    return InboundMessage(
        channel=CHANNEL,
        provider_message_id=sid,
        sender=sender,
        text=params.get("Body", ""),
        received_at=received_at,
        attachments=attachments,
        raw=raw,
    )
