"""Schemathesis against the app's own OpenAPI document: every operation, the staff ones
with a real admin token, the examples, coverage and fuzzing phases (valid and invalid
requests, boundary values), a bounded number of random examples each. No answer may be
a 5xx, and every answer must be one the document describes (status code, content type,
headers, body).

Each operation gets an app of its own, on the test's database and Redis, holding a
published playbook and an inquiry; a request that names a playbook or an inquiry is sent
as generated and again naming those rows, so it gets past "404 no such id" into the code
behind it.

The webhooks are configured with secrets the fuzzer does not know: every request it can
make is refused at the signature check (or before it), so there the expected answer is
403, and the app is not weakened to let it further (the parsers behind the check have
their own property tests, tests/property/test_channels.py).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session, sessionmaker

from tests.channels.payloads import LINE_CHANNEL_SECRET, TWILIO_AUTH_TOKEN
from tests.helpers import bearer, make_staff, post_inquiry
from tests.playbooks.factories import content
from triage.app import create_app
from triage.auth.tables import Role
from triage.core.settings import Settings

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
WEBHOOKS = frozenset({"/webhooks/twilio/sms", "/webhooks/twilio/status", "/webhooks/line"})
# Found by this test, in channels/web/views.py, and not yet documented there: the citizen
# form answers 303 and an HTML 422 (the document says JSON); a follow-up answers 303, 404
# and 429, and a 422 whose `detail` is a sentence (the document says a list). Until then
# these two are held to "no 5xx" only.
UNDOCUMENTED_YET: frozenset[str] = frozenset()


def _document() -> dict[str, Any]:
    """The app's OpenAPI document, read at collection (schemathesis makes one test per
    operation from it) from an app that is built, never started: building one connects
    to nothing (the engine and Redis connect on first use)."""
    with tempfile.TemporaryDirectory() as home:
        unused = Settings(
            home=Path(home),
            database_url=f"sqlite:///{home}/unused.db",
            secret_key="collection-only-secret-key-0123456789",
        )
        app = create_app(unused, redis_conn=redis.Redis())
        document = app.openapi()
        app.state.resources.engine.dispose()
    return document


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture
def admin_headers(session_factory: sessionmaker[Session]) -> dict[str, str]:
    return bearer(make_staff(session_factory, "fuzz-admin", Role.ADMIN))


@pytest.fixture
def known_ids(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    """Path parameters that name real rows: a published playbook and a web inquiry."""
    playbook = content("fuzz_pb").model_dump(mode="json")
    created = client.post("/api/v1/playbooks", json={"content": playbook}, headers=admin_headers)
    assert created.status_code == 201, created.text
    published = client.post(
        "/api/v1/playbooks/fuzz_pb/publish", json={"version": 1}, headers=admin_headers
    )
    assert published.status_code == 200, published.text
    inquiry = post_inquiry(client, "避難所はどこですか")
    return {
        "playbook_id": "fuzz_pb",
        "inquiry_id": inquiry["id"],
        "public_token": inquiry["status_url"].rsplit("/", 1)[1],
    }


@pytest.fixture
def fuzzed_app(settings: Settings, redis_conn: redis.Redis) -> Iterator[FastAPI]:
    """The app as production wires it, with both webhooks configured."""
    configured = settings.model_copy(
        update={
            "twilio_auth_token": SecretStr(TWILIO_AUTH_TOKEN),
            "line_channel_secret": SecretStr(LINE_CHANNEL_SECRET),
        }
    )
    yield create_app(configured, redis_conn=redis_conn)
    # Schemathesis starts the app's lifespan on its first call and keeps it until told.
    shutdown_lifespans()


def _check(case: schemathesis.Case, app: FastAPI, headers: dict[str, str]) -> None:
    # A redirect is the route's answer; the page it points to is another operation.
    kwargs: dict[str, Any] = {"app": app, "headers": dict(headers), "allow_redirects": False}
    if case.operation.path in WEBHOOKS:
        response = case.call_and_validate(checks=[not_a_server_error], **kwargs)
        # Refused at the signature check, or before it: another method on the path (405),
        # a multipart body (415, from the body limits).
        assert response.status_code in {403, 405, 415}, response.text
    elif case.operation.label in UNDOCUMENTED_YET:
        case.call_and_validate(checks=[not_a_server_error], **kwargs)
    else:
        case.call_and_validate(checks=CHECKS, **kwargs)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    database=None,
    # One app per operation, shared by its examples: requests accumulate, as in service.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_operation_answers_as_documented(
    case: schemathesis.Case,
    fuzzed_app: FastAPI,
    admin_headers: dict[str, str],
    known_ids: dict[str, str],
) -> None:
    _check(case, fuzzed_app, admin_headers)
    known = {name: known_ids[name] for name in case.path_parameters or {} if name in known_ids}
    if known:
        case.path_parameters = {**(case.path_parameters or {}), **known}
        _check(case, fuzzed_app, admin_headers)
