"""Stored provider payloads (tests/payloads/) and how the providers sign them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from twilio.request_validator import RequestValidator

PAYLOADS = Path(__file__).parent.parent / "payloads"

TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
TWILIO_AUTH_TOKEN = "12345678901234567890123456789012"
TWILIO_FROM = "+815012345678"
LINE_CHANNEL_SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"
LINE_ACCESS_TOKEN = "test-line-channel-access-token"
PUBLIC_URL = "https://triage.example.jp"


def twilio_form(name: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((PAYLOADS / "twilio" / name).read_text(encoding="utf-8"))
    return data


def twilio_signature(url: str, params: dict[str, str], token: str = TWILIO_AUTH_TOKEN) -> str:
    """What Twilio sends in X-Twilio-Signature, computed by Twilio's own validator."""
    signature: str = RequestValidator(token).compute_signature(url, params)
    return signature


def line_body(name: str) -> bytes:
    return (PAYLOADS / "line" / name).read_bytes()


def line_json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(line_body(name))
    return data


def line_signature(body: bytes, secret: str = LINE_CHANNEL_SECRET) -> str:
    """What LINE sends in X-Line-Signature: base64(HMAC-SHA256(channel secret, body))."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
