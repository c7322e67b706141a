"""A small real HTTP server that speaks the part of Twilio's REST API we use.

POST /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP Basic auth (AccountSid and
auth token) and a form body (To, From, Body, StatusCallback). It checks those like Twilio
does, records every accepted message, and can be told to answer 429 or 500 for the next
N calls (`fail_next`), to take a message and lose the answer (`fail_next(STALL)`), or to
refuse numbers that sent STOP (error 21610). GET on the same path lists the messages
sent, filtered by To and From, in Twilio's page format.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.json_api import STALL, JsonApiServer


@dataclass
class SentSms:
    to: str
    from_: str
    body: str
    status_callback: str | None
    sid: str


@dataclass
class FakeTwilio(JsonApiServer):
    account_sid: str
    auth_token: str
    sent: list[SentSms] = field(default_factory=list)
    calls: int = 0
    lookups: int = 0
    unsubscribed: set[str] = field(default_factory=set)

    def _error(self, status: int, code: int, message: str) -> tuple[int, dict[str, Any]]:
        return status, {"code": code, "message": message, "status": status, "more_info": ""}

    def handle(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.calls += 1
            failure = self._failures.pop(0) if self._failures else None
        expected_path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        if request.path != expected_path:
            return self._error(404, 20404, f"no resource at {request.path}")
        expected_auth = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected_auth}":
            return self._error(401, 20003, "Authenticate")
        if not request.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return self._error(400, 21000, "expected a form body")
        length = int(request.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(request.rfile.read(length).decode()).items()}
        if failure is not None and failure != STALL:
            return self._error(failure, 20429 if failure == 429 else 20500, "injected failure")
        for required in ("To", "From", "Body"):
            if not form.get(required):
                return self._error(
                    400, 21602 if required == "Body" else 21604, f"{required} is required"
                )
        if form["To"] in self.unsubscribed:
            return self._error(400, 21610, "Attempt to send to unsubscribed recipient")
        sid = "SM" + uuid.uuid4().hex
        sms = SentSms(form["To"], form["From"], form["Body"], form.get("StatusCallback"), sid)
        with self._lock:
            self.sent.append(sms)
        if failure == STALL:
            return STALL, {}
        return 201, self._resource(sms)

    def handle_get(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, Any]]:
        """The message list (`client.messages.list(to=..., from_=...)`), one page."""
        path, _, query = request.path.partition("?")
        expected_path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        if path != expected_path:
            return self._error(404, 20404, f"no resource at {path}")
        expected_auth = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected_auth}":
            return self._error(401, 20003, "Authenticate")
        params = {k: v[0] for k, v in parse_qs(query).items()}
        with self._lock:
            self.lookups += 1
            found = [
                self._resource(m)
                for m in self.sent
                if m.to == params.get("To", m.to) and m.from_ == params.get("From", m.from_)
            ]
        return 200, {
            "messages": found,
            "uri": path,
            "page": 0,
            "page_size": 50,
            "first_page_uri": path,
            "next_page_uri": None,
            "previous_page_uri": None,
        }

    def _resource(self, sms: SentSms) -> dict[str, Any]:
        return {
            "sid": sms.sid,
            "account_sid": self.account_sid,
            "to": sms.to,
            "from": sms.from_,
            "body": sms.body,
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sms.sid}.json",
        }
