"""Every request body is capped before anything parses it.

Form endpoints are parsed before authentication (FastAPI reads `Form()` fields before it
runs a view's dependencies, and Twilio's signature covers the parsed form), so without a
cap anyone could send thousands of megabyte-long fields or unlimited multipart files
spooled to disk. This middleware refuses, before the app reads anything:

- a multipart body (415): no endpoint of this service takes files;
- a body whose declared Content-Length is over the path's cap (413);
- a streamed (chunked) body as soon as the bytes received pass the cap (413).

The caps fit what each endpoint really takes, with room for percent-encoding (a 4-byte
UTF-8 character is 12 bytes in a form body): the citizen form and follow-ups take
`TRIAGE_MAX_TEXT_LENGTH` characters, Twilio's webhooks a 1,600-character SMS and its
parameters, the sign-in form a name and a password; everything else (the JSON APIs, the
LINE webhook) 1 MiB, and those endpoints cap themselves more tightly where they read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from triage.core.settings import Settings

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
TWILIO_MAX_BODY_BYTES = 64 * 1024
LOGIN_MAX_BODY_BYTES = 8 * 1024


@dataclass(frozen=True)
class BodyCap:
    path: re.Pattern[str]
    max_bytes: int


def body_caps(settings: Settings) -> list[BodyCap]:
    """The per-path caps of this service; the first matching path wins."""
    form = 16 * 1024 + 12 * settings.max_text_length
    return [
        BodyCap(re.compile(r"/"), form),
        BodyCap(re.compile(r"/status/[^/]+/messages"), form),
        BodyCap(re.compile(r"/webhooks/twilio/(sms|status)"), TWILIO_MAX_BODY_BYTES),
        BodyCap(re.compile(r"/console/login"), LOGIN_MAX_BODY_BYTES),
    ]


class _BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        caps: Sequence[BodyCap] = (),
        default_max_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.caps = list(caps)
        self.default_max_bytes = default_max_bytes

    def cap_for(self, path: str) -> int:
        for cap in self.caps:
            if cap.path.fullmatch(path):
                return cap.max_bytes
        return self.default_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.cap_for(scope["path"])
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").decode("latin-1").strip().lower()
        if content_type.startswith("multipart/"):
            await _refuse(send, 415, "this endpoint takes no multipart bodies (no files)")
            return
        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, f"the body is larger than {limit} bytes")
            return

        received = 0
        too_large = False  # the body passed the cap while the app read it
        started = False  # a response has begun: the app's own, or the 413
        replaced = False  # the app's answer was replaced by the 413

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            # Whatever the app answers once the body was cut off (FastAPI turns a failed
            # form read into a 400) is replaced by the one true answer, 413.
            nonlocal started, replaced
            if message["type"] == "http.response.start" and not started and too_large:
                started = replaced = True
                await _refuse(send, 413, f"the body is larger than {limit} bytes")
                return
            if replaced:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
            # The cut-off body is why the app failed: the answer is 413, not a 500.
            if not started:
                await _refuse(send, 413, f"the body is larger than {limit} bytes")


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
