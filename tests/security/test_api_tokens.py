"""Bearer tokens expire (`TRIAGE_API_TOKEN_TTL_DAYS`) and can be revoked, and
`triage demo` keeps showing the one token it minted instead of a new one per start."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.helpers import bearer, make_staff
from triage.auth import service
from triage.auth.tables import ApiToken, Role, StaffUser
from triage.cli.demo import DEMO_USER, ensure_demo_account
from triage.core.db import utcnow
from triage.core.settings import Settings


def issued_days_ago(session_factory: sessionmaker[Session], days: float) -> None:
    with session_factory() as session:
        session.execute(update(ApiToken).values(created_at=utcnow() - timedelta(days=days)))
        session.commit()


def test_a_token_expires_after_the_configured_days(
    client: TestClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    assert settings.api_token_ttl_days == 30
    token = make_staff(session_factory, "aya", Role.RESPONDER)
    issued_days_ago(session_factory, 29)
    assert client.get("/api/v1/inquiries", headers=bearer(token)).status_code == 200
    issued_days_ago(session_factory, 31)
    refused = client.get("/api/v1/inquiries", headers=bearer(token))
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]


def test_revoked_tokens_stop_working_at_once(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    first = make_staff(session_factory, "aya", Role.RESPONDER)
    other = make_staff(session_factory, "ken", Role.RESPONDER)
    with session_factory() as session:
        user = service.user_by_name("aya", session=session)
        assert isinstance(user, StaffUser)
        second = service.issue_token(user, session=session)
        session.commit()
    assert client.get("/api/v1/inquiries", headers=bearer(second)).status_code == 200
    with session_factory() as session:
        user = service.user_by_name("aya", session=session)
        assert isinstance(user, StaffUser)
        assert service.revoke_tokens(user, session=session) == 2
        session.commit()
    for token in (first, second):
        assert client.get("/api/v1/inquiries", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/inquiries", headers=bearer(other)).status_code == 200


def test_the_demo_shows_the_same_token_at_every_start(
    client: TestClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    first_password, token = ensure_demo_account(settings)
    second_password, again = ensure_demo_account(settings)
    assert again == token and second_password != first_password
    assert client.get("/api/v1/inquiries", headers=bearer(token)).status_code == 200
    assert (settings.home / "demo_token").stat().st_mode & 0o077 == 0
    with session_factory() as session:
        assert len(session.scalars(select(ApiToken)).all()) == 1
        # Once it no longer works (revoked here), the next start mints a new one.
        demo = service.user_by_name(DEMO_USER, session=session)
        assert isinstance(demo, StaffUser)
        service.revoke_tokens(demo, session=session)
        session.commit()
    _, renewed = ensure_demo_account(settings)
    assert renewed != token
    assert client.get("/api/v1/inquiries", headers=bearer(renewed)).status_code == 200
