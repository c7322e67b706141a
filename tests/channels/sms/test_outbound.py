"""Sending SMS through Twilio's REST API (against a local fake that checks the shapes)."""

from __future__ import annotations

import pytest

from channels.base import OutboundReply, PermanentSendError, TransientSendError
from channels.sms.outbound import TwilioSmsSender, compose_body
from channels.sms.segments import count_segments
from tests.channels.payloads import TWILIO_FROM
from tests.fakes.twilio_server import FakeTwilio
from triage.core.settings import Settings

STATUS_URL = "https://triage.example.jp/status/" + "t" * 32


def reply(text: str = "最寄りの避難所は七尾市立小丸山小学校です。") -> OutboundReply:
    return OutboundReply(
        channel="sms", recipient="+819012345678", text=text, status_url=STATUS_URL, language="ja"
    )


def test_sends_form_post_with_auth_and_status_callback(
    settings: Settings, fake_twilio: FakeTwilio
) -> None:
    result = TwilioSmsSender.from_settings(settings).send(reply())

    (sent,) = fake_twilio.sent
    assert (sent.to, sent.from_) == ("+819012345678", TWILIO_FROM)
    assert sent.body.startswith("最寄りの避難所は")
    assert sent.body.endswith(STATUS_URL)
    assert sent.status_callback == "https://triage.example.jp/webhooks/twilio/status"
    assert result.provider_message_id == sent.sid
    assert result.method == "rest"
    assert result.segments == count_segments(sent.body).segments == 2


def test_long_answer_is_cut_to_two_segments_keeping_link_and_119(
    settings: Settings, fake_twilio: FakeTwilio
) -> None:
    result = TwilioSmsSender.from_settings(settings).send(reply("給水所の案内です。" * 30))
    body = fake_twilio.sent[0].body
    assert result.segments == 2
    assert "…" in body and "119/110" in body and body.endswith(STATUS_URL)


def test_english_answer_uses_gsm7_budget() -> None:
    body = compose_body("The nearest shelter is Komaruyama school.", STATUS_URL, "en")
    assert count_segments(body).encoding == "GSM-7"
    assert body.endswith(STATUS_URL)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_429_and_5xx_are_transient(
    settings: Settings, fake_twilio: FakeTwilio, status: int
) -> None:
    fake_twilio.fail_next(status)
    with pytest.raises(TransientSendError):
        TwilioSmsSender.from_settings(settings).send(reply())
    assert fake_twilio.sent == []


def test_unsubscribed_recipient_is_permanent(settings: Settings, fake_twilio: FakeTwilio) -> None:
    fake_twilio.unsubscribed.add("+819012345678")
    with pytest.raises(PermanentSendError, match="21610"):
        TwilioSmsSender.from_settings(settings).send(reply())


def test_wrong_credentials_are_permanent(settings: Settings, fake_twilio: FakeTwilio) -> None:
    wrong = TwilioSmsSender(
        account_sid=settings.twilio_account_sid or "",
        auth_token="wrong",
        from_number=TWILIO_FROM,
        status_callback_url=None,
        api_base=fake_twilio.base_url,
    )
    with pytest.raises(PermanentSendError, match="401"):
        wrong.send(reply())


def test_unreachable_api_is_transient(settings: Settings) -> None:
    unreachable = settings.model_copy(update={"twilio_api_base": "http://127.0.0.1:1"})
    with pytest.raises(TransientSendError):
        TwilioSmsSender.from_settings(unreachable).send(reply())


def test_not_configured_is_permanent(settings: Settings) -> None:
    with pytest.raises(PermanentSendError, match="not configured"):
        TwilioSmsSender.from_settings(settings.model_copy(update={"twilio_from": None}))
