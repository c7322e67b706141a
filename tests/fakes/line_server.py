"""A small real HTTP server that speaks the part of the LINE Messaging API we use.

POST /v2/bot/message/reply and /v2/bot/message/push with `Authorization: Bearer <channel
access token>` and JSON bodies, checked like LINE does: a reply token works once and only
if the fake issued it (`issue_reply_token`), a push needs `to`, and a push repeated with
the same X-Line-Retry-Key answers 409. It can answer 429 or 500 for the next N calls.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.json_api import STALL, JsonApiServer


@dataclass
class LineCall:
    path: str
    body: dict[str, Any]
    retry_key: str | None


@dataclass
class FakeLine(JsonApiServer):
    access_token: str
    calls: list[LineCall] = field(default_factory=list)
    delivered: list[LineCall] = field(default_factory=list)
    _reply_tokens: set[str] = field(default_factory=set)
    _retry_keys: set[str] = field(default_factory=set)

    def issue_reply_token(self, token: str) -> str:
        with self._lock:
            self._reply_tokens.add(token)
        return token

    def handle(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, Any]]:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return 401, {
                "message": "Authentication failed. Confirm that the access token is valid."
            }
        if not request.headers.get("Content-Type", "").startswith("application/json"):
            return 415, {"message": "Unsupported Media Type"}
        length = int(request.headers.get("Content-Length", "0"))
        try:
            body = json.loads(request.rfile.read(length))
        except json.JSONDecodeError:
            return 400, {"message": "The request body has 1 error(s)"}
        call = LineCall(request.path, body, request.headers.get("X-Line-Retry-Key"))
        with self._lock:
            self.calls.append(call)
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None and failure != STALL:
            return failure, {"message": "injected failure"}
        problem = _message_problem(body.get("messages"))
        if problem:
            return 400, {"message": problem}
        if request.path == "/v2/bot/message/reply":
            with self._lock:
                if body.get("replyToken") not in self._reply_tokens:
                    return 400, {"message": "Invalid reply token"}
                self._reply_tokens.discard(body["replyToken"])
        elif request.path == "/v2/bot/message/push":
            if not body.get("to"):
                return 400, {"message": "The property, 'to', in the request body is invalid"}
            with self._lock:
                if call.retry_key in self._retry_keys:
                    return 409, {"message": "The retry key is already accepted"}
                if call.retry_key:
                    self._retry_keys.add(call.retry_key)
        else:
            return 404, {"message": "Not found"}
        with self._lock:
            self.delivered.append(call)
        if failure == STALL:
            return STALL, {}
        sent = [
            {"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex}
            for _ in body["messages"]
        ]
        return 200, {"sentMessages": sent}


def _message_problem(messages: Any) -> str | None:
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return "messages must be 1 to 5 message objects"
    for message in messages:
        if message.get("type") != "text" or not message.get("text"):
            return "only non-empty text messages are expected here"
        if len(message["text"]) > 5000:
            return "text is longer than 5000 characters"
        for item in (message.get("quickReply") or {}).get("items", []):
            if item.get("type") != "action" or "type" not in item.get("action", {}):
                return "quick reply items need an action"
    return None
