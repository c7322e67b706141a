"""Parsing and keyword detection of Twilio form posts (no HTTP)."""

from __future__ import annotations

import pytest

from channels.base import PayloadError, SignatureError
from channels.sms.inbound import (
    Keyword,
    keyword_of,
    parse_message,
    public_url_for,
    verify_signature,
)
from tests.channels.payloads import PUBLIC_URL, TWILIO_AUTH_TOKEN, twilio_form, twilio_signature
from triage.core.db import utcnow


def test_known_answer_signature_from_twilio_docs() -> None:
    """The known answer from Twilio's webhook-security documentation and SDK tests."""
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    good, bad = "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "RSOYDt4T1cUTdK1PDd93/VVr8B9="
    verify_signature(auth_token="12345", url=url, params=params, signature=good)
    with pytest.raises(SignatureError):
        verify_signature(auth_token="12345", url=url, params=params, signature=bad)


def test_missing_signature_is_a_signature_error() -> None:
    with pytest.raises(SignatureError, match="missing"):
        verify_signature(auth_token=TWILIO_AUTH_TOKEN, url=PUBLIC_URL, params={}, signature=None)


def test_public_url_keeps_path_and_query() -> None:
    assert (
        public_url_for("https://x.jp/", "/webhooks/twilio/sms")
        == "https://x.jp/webhooks/twilio/sms"
    )
    assert public_url_for("https://x.jp", "/a", "b=1") == "https://x.jp/a?b=1"
    params = twilio_form("inbound_sms.json")
    url = public_url_for(PUBLIC_URL, "/webhooks/twilio/sms")
    signature = twilio_signature(url, params)
    verify_signature(auth_token=TWILIO_AUTH_TOKEN, url=url, params=params, signature=signature)


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ("STOP", Keyword.STOP),
        (" stop。", Keyword.STOP),
        ("停止", Keyword.STOP),
        ("ＳＴＯＰ", Keyword.STOP),
        ("Start", Keyword.START),
        ("HELP", Keyword.HELP),
        ("ヘルプ", Keyword.HELP),
        ("help me please", None),
        ("水が止まった", None),
    ],
)
def test_keywords_are_whole_messages_only(body: str, keyword: Keyword | None) -> None:
    assert keyword_of(body) is keyword


def test_parse_requires_sid_and_sender() -> None:
    params = twilio_form("inbound_sms.json")
    message = parse_message(params, received_at=utcnow())
    assert message.raw["To"] == "+815012345678"
    for key in ("MessageSid", "From"):
        broken = {k: v for k, v in params.items() if k not in (key, "SmsSid")}
        with pytest.raises(PayloadError):
            parse_message(broken, received_at=utcnow())
