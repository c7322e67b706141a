"""Small helpers shared by tests: staff accounts with tokens, and posting inquiries."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from triage.auth import service as auth_service
from triage.auth.tables import Role


def make_staff(
    session_factory: sessionmaker[Session], name: str, role: Role, password: str | None = None
) -> str:
    """Create a staff user; returns a bearer token."""
    with session_factory() as session:
        user = auth_service.create_user(name, role, session=session, password=password)
        token = auth_service.issue_token(user, session=session)
        session.commit()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_inquiry(client: TestClient, text: str, **extra: Any) -> dict[str, Any]:
    headers = extra.pop("headers", {})
    response = client.post("/api/v1/inquiries", json={"text": text, **extra}, headers=headers)
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body
