"""Send an SMS reply through Twilio's REST API (twilio.rest.Client).

The body is a short answer plus the citizen's status link, kept within two segments
(see `segments`); the number of segments sent is recorded. Delivery reports come back
to the status callback URL.

Exactly once: Twilio has no idempotency key, so a request whose answer was lost (a read
timeout) raises `OutcomeUnknownError`, and `lookup` asks Twilio's message list whether
the message exists before anything is sent again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from channels.base import (
    Lookup,
    OutboundReply,
    OutcomeUnknownError,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from channels.sms.segments import MAX_REPLY_SEGMENTS, count_segments, fit_segments
from channels.sms.texts import reply_footer
from triage.core.settings import Settings

log = logging.getLogger(__name__)

STATUS_CALLBACK_PATH = "/webhooks/twilio/status"
REQUEST_TIMEOUT_SECONDS = 10.0
# Twilio error codes that no retry can fix, beyond plain 4xx answers.
UNSUBSCRIBED_RECIPIENT = 21610
# How far back `lookup` looks: Twilio stamps DateSent by the day, so a little slack.
LOOKUP_SLACK = timedelta(minutes=10)


class BaseUrlHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends every Twilio API request to another base URL (a test server or a proxy)."""

    def __init__(self, api_base: str, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self._base = urlsplit(api_base)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        path = self._base.path.rstrip("/") + parts.path
        rewritten = urlunsplit((self._base.scheme, self._base.netloc, path, parts.query, ""))
        return super().request(method, rewritten, *args, **kwargs)


def compose_body(text: str, status_url: str | None, language: str | None) -> str:
    """A short answer plus the status link, within two segments by design."""
    full = text.strip() + reply_footer(status_url, language, answer_was_cut=False)
    if count_segments(full).segments <= MAX_REPLY_SEGMENTS:
        return full
    return fit_segments(text.strip(), reply_footer(status_url, language, answer_was_cut=True))


class TwilioSmsSender:
    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str,
        status_callback_url: str | None,
        api_base: str | None = None,
        timeout: float = REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        http_client = (
            BaseUrlHttpClient(api_base, timeout) if api_base else TwilioHttpClient(timeout=timeout)
        )
        self._client = Client(account_sid, auth_token, http_client=http_client)
        self._from = from_number
        self._status_callback_url = status_callback_url

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioSmsSender:
        if not (
            settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from
        ):
            raise PermanentSendError(
                "SMS is not configured (TRIAGE_TWILIO_ACCOUNT_SID, _AUTH_TOKEN, _FROM)"
            )
        return cls(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token.get_secret_value(),
            from_number=settings.twilio_from,
            status_callback_url=settings.public_url.rstrip("/") + STATUS_CALLBACK_PATH,
            api_base=settings.twilio_api_base,
            timeout=settings.outbound_timeout_seconds,
        )

    def send(self, reply: OutboundReply) -> SendResult:
        body = compose_body(reply.text, reply.status_url, reply.language)
        options: dict[str, Any] = {"to": reply.recipient, "from_": self._from, "body": body}
        if self._status_callback_url:
            options["status_callback"] = self._status_callback_url
        try:
            message = self._client.messages.create(**options)
        except TwilioRestException as error:
            reason = f"Twilio answered {error.status} (error {error.code}): {error.msg}"
            if error.status == 429 or error.status >= 500:
                raise TransientSendError(reason) from error
            raise PermanentSendError(
                reason, recipient_opted_out=error.code == UNSUBSCRIBED_RECIPIENT
            ) from error
        except (requests.ConnectTimeout, requests.ConnectionError) as error:
            if _never_connected(error):
                raise TransientSendError(f"Twilio unreachable: {error}") from error
            raise OutcomeUnknownError(f"Twilio's answer was lost: {error}") from error
        except requests.RequestException as error:  # a read timeout: it may have sent
            raise OutcomeUnknownError(f"Twilio's answer was lost: {error}") from error
        return SendResult(
            provider_message_id=str(message.sid),
            method="rest",
            segments=count_segments(body).segments,
            status="sent",
        )

    def lookup(self, reply: OutboundReply, since: datetime) -> tuple[Lookup, SendResult | None]:
        """Whether Twilio has this message, sent to this number since `since`."""
        body = compose_body(reply.text, reply.status_url, reply.language)
        try:
            found = self._client.messages.list(
                to=reply.recipient, from_=self._from, date_sent_after=since - LOOKUP_SLACK
            )
        except (TwilioRestException, requests.RequestException) as error:
            log.warning("Twilio message lookup failed", extra={"error": type(error).__name__})
            return Lookup.CANNOT_TELL, None
        for message in found:
            if message.body == body:
                result = SendResult(
                    provider_message_id=str(message.sid),
                    method="rest",
                    segments=count_segments(body).segments,
                    status="sent",
                )
                return Lookup.SENT, result
        return Lookup.NOT_SENT, None


def _never_connected(error: requests.RequestException) -> bool:
    """A connection that was never made (refused, unresolvable, connect timeout) cannot
    have delivered the request; one dropped later may have."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = repr(error)
    return "NewConnectionError" in reason or "NameResolutionError" in reason
