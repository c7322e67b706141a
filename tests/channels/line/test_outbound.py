"""Sending LINE messages: reply token while fresh (free), push otherwise, retries sorted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from channels.base import OutboundReply, PermanentSendError, TransientSendError
from channels.line.outbound import LineSender
from tests.fakes.line_server import FakeLine
from triage.core.db import utcnow
from triage.core.settings import Settings

USER = "U11111111111111111111111111111111"
RETRY_KEY = "123e4567-e89b-12d3-a456-426614174000"


def reply(
    token: str | None = None, age_seconds: float = 1, ask_location: bool = False
) -> OutboundReply:
    return OutboundReply(
        channel="line",
        recipient=USER,
        text="最寄りの避難所は小丸山小学校です。",
        reply_token=token,
        reply_token_issued_at=utcnow() - timedelta(seconds=age_seconds),
        ask_location=ask_location,
        idempotency_key=RETRY_KEY,
    )


def test_fresh_reply_token_is_used(settings: Settings, fake_line: FakeLine) -> None:
    token = fake_line.issue_reply_token("token-1")
    result = LineSender.from_settings(settings).send(reply(token))
    (call,) = fake_line.delivered
    assert call.path == "/v2/bot/message/reply"
    assert call.body["replyToken"] == token
    assert call.body["messages"][0] == {
        "type": "text",
        "text": "最寄りの避難所は小丸山小学校です。",
    }
    assert result.method == "reply" and result.provider_message_id


def test_old_reply_token_falls_back_to_push_with_retry_key(
    settings: Settings, fake_line: FakeLine
) -> None:
    fake_line.issue_reply_token("token-2")
    result = LineSender.from_settings(settings).send(reply("token-2", age_seconds=120))
    (call,) = fake_line.calls
    assert call.path == "/v2/bot/message/push"
    assert call.body["to"] == USER
    assert call.retry_key == RETRY_KEY
    assert result.method == "push"


def test_refused_reply_token_falls_back_to_push(settings: Settings, fake_line: FakeLine) -> None:
    result = LineSender.from_settings(settings).send(reply("never-issued"))
    assert [c.path for c in fake_line.calls] == ["/v2/bot/message/reply", "/v2/bot/message/push"]
    assert result.method == "push"


def test_location_quick_reply(settings: Settings, fake_line: FakeLine) -> None:
    LineSender.from_settings(settings).send(reply(ask_location=True))
    message = fake_line.delivered[0].body["messages"][0]
    assert message["quickReply"] == {
        "items": [{"type": "action", "action": {"type": "location", "label": "現在地を送る"}}]
    }


@pytest.mark.parametrize("status", [429, 500])
def test_429_and_5xx_are_transient(settings: Settings, fake_line: FakeLine, status: int) -> None:
    fake_line.fail_next(status)
    with pytest.raises(TransientSendError):
        LineSender.from_settings(settings).send(reply())
    assert fake_line.delivered == []


def test_retried_push_is_not_delivered_twice(settings: Settings, fake_line: FakeLine) -> None:
    sender = LineSender.from_settings(settings)
    sender.send(reply())
    again = sender.send(reply())
    assert len(fake_line.delivered) == 1
    assert again.method == "push"


def test_wrong_token_is_permanent(settings: Settings, fake_line: FakeLine) -> None:
    with pytest.raises(PermanentSendError, match="401"):
        LineSender("wrong-token", fake_line.base_url).send(reply())


def test_unreachable_api_is_transient() -> None:
    with pytest.raises(TransientSendError):
        LineSender("token", "http://127.0.0.1:1").send(reply())
