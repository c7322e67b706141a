"""The webhook parsers on hostile input: they return messages or raise their documented
errors (PayloadError, SignatureError), never anything else."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channels.base import InboundMessage, PayloadError, SignatureError
from channels.line.inbound import Follow, Ignored, Unfollow, parse_events
from channels.sms.inbound import Keyword, keyword_of, parse_message
from tests.channels.payloads import LINE_CHANNEL_SECRET, line_json, line_signature

from .hostile import BOUNDED, BOUNDED_SLOW, any_character, hostile_text

RECEIVED_AT = datetime(2026, 1, 1, tzinfo=UTC)

# Twilio's own field names, so that the parser's branches are reached, and any others.
TWILIO_KEYS = (
    "MessageSid", "SmsSid", "From", "To", "Body", "NumMedia", "NumSegments", "FromCountry",
    "MediaUrl0", "MediaContentType0", "MediaUrl1", "MediaUrl9", "MediaUrl10", "AccountSid",
)  # fmt: skip
twilio_value = (
    hostile_text
    | st.integers(min_value=-(10**6), max_value=10**6).map(str)
    | st.integers(min_value=4000, max_value=5000).map(lambda n: "9" * n)
)
form_pairs = st.lists(
    st.tuples(st.sampled_from(TWILIO_KEYS) | st.text(any_character, max_size=10), twilio_value),
    max_size=12,
)


@BOUNDED
@given(form_pairs)
def test_an_sms_form_post_is_a_message_or_a_payload_error(pairs: list[tuple[str, str]]) -> None:
    # As the view builds it: every field of the form, a repeated key keeping its last value.
    params = {key: value for key, value in pairs}
    try:
        message = parse_message(params, received_at=RECEIVED_AT)
    except PayloadError:
        return
    assert isinstance(message, InboundMessage)


@BOUNDED
@given(hostile_text)
def test_any_sms_body_is_a_keyword_or_none(body: str) -> None:
    assert keyword_of(body) is None or isinstance(keyword_of(body), Keyword)


def json_values(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=12), children, max_size=4)
        ),
        max_leaves=12,
    )


json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
)
# Events shaped like LINE's (so the SDK's models are reached), with hostile fields.
_SAMPLE_EVENTS = line_json("events_mixed.json")["events"]


def _mutated(
    event: dict[str, Any], changes: dict[str, Any], timestamp: int | None = None
) -> dict[str, Any]:
    mutated = {**event, **changes}
    if timestamp is not None:
        mutated["timestamp"] = timestamp
    return mutated


# LINE's timestamps are milliseconds since 1970: those a datetime holds (see the xfail
# below for the others).
line_timestamp = st.integers(min_value=0, max_value=253_402_300_799_999)
line_event = st.builds(
    _mutated,
    st.sampled_from(_SAMPLE_EVENTS),
    st.dictionaries(
        st.sampled_from(("type", "message", "source", "webhookEventId", "replyToken", "mode")),
        json_values(json_leaf),
        max_size=3,
    ),
    st.none() | line_timestamp,
)
line_value = st.one_of(
    st.builds(
        lambda events, destination: {"destination": destination, "events": events},
        st.lists(line_event, max_size=4),
        hostile_text,
    ),
    json_values(json_leaf),
)


def _encoded(value: Any, ascii_only: bool) -> bytes:
    """As JSON bytes: escaped, a lone surrogate reaches the parser as "\\ud800"; raw, it
    makes the body invalid UTF-8 (which LINE never signs)."""
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


line_body = st.builds(_encoded, line_value, st.booleans())


def _parse_line(body: bytes) -> None:
    try:
        events = parse_events(body, line_signature(body), LINE_CHANNEL_SECRET)
    except (PayloadError, SignatureError):
        return
    assert all(isinstance(e, InboundMessage | Follow | Unfollow | Ignored) for e in events)


@BOUNDED_SLOW
@given(line_body)
def test_a_signed_line_body_is_events_or_a_payload_error(body: bytes) -> None:
    _parse_line(body)


@BOUNDED
@given(st.binary(max_size=200))
def test_signed_bytes_are_events_or_a_documented_error(body: bytes) -> None:
    _parse_line(body)


@BOUNDED
@given(body=st.binary(max_size=200), signature=st.none() | st.text(max_size=60))
def test_a_wrong_signature_is_a_signature_error(body: bytes, signature: str | None) -> None:
    if signature == line_signature(body):
        return
    with pytest.raises(SignatureError):
        parse_events(body, signature, LINE_CHANNEL_SECRET)


def _signed_event(timestamp: int) -> bytes:
    event = _mutated(_SAMPLE_EVENTS[0], {}, timestamp)
    return json.dumps({"destination": "U0", "events": [event]}).encode()


# Found by this suite: a signed body the JSON decoder cannot hold, or a timestamp no
# datetime holds, raised something other than PayloadError (a 500, and LINE redelivers).
def test_a_signed_body_nested_too_deep_is_a_payload_error() -> None:
    body = b'{"destination": "U0", "events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(PayloadError):
        parse_events(body, line_signature(body), LINE_CHANNEL_SECRET)


@pytest.mark.parametrize("timestamp", [10**17, 2**63, -(10**20)])
def test_an_impossible_timestamp_is_a_payload_error(timestamp: int) -> None:
    body = _signed_event(timestamp)
    with pytest.raises(PayloadError):
        parse_events(body, line_signature(body), LINE_CHANNEL_SECRET)
