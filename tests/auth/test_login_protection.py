"""Sign-in is throttled per account and per address (429 with Retry-After, before any
password is hashed), hashing is bounded per process (503 when every slot is taken), and
signing out ends the session on the server: a copied cookie no longer works."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.auth.test_views import _csrf, sign_in
from tests.helpers import make_staff
from triage.app import create_app
from triage.auth import service
from triage.auth.hashing import password_hasher
from triage.auth.tables import Role, StaffUser
from triage.core.settings import Settings


@pytest.fixture
def strict_client(settings: Settings, redis_conn: redis.Redis) -> Iterator[TestClient]:
    strict = settings.model_copy(
        update={"login_limit_per_account": "3/minute", "login_limit_per_ip": "8/minute"}
    )
    with TestClient(
        create_app(strict, redis_conn=redis_conn), base_url="https://testserver"
    ) as client:
        yield client


def test_guessing_one_account_is_429_with_retry_after(
    strict_client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    assert [sign_in(strict_client, "aya", f"guess {i}").status_code for i in range(3)] == [401] * 3
    refused = sign_in(strict_client, "aya", "correct horse")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "試行が多すぎます" in refused.text
    # The name is counted whatever its case or spaces.
    assert sign_in(strict_client, " AYA ", "correct horse").status_code == 429
    # Another account from the same address is not locked by aya's limit.
    make_staff(session_factory, "ken", Role.RESPONDER, password="correct horse")
    assert sign_in(strict_client, "ken", "correct horse").status_code == 303


def test_guessing_many_accounts_from_one_address_is_429(strict_client: TestClient) -> None:
    statuses = [sign_in(strict_client, f"user{i}", "guess").status_code for i in range(9)]
    assert statuses == [401] * 8 + [429]


def test_the_limit_is_checked_before_any_hashing(
    strict_client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    for i in range(3):
        sign_in(strict_client, "aya", f"guess {i}")
    with password_hasher.holding_every_slot():
        # No slot is free, yet the answer is 429, not 503: the limit comes first.
        assert sign_in(strict_client, "aya", "guess").status_code == 429


def test_sign_in_is_503_while_every_hashing_slot_is_taken(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    with password_hasher.holding_every_slot():
        busy = sign_in(client, "aya", "correct horse")
        unknown = sign_in(client, "nobody", "correct horse")
    assert (busy.status_code, unknown.status_code) == (503, 503)
    assert busy.headers["Retry-After"] == "1"
    assert sign_in(client, "aya", "correct horse").status_code == 303


def test_signing_out_ends_the_session_on_the_server(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    assert sign_in(client, "aya", "correct horse").status_code == 303
    copied = client.cookies["triage_session"]
    csrf = _csrf(client.get("/console").text)
    out = client.post("/console/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/v1/inquiries").status_code == 401
    # The cookie from before sign-out, replayed, is refused too.
    client.cookies.clear()
    replayed = client.get("/api/v1/inquiries", headers={"Cookie": f"triage_session={copied}"})
    assert replayed.status_code == 401
    # Signing in again works, with a new session.
    assert sign_in(client, "aya", "correct horse").status_code == 303
    assert client.get("/api/v1/inquiries").status_code == 200


def test_a_new_password_ends_every_session(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    make_staff(session_factory, "aya", Role.RESPONDER, password="correct horse")
    sign_in(client, "aya", "correct horse")
    assert client.get("/api/v1/inquiries").status_code == 200
    with session_factory() as session:
        user = service.user_by_name("aya", session=session)
        assert isinstance(user, StaffUser)
        service.set_password(user, "battery staple")
        session.commit()
    assert client.get("/api/v1/inquiries").status_code == 401
