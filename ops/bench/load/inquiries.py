"""The inquiries of the load benchmark: texts from the project's own training examples,
and signed requests for the three channels, signed the way `tests/channels/payloads.py`
signs them (Twilio's own RequestValidator over TRIAGE_PUBLIC_URL + path and the form;
base64 HMAC-SHA256 of the exact LINE body under the channel secret).

Every inquiry has its own sender (phone number, LINE user): a crowd writing once each,
so no message continues another's conversation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[3]
TRAINING = ROOT / "triage/assessment/training"

# Test credentials (the values of tests/channels/payloads.py): nothing here reaches Twilio.
TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
TWILIO_AUTH_TOKEN = "12345678901234567890123456789012"
TWILIO_FROM = "+815012345678"
LINE_CHANNEL_SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"
LINE_ACCESS_TOKEN = "test-line-channel-access-token"
PUBLIC_URL = "https://triage.example.jp"

API_PATH = "/api/v1/inquiries"
SMS_PATH = "/webhooks/twilio/sms"
LINE_PATH = "/webhooks/line"
CHANNELS = ("web", "sms", "line")


def channel_env() -> dict[str, str]:
    """The settings that make `triage serve` accept these signatures."""
    return {
        "TRIAGE_PUBLIC_URL": PUBLIC_URL,
        "TRIAGE_TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TRIAGE_TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TRIAGE_TWILIO_FROM": TWILIO_FROM,
        "TRIAGE_LINE_CHANNEL_SECRET": LINE_CHANNEL_SECRET,
        "TRIAGE_LINE_CHANNEL_ACCESS_TOKEN": LINE_ACCESS_TOKEN,
    }


def training_texts() -> list[str]:
    """Every text of triage/assessment/training/*.jsonl, in file order."""
    texts: list[str] = []
    for path in sorted(TRAINING.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


@dataclass(frozen=True)
class PlannedRequest:
    index: int
    channel: str
    text: str


def plan(count: int, mix: dict[str, float], seed: int = 1) -> list[PlannedRequest]:
    """`count` requests, channels drawn by the `mix` weights, texts drawn from the examples."""
    rng = random.Random(seed)
    texts = training_texts()
    channels = list(mix)
    weights = [mix[c] for c in channels]
    return [
        PlannedRequest(i, rng.choices(channels, weights)[0], rng.choice(texts))
        for i in range(count)
    ]


def line_signature(body: bytes, secret: str = LINE_CHANNEL_SECRET) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


_validator = RequestValidator(TWILIO_AUTH_TOKEN)


def build(
    request: PlannedRequest, run_id: str
) -> tuple[str, dict[str, str], bytes | dict[str, str] | dict[str, object]]:
    """(path, headers, body) of one request: a JSON body as a dict (sent as JSON), a form
    as a dict of str (sent form-encoded, in this order: the order the signature saw), or
    LINE's exact signed bytes. Built at send time: LINE's event timestamp, which intake
    stores as the time of receipt, is the time of sending."""
    i = request.index
    if request.channel == "web":
        body: dict[str, object] = {"text": request.text}
        if i % 3 == 0:
            body["contact"] = f"+8180{i:08d}"
        return API_PATH, {}, body
    if request.channel == "sms":
        sid = f"SM{run_id}{i:024x}"[:34]
        params = {
            "ToCountry": "JP",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "SmsSid": sid,
            "SmsStatus": "received",
            "Body": request.text,
            "FromCountry": "JP",
            "To": TWILIO_FROM,
            "NumSegments": "1",
            "MessageSid": sid,
            "AccountSid": TWILIO_ACCOUNT_SID,
            "From": f"+8190{i:08d}",
            "ApiVersion": "2010-04-01",
        }
        signature = _validator.compute_signature(PUBLIC_URL + SMS_PATH, params)
        return SMS_PATH, {"X-Twilio-Signature": signature}, params
    event = {
        "type": "message",
        "message": {
            "type": "text",
            "id": f"{500000000000000000 + i}",
            "quoteToken": f"q{i}",
            "text": request.text,
        },
        "webhookEventId": f"01LOAD{run_id}{i:012d}"[:26],
        "deliveryContext": {"isRedelivery": False},
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": f"U{run_id}{i:024x}"[:33]},
        "replyToken": f"replytoken{i}",
        "mode": "active",
    }
    raw = json.dumps(
        {"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False
    ).encode()
    return (
        LINE_PATH,
        {"X-Line-Signature": line_signature(raw), "Content-Type": "application/json"},
        raw,
    )
