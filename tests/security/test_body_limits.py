"""Every body is capped before it is parsed, by its declared length and by the bytes
that arrive, and multipart is refused: nothing is stored, nothing is spooled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from triage.app import create_app
from triage.core.body_limits import LOGIN_MAX_BODY_BYTES, TWILIO_MAX_BODY_BYTES
from triage.core.settings import Settings
from triage.inquiries.tables import Inquiry

FORM = {"content-type": "application/x-www-form-urlencoded"}


def form_cap(settings: Settings) -> int:
    return 16 * 1024 + 12 * settings.max_text_length


def chunks(total: int, size: int = 16 * 1024) -> Iterator[bytes]:
    """A streamed body with no Content-Length (Transfer-Encoding: chunked)."""
    yield b"nonce=n1&text="
    sent = 0
    while sent < total:
        yield b"a" * size
        sent += size


@pytest.mark.parametrize("path", ["/", "/status/whatever/messages"])
def test_an_oversized_citizen_form_is_413_and_nothing_is_stored(
    client: TestClient, settings: Settings, session: Session, path: str
) -> None:
    body = b"nonce=n1&text=" + b"a" * form_cap(settings)
    response = client.post(path, content=body, headers=FORM)
    assert response.status_code == 413
    streamed = client.post(path, content=chunks(form_cap(settings)), headers=FORM)
    assert streamed.status_code == 413
    assert session.scalars(select(Inquiry)).all() == []


def test_a_form_at_the_text_limit_still_fits(client: TestClient, settings: Settings) -> None:
    """The longest text a citizen may send, in 4-byte characters, percent-encoded."""
    text = "🆘" * settings.max_text_length
    response = client.post("/", data={"text": text, "nonce": "n1"}, follow_redirects=False)
    assert response.status_code == 303


@pytest.fixture
def sms_client(settings: Settings, redis_conn: redis.Redis) -> Iterator[TestClient]:
    """With the SMS channel configured, so its webhooks read their bodies."""
    configured = settings.model_copy(update={"twilio_auth_token": SecretStr("twilio-test-token")})
    with TestClient(create_app(configured, redis_conn=redis_conn)) as client:
        yield client


def test_an_oversized_twilio_webhook_is_413_before_its_signature(sms_client: TestClient) -> None:
    body = b"Body=" + b"a" * TWILIO_MAX_BODY_BYTES
    for path in ("/webhooks/twilio/sms", "/webhooks/twilio/status"):
        assert sms_client.post(path, content=body, headers=FORM).status_code == 413
        streamed = sms_client.post(path, content=chunks(TWILIO_MAX_BODY_BYTES), headers=FORM)
        assert streamed.status_code == 413
        # A small unsigned one is read, and refused for its signature.
        assert sms_client.post(path, content=b"Body=a", headers=FORM).status_code == 403


def test_an_oversized_sign_in_is_413(client: TestClient) -> None:
    body = b"name=aya&password=" + b"a" * LOGIN_MAX_BODY_BYTES
    assert client.post("/console/login", content=body, headers=FORM).status_code == 413


def test_any_other_body_is_capped_at_one_mebibyte(client: TestClient) -> None:
    big = b"{" + b" " * (1024 * 1024) + b"}"
    response = client.post(
        "/api/v1/playbooks", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "path", ["/", "/status/whatever/messages", "/webhooks/twilio/sms", "/console/login"]
)
def test_multipart_is_refused_with_415(client: TestClient, session: Session, path: str) -> None:
    response = client.post(
        path, data={"text": "水", "nonce": "n1"}, files={"upload": ("a.bin", b"\0" * 1000)}
    )
    assert response.status_code == 415
    assert session.scalars(select(Inquiry)).all() == []
