"""Send a reply through the LINE Messaging API (linebot.v3.messaging).

A reply token is free of charge but lives about one minute and works once; after that,
or when LINE refuses the token, the message goes as a push (which counts against the
plan's monthly message quota). The result records which method was used.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import urllib3
from linebot.v3.messaging import (  # type: ignore[import-untyped]
    ApiClient,
    ApiException,
    Configuration,
    LocationAction,
    MessagingApi,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
)

from channels.base import (
    OutboundReply,
    OutcomeUnknownError,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from channels.line import REPLY_TOKEN_LIFETIME
from channels.line.texts import SEND_LOCATION_LABEL
from triage.core.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.line.me"
# LINE documents about one minute; we stop trying a bit earlier, since a refused token
# costs a round trip before the push.
MAX_TEXT_LENGTH = 5000  # LINE's limit for one text message
REQUEST_TIMEOUT_SECONDS = 10.0
RETRY_KEY_ALREADY_ACCEPTED = 409  # push with an X-Line-Retry-Key LINE has already seen


class LineSender:
    def __init__(
        self,
        access_token: str,
        api_base: str | None = None,
        timeout: float = REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        self._configuration = Configuration(
            host=(api_base or DEFAULT_API_BASE).rstrip("/"), access_token=access_token
        )
        self._timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> LineSender:
        if settings.line_channel_access_token is None:
            raise PermanentSendError("LINE is not configured (TRIAGE_LINE_CHANNEL_ACCESS_TOKEN)")
        return cls(
            settings.line_channel_access_token.get_secret_value(),
            settings.line_api_base,
            settings.outbound_timeout_seconds,
        )

    def send(self, reply: OutboundReply) -> SendResult:
        messages = [self._text_message(reply)]
        with ApiClient(self._configuration) as client:
            api = MessagingApi(client)
            if reply.reply_token and _token_is_fresh(reply.reply_token_issued_at):
                try:
                    response = _call(
                        api.reply_message,
                        ReplyMessageRequest(reply_token=reply.reply_token, messages=messages),
                        timeout=self._timeout,
                    )
                    return SendResult(provider_message_id=_first_id(response), method="reply")
                except PermanentSendError as error:
                    # Usually an expired or used token: the push below still reaches them.
                    log.info("reply token refused; pushing instead", extra={"error": str(error)})
            try:
                response = _call(
                    api.push_message,
                    PushMessageRequest(to=reply.recipient, messages=messages),
                    timeout=self._timeout,
                    x_line_retry_key=reply.idempotency_key,
                )
            except _AlreadyAccepted:
                return SendResult(method="push")
            return SendResult(provider_message_id=_first_id(response), method="push")

    @staticmethod
    def _text_message(reply: OutboundReply) -> Any:
        quick_reply = None
        if reply.ask_location:
            quick_reply = QuickReply(
                items=[QuickReplyItem(action=LocationAction(label=SEND_LOCATION_LABEL))]
            )
        return TextMessage(text=reply.text[:MAX_TEXT_LENGTH], quick_reply=quick_reply)


class _AlreadyAccepted(Exception):
    """LINE already accepted a push with this retry key: a retry after a lost answer."""


def _token_is_fresh(issued_at: datetime | None) -> bool:
    if issued_at is None:
        return False
    return datetime.now(UTC) - issued_at < REPLY_TOKEN_LIFETIME


def _first_id(response: Any) -> str | None:
    sent = getattr(response, "sent_messages", None) or []
    return str(sent[0].id) if sent else None


def _call(method: Any, request: Any, *, timeout: float, **kwargs: Any) -> Any:
    """One API call, its failures sorted into retry-worthy, not, and unknown.

    A lost answer is safe to retry only for a push with an X-Line-Retry-Key (LINE
    recognises the retry and answers 409). A reply-token message whose answer was lost
    may have arrived, and its retry would fall back to a push: a second message. So that
    outcome is unknown, and a person decides."""
    try:
        return method(request, _request_timeout=timeout, **kwargs)
    except ApiException as error:
        status = int(error.status or 0)
        if status == RETRY_KEY_ALREADY_ACCEPTED and kwargs.get("x_line_retry_key"):
            raise _AlreadyAccepted from error
        reason = f"LINE API answered {status} {error.reason}"
        if status == 429 or status >= 500:
            raise TransientSendError(reason) from error
        raise PermanentSendError(reason) from error
    except (urllib3.exceptions.HTTPError, OSError) as error:
        if _never_connected(error):
            raise TransientSendError(f"LINE API unreachable: {error}") from error
        if kwargs.get("x_line_retry_key"):
            raise TransientSendError(f"LINE API answer lost, safe to retry: {error}") from error
        raise OutcomeUnknownError(f"LINE API answer lost: {error}") from error


def _never_connected(error: BaseException) -> bool:
    """A connection never made cannot have delivered the request; one dropped later may."""
    if isinstance(error, urllib3.exceptions.MaxRetryError) and error.reason is not None:
        error = error.reason
    return isinstance(
        error,
        urllib3.exceptions.NewConnectionError
        | urllib3.exceptions.ConnectTimeoutError
        | ConnectionRefusedError,
    )
