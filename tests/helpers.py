"""Small helpers shared by tests: staff accounts with tokens, posting inquiries, and
running the `triage` command against a test's settings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from triage.auth import service as auth_service
from triage.auth.tables import Role
from triage.core.settings import Settings


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


def run_cli(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`triage ARGS` in a subprocess on the test's database and home."""
    env = {
        **os.environ,
        "TRIAGE_HOME": str(settings.home),
        "TRIAGE_DATABASE_URL": settings.resolved_database_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "triage.cli.main", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll until `condition()` holds; fail saying `what` did not happen in time. A
    deadline for something that must happen, not a measure of speed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")
